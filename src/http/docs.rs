//! The interactive API reference at `/docs`, with every asset served by this binary.

use std::sync::Arc;

use actix_web::http::header::ContentType;
use actix_web::{get, web, HttpResponse};
use utoipa_swagger_ui::{Config, SwaggerUi};

/// Swagger UI, reading the spec from `/openapi.json` (`openapi_json_service`). The validator
/// badge (which would call an external service) is off.
pub fn docs_service() -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").config(
        Config::new(["/openapi.json"])
            .validator_url("none")
            .persist_authorization(true)
            .try_it_out_enabled(true),
    )
}

/// The spec (`openapi_json_bytes`), serialized once at start and shared by every worker (Swagger UI's own handler
/// would keep a parsed copy per worker, several MiB each, and serialize it on every request).
pub fn openapi_json_service(spec: web::Bytes) -> actix_web::Resource {
    web::resource("/openapi.json").route(web::get().to(move || {
        let body = spec.clone();
        async move {
            HttpResponse::Ok()
                .content_type(ContentType::json())
                .body(body)
        }
    }))
}

/// The served form of the spec: compact JSON.
pub fn openapi_json_bytes(spec: &serde_json::Value) -> web::Bytes {
    web::Bytes::from(serde_json::to_vec(spec).unwrap_or_default())
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
