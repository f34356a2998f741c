//! `/v1/language-settings`: the languages the tenant offers its candidates and its default
//! language. Everyone in the tenant reads them; HR changes them (`If-Match`).

use actix_web::http::StatusCode;
use actix_web::{get, put, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::labels::{RawNames, TenantLanguages};
use crate::domain::language::LanguageTag;
use crate::domain::Principal;

use super::error::{ApiResult, Problem, PROBLEM_JSON};
use super::extract::{Body, IfMatch};
use super::respond::{document, stored};
use super::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_language_settings)
        .service(set_language_settings);
}

/// The tenant's languages.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageSettingsBody {
    /// The language the tenant's catalog entries and resources are written in, and the one a
    /// candidate reads when their `Accept-Language` finds none of `languages`. One of them.
    #[schema(value_type = LanguageTag)]
    pub default_language: String,
    /// The languages candidates may read in, 1–20 tags (compared ignoring case), the default
    /// among them. Built-in labels exist in `en`, `de` and `fr`.
    #[schema(value_type = Vec<LanguageTag>, min_items = 1, max_items = 20, example = json!(["en", "de", "fr"]))]
    pub languages: Vec<String>,
    /// The tenant's own names of fixed names, by language, set (`levels`, `action_kinds`,
    /// `horizons`, `readiness`, `resource_kinds`) and member; for languages the built-in names
    /// (en, de, fr) lack, or to replace them. Each name 1–120 characters. Omitted: none.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>, example = json!({"es": {"levels": {"strong": "Sólido"}}}))]
    pub names: RawNames,
}

fn render(languages: &TenantLanguages, version: i64) -> HttpResponse {
    let settings = &languages.settings;
    let body = LanguageSettingsBody {
        default_language: settings.default_language().to_string(),
        languages: settings.offered().iter().map(ToString::to_string).collect(),
        names: languages.names.to_raw(),
    };
    stored(&document(StatusCode::OK, &body, version, None), false)
}

/// The tenant's languages (everyone in the tenant).
#[utoipa::path(
    tag = "languages",
    responses((status = 200, description = "The settings", body = LanguageSettingsBody, headers(("ETag" = String))))
)]
#[get("/language-settings")]
async fn get_language_settings(
    state: web::Data<AppState>,
    principal: Principal,
) -> ApiResult<HttpResponse> {
    let (settings, version) = state.app.languages().settings(&principal).await?;
    Ok(render(&settings, version))
}

/// Replace the tenant's languages (HR). Needs `If-Match`. Changing the default language does
/// not translate anything: it says which language the entries are written in.
#[utoipa::path(
    tag = "languages",
    params(("If-Match" = String, Header, description = "The settings' current ETag", pattern = r#"^"[0-9]{1,18}"$"#)),
    request_body = LanguageSettingsBody,
    responses(
        (status = 200, description = "The settings", body = LanguageSettingsBody, headers(("ETag" = String))),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[put("/language-settings")]
async fn set_language_settings(
    state: web::Data<AppState>,
    principal: Principal,
    if_match: IfMatch,
    body: Body<LanguageSettingsBody>,
) -> ApiResult<HttpResponse> {
    let settings = TenantLanguages::parse(&body.default_language, &body.languages, &body.names);
    let (settings, version) = state
        .app
        .languages()
        .set_settings(&principal, settings.map_err(Into::into), if_match.0)
        .await?;
    Ok(render(&settings, version))
}
