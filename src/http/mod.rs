//! The HTTP API: one route table (`configure`), from which both the running application and the
//! OpenAPI document are built, so the two cannot disagree.

pub mod applications;
pub mod audit;
pub mod candidate;
pub mod catalogs;
mod docs;
mod extract;
pub mod feedback;
pub mod health;
mod idempotency;
mod middleware;
mod openapi;
mod pagination;
pub mod privacy;
pub mod requisitions;
mod schema;
mod state;

use actix_web::{web, HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;

pub use docs::docs_service;
pub use extract::{extractor_configs, Body, IfMatch};
pub use middleware::request_context;
pub use openapi::{openapi, openapi_json, RouteTable, API_VERSION};
pub use pagination::{Cursor, PageParams};
pub use state::{AppState, TenantCache};

/// Every API route. Adding a resource means adding its `configure` here.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(health::configure);
    cfg.service(
        utoipa_actix_web::scope("/v1")
            .configure(catalogs::configure)
            .configure(requisitions::configure)
            .configure(applications::configure)
            .configure(feedback::configure)
            .configure(candidate::configure)
            .configure(audit::configure)
            .configure(privacy::configure)
            .service(
                utoipa_actix_web::scope("/me")
                    .configure(applications::configure_me)
                    .configure(candidate::configure_me),
            ),
    );
}

/// Answers requests no route matched: 405 with `Allow` when the path exists with other
/// methods, 404 otherwise.
pub async fn fallback(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    Err(match state.routes.allowed_methods(req.path()) {
        Some(allow) => ApiError::MethodNotAllowed { allow },
        None => ApiError::RouteNotFound,
    })
}
