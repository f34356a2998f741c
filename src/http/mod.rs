//! The HTTP API: one route table (`configure`), from which both the running application and the
//! OpenAPI document are built, so the two cannot disagree. Handlers extract, call one use case
//! (`crate::app`) and render; every HTTP concern (problem documents, extractors, views,
//! headers) lives here.

mod applications;
mod audit;
mod catalogs;
mod deadlines;
mod docs;
mod employees;
pub mod error;
mod events;
mod extract;
mod feedback;
mod follow_ups;
mod health;
mod input;
mod languages;
mod limits;
mod me;
mod metrics;
mod middleware;
mod openapi;
mod pagination;
mod privacy;
mod reports;
mod requisitions;
mod resources;
mod respond;
mod spec;
mod state;
mod sync;
mod views;
mod webhooks;

use actix_web::{web, HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use error::ApiError;

pub use docs::{docs_page, docs_service, openapi_json_bytes, openapi_json_service};
pub use extract::extractor_configs;
pub use limits::RateLimits;
pub use metrics::Metrics;
pub use middleware::request_context;
pub use openapi::{
    openapi, openapi_document, openapi_json, RouteTable, API_VERSION, NO_CONTROL_PATTERN,
};
pub use pagination::CursorKey;
pub use state::AppState;

/// Every API route. Adding a resource means adding its `configure` here.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(health::configure);
    cfg.service(
        utoipa_actix_web::scope("/v1")
            .configure(catalogs::configure)
            .configure(resources::configure)
            .configure(requisitions::configure)
            .configure(applications::configure)
            .configure(feedback::configure)
            .configure(follow_ups::configure)
            .configure(employees::configure)
            .configure(audit::configure)
            .configure(events::configure)
            .configure(webhooks::configure)
            .configure(sync::configure)
            .configure(deadlines::configure)
            .configure(reports::configure)
            .configure(languages::configure)
            .configure(privacy::configure)
            .service(
                utoipa_actix_web::scope("/me")
                    .configure(applications::configure_me)
                    .configure(me::configure),
            ),
    );
}

/// Answers requests no route matched: 405 with `Allow` when the path exists with other
/// methods, 404 otherwise.
pub async fn fallback(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    // A route written as this very path wins over the patterns that would also match it.
    let allow = state
        .routes
        .literal_methods(req.path())
        .or_else(|| state.routes.allowed_methods(req.path()));
    Err(match allow {
        Some(allow) => ApiError::MethodNotAllowed { allow },
        None => ApiError::RouteNotFound,
    })
}
