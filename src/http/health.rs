//! Liveness, readiness and metrics: unauthenticated, for the platform.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::error::{ApiError, ApiResult};

use super::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(live).service(ready).service(metrics);
}

/// Health of the process or of its dependencies.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when alive, `ready` when able to serve requests.
    #[schema(example = "ready")]
    pub status: &'static str,
    /// The running version (`0.1.0`).
    #[schema(example = "0.1.0")]
    pub version: &'static str,
    /// The git commit it was built from (`unknown` when built without git).
    #[schema(example = "1a2b3c4d5e6f")]
    pub commit: &'static str,
}

impl Health {
    fn new(status: &'static str) -> Self {
        Self {
            status,
            version: crate::build_info::VERSION,
            commit: crate::build_info::COMMIT,
        }
    }
}

/// Liveness: the process is up. Touches no dependency.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Alive", body = Health)))]
#[get("/health/live")]
async fn live() -> web::Json<Health> {
    web::Json(Health::new("ok"))
}

/// How long readiness waits for the database: a probe that hangs is worse than one that fails.
const READY_WITHIN: std::time::Duration = std::time::Duration::from_secs(1);

/// Readiness: the database answers, within a second.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "The database is unavailable", body = super::error::Problem,
         content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
async fn ready(state: web::Data<AppState>) -> ApiResult<web::Json<Health>> {
    let ping = tokio::time::timeout(READY_WITHIN, state.app.store().ping()).await;
    match ping {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness check failed");
            return Err(ApiError::Unavailable);
        }
        Err(_) => {
            tracing::warn!("readiness check failed: the database did not answer within 1 s");
            return Err(ApiError::Unavailable);
        }
    }
    Ok(web::Json(Health::new("ready")))
}

/// Metrics: OpenMetrics to a scraper that asks for it (`Accept: application/openmetrics-text`,
/// as Prometheus does), the classic Prometheus text format otherwise.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Metrics", content(
        (String = "application/openmetrics-text"),
        (String = "text/plain"),
    )))
)]
#[get("/metrics")]
async fn metrics(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let body = state.metrics.render(
        state.app.store().pool_stats(),
        delivery_report(&state).await,
    );
    let openmetrics = request
        .headers()
        .get_all(actix_web::http::header::ACCEPT)
        .filter_map(|value| value.to_str().ok())
        .any(|accept| accept.contains("application/openmetrics-text"));
    if openmetrics {
        HttpResponse::Ok()
            .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
            .body(body)
    } else {
        HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4; charset=utf-8")
            .body(super::metrics::text_format(&body))
    }
}

async fn delivery_report(state: &AppState) -> super::metrics::DeliveryReport {
    use std::sync::atomic::Ordering::Relaxed;
    let webhooks = state.app.webhooks();
    let counters = webhooks.counters();
    let queue = webhooks.queue().await;
    if let Err(error) = &queue {
        tracing::warn!(%error, "webhook queue not measured");
    }
    let queue = queue.ok();
    super::metrics::DeliveryReport {
        delivered: counters.delivered.load(Relaxed),
        retrying: counters.retrying.load(Relaxed),
        failed: counters.failed.load(Relaxed),
        cancelled: counters.cancelled.load(Relaxed),
        pending: queue.map(|q| q.pending),
        oldest_pending_seconds: queue
            .and_then(|q| q.oldest_pending)
            .map(|oldest| (chrono::Utc::now() - oldest).num_milliseconds().max(0) as f64 / 1000.0),
    }
}
