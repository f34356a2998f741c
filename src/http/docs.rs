//! The interactive API reference at `/docs`, with every asset served by this binary.

use utoipa_swagger_ui::{Config, SwaggerUi};

/// Swagger UI, reading the spec from `/openapi.json`. The validator badge (which would call
/// an external service) is off.
pub fn docs_service(spec: utoipa::openapi::OpenApi) -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}")
        .url("/openapi.json", spec)
        .config(
            Config::new(["/openapi.json"])
                .validator_url("none")
                .persist_authorization(true)
                .try_it_out_enabled(true),
        )
}
