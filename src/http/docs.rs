//! The interactive API reference at `/docs`, with every asset served by this binary.

use std::sync::Arc;

use actix_web::{get, HttpResponse};
use utoipa_swagger_ui::{Config, SwaggerUi};

/// Swagger UI, reading the spec from `/openapi.json`. The validator badge (which would call
/// an external service) is off.
pub fn docs_service(spec: serde_json::Value) -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}")
        .external_url_unchecked("/openapi.json", spec)
        .config(
            Config::new(["/openapi.json"])
                .validator_url("none")
                .persist_authorization(true)
                .try_it_out_enabled(true),
        )
}

/// The page itself: Swagger UI's own `index.html`, titled after the service (registered before
/// `docs_service`, which serves every other asset).
#[get("/docs/")]
pub async fn docs_page() -> HttpResponse {
    let page = utoipa_swagger_ui::serve("index.html", Arc::new(Config::new(["/openapi.json"])))
        .ok()
        .flatten()
        .and_then(|file| String::from_utf8(file.bytes.to_vec()).ok());
    match page {
        Some(html) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(html.replace(
                "<title>Swagger UI</title>",
                "<title>Debrief API reference</title>",
            )),
        None => HttpResponse::NotFound().finish(),
    }
}
