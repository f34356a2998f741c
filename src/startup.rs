//! Builds the application: store, auth, state, HTTP server bound to its own listener (so tests
//! can use port 0 and read `port()`).

use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::{header, Method};
use actix_web::middleware::{from_fn, Condition};
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use utoipa_actix_web::AppExt;

use crate::app;
use crate::auth::Authenticator;
use crate::config::Settings;
use crate::http::{self, AppState, RouteTable};
use crate::storage::Store;

pub struct Application {
    port: u16,
    server: Server,
    store: Store,
    /// The webhook dispatcher: how to stop it, and its task.
    dispatcher: Option<(
        tokio::sync::watch::Sender<bool>,
        tokio::task::JoinHandle<()>,
    )>,
    /// How long a stopping process waits for deliveries in flight.
    dispatch_grace: std::time::Duration,
}

impl Application {
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let store = Store::connect(&settings.database)
            .await
            .context("cannot open the database")?;
        if settings.migrate_on_start {
            store.migrate().await.context("cannot apply migrations")?;
        }
        let auth =
            Authenticator::from_settings(settings).context("cannot set up authentication")?;
        auth.prefetch().await;
        let api = http::openapi();
        let document = http::openapi_json_bytes(&http::openapi_document(&api));
        let state = web::Data::new(AppState {
            app: app::App::new(store.clone(), settings.webhooks.clone())
                .map_err(anyhow::Error::msg)?,
            auth,
            metrics: Default::default(),
            routes: RouteTable::from_openapi(&api),
            cursors: Default::default(),
            limits: http::RateLimits::new(&settings.rate_limits),
        });
        let address = settings.listen;
        let listener =
            TcpListener::bind(address).with_context(|| format!("cannot listen on {address}"))?;
        let port = listener.local_addr()?.port();
        let (body, path, query) =
            http::extractor_configs(settings.body_limit_bytes, settings.body_timeout);
        let origins = settings.cors_origins.clone();

        let limits = state.clone();
        let dispatching = state.clone();
        let mut server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .configure(http::configure)
                .split_for_parts();
            let cors = origins
                .iter()
                .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
                .allowed_methods([
                    Method::GET,
                    Method::POST,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                ])
                .allowed_headers([
                    header::AUTHORIZATION,
                    header::CONTENT_TYPE,
                    header::IF_MATCH,
                    header::HeaderName::from_static("idempotency-key"),
                    header::HeaderName::from_static("x-request-id"),
                ])
                .expose_headers([
                    header::ETAG,
                    header::LOCATION,
                    header::HeaderName::from_static("x-request-id"),
                ])
                .max_age(600);
            app.app_data(state.clone())
                .app_data(body)
                .app_data(path.clone())
                .app_data(query.clone())
                .service(web::redirect("/docs", "/docs/").permanent())
                .service(http::docs_page)
                .service(http::openapi_json_service(document.clone()))
                .service(http::docs_service())
                .default_service(web::to(http::fallback))
                .wrap(Condition::new(!origins.is_empty(), cors))
                .wrap(from_fn(http::request_context))
        })
        .shutdown_timeout(10);
        if settings.workers > 0 {
            server = server.workers(settings.workers);
        }
        let server = server.listen(listener)?.run();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                every.tick().await;
                limits.limits.forget_idle();
            }
        });
        if let Some(interval) = settings.retention_interval {
            tokio::spawn(app::retention::run_periodically(
                store.clone(),
                interval,
                settings.event_retention_days,
            ));
        }
        if let Some(interval) = settings.reminder_interval {
            tokio::spawn(app::deadlines::run_periodically(store.clone(), interval));
        }
        // Every process dispatches webhooks; deliveries are claimed in the database.
        let (stop_dispatch, stopped) = tokio::sync::watch::channel(false);
        let dispatcher = tokio::spawn(async move {
            dispatching.app.dispatch_webhooks(stopped).await;
        });
        Ok(Self {
            port,
            server,
            store,
            dispatcher: Some((stop_dispatch, dispatcher)),
            dispatch_grace: settings.webhooks.timeout + std::time::Duration::from_secs(2),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until the server is stopped (SIGINT/SIGTERM stop it gracefully), then stops
    /// the webhook dispatcher: deliveries in flight finish (each is bounded by the webhook
    /// timeout) and what it still holds is given back to the other processes.
    pub async fn run_until_stopped(mut self) -> std::io::Result<()> {
        let result = self.server.await;
        if let Some((stop, mut task)) = self.dispatcher.take() {
            let _ = stop.send(true);
            if tokio::time::timeout(self.dispatch_grace, &mut task)
                .await
                .is_err()
            {
                task.abort();
                tracing::warn!(
                    "webhook deliveries still in flight at shutdown; their leases will run out"
                );
            }
        }
        self.store.close().await;
        result
    }
}
