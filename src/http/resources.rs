//! `/v1/resources`: the tenant's development resource library. Everyone in the tenant reads it
//! (managers attach resources to development actions; `?competency=` lists the suggestions for
//! a competency); HR curates it and retires what should no longer be offered.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::ResourceQuery;
use crate::domain::catalog::CatalogKey;
use crate::domain::labels::Labeller;
use crate::domain::language::{LanguageTag, Translations};
use crate::domain::resources::{
    NewResource, RawResourceTranslations, ResourceChange, ResourceFields, ResourceKind,
    ResourceText,
};
use crate::domain::{non_null, Invalid, Principal, ResourceId};
use crate::storage::{Resource, ResponseToStore};

use super::error::{ApiResult, Problem, PROBLEM_JSON};
use super::extract::{Body, IdempotencyKey, IfMatch};
use super::pagination::PageParams;
use super::respond::{created, document, once, stored};
use super::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_resources)
        .service(create_resource)
        .service(get_resource)
        .service(update_resource);
}

/// A resource of the development library.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResourceView {
    #[schema(value_type = uuid::Uuid)]
    pub id: ResourceId,
    #[schema(example = "SQL for analysts")]
    pub title: String,
    pub kind: ResourceKind,
    /// Where the candidate starts (https).
    #[schema(example = "https://learning.example.com/sql-101")]
    pub url: String,
    /// Who offers it; empty when not given.
    #[schema(example = "Learning Hub")]
    pub provider: String,
    /// How long it takes, an ISO 8601 duration (`PT8H`, `P6W`, `P3M`); omitted when not given.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = "PT8H")]
    pub duration: Option<String>,
    /// The language the resource itself is in.
    pub language: LanguageTag,
    pub description: String,
    /// Keys of the competency catalog the resource develops.
    #[schema(value_type = Vec<String>, example = json!(["technical_depth"]))]
    pub competencies: Vec<CatalogKey>,
    /// The title and description in other languages than the tenant's default, by language
    /// tag; candidates get the one their `Accept-Language` negotiates.
    #[schema(value_type = BTreeMap<String, ResourceText>)]
    pub translations: Translations<ResourceText>,
    /// `false` once retired: no longer offered for new plans, still shown in plans that use it.
    pub active: bool,
    /// Incremented by every change; also the `ETag`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Resource> for ResourceView {
    fn from(r: &Resource) -> Self {
        Self {
            id: r.id,
            title: r.title.clone(),
            kind: r.kind,
            url: r.url.clone(),
            provider: r.provider.clone(),
            duration: r.duration.clone(),
            language: r.language.clone(),
            description: r.description.clone(),
            competencies: r.competencies.0.clone(),
            translations: r.translations.0.clone(),
            active: r.active,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A library resource as a development plan shows it: its title and description in the
/// negotiated language where HR translated them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlanResourceView {
    #[schema(value_type = uuid::Uuid)]
    pub id: ResourceId,
    pub title: String,
    pub kind: ResourceKind,
    pub url: String,
    pub provider: String,
    /// An ISO 8601 duration; omitted when not given.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub duration: Option<String>,
    /// The language the resource itself is in.
    pub language: LanguageTag,
    pub description: String,
    /// The language of `title` and `description` here.
    pub text_language: LanguageTag,
    /// `true` once HR retired it: it stays readable here, but may no longer be available.
    pub retired: bool,
}

impl PlanResourceView {
    pub fn of(r: &Resource, labeller: &Labeller) -> Self {
        let written = ResourceText {
            title: r.title.clone(),
            description: r.description.clone(),
        };
        let (text, text_language) = labeller.text(&written, &r.translations.0);
        Self {
            id: r.id,
            title: text.title.clone(),
            kind: r.kind,
            url: r.url.clone(),
            provider: r.provider.clone(),
            duration: r.duration.clone(),
            language: r.language.clone(),
            description: text.description.clone(),
            text_language,
            retired: !r.active,
        }
    }
}

/// A page of resources, oldest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ResourcePage {
    pub items: Vec<ResourceView>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A new resource.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewResourceBody {
    /// 1–200 characters, not blank.
    #[schema(min_length = 1, max_length = 200, example = "SQL for analysts")]
    pub title: String,
    pub kind: ResourceKind,
    /// An https URL of at most 2000 characters.
    #[schema(
        max_length = 2000,
        pattern = r"^[Hh][Tt][Tt][Pp][Ss]://[^\s\x00-\x1F\x7F-\x9F]+$",
        example = "https://learning.example.com/sql-101"
    )]
    pub url: String,
    /// Up to 120 characters.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, max_length = 120)]
    pub provider: Option<String>,
    /// An ISO 8601 duration of whole numbers: `PT8H`, `P6W`, `P3M`, `P2DT4H`.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(
        nullable = false,
        min_length = 3,
        max_length = 40,
        example = "PT8H",
        pattern = "^P([0-9]{1,4}Y)?([0-9]{1,4}M)?([0-9]{1,4}W)?([0-9]{1,4}D)?(T([0-9]{1,4}H([0-9]{1,4}M)?|[0-9]{1,4}M))?$"
    )]
    pub duration: Option<String>,
    /// The language the resource is in (BCP 47).
    #[schema(
        example = "en",
        max_length = 35,
        pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,7}$"
    )]
    pub language: String,
    /// Up to 2000 characters.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, max_length = 2000)]
    pub description: Option<String>,
    /// Active keys of the competency catalog, up to 10.
    #[serde(default)]
    #[schema(max_items = 10, example = json!(["technical_depth"]))]
    pub competencies: Vec<String>,
    /// The title and description in other languages, by language tag (up to 20).
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, ResourceText>, example = json!({"de": {"title": "SQL für Analysten"}}))]
    pub translations: RawResourceTranslations,
}

/// A change to a resource; omitted fields stay as they are. At least one field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(min_properties = 1)]
pub struct ResourceChangeBody {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub kind: Option<ResourceKind>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(
        nullable = false,
        max_length = 2000,
        pattern = r"^[Hh][Tt][Tt][Pp][Ss]://[^\s\x00-\x1F\x7F-\x9F]+$"
    )]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, max_length = 120)]
    pub provider: Option<String>,
    /// A new duration, or `""` to remove it.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(
        nullable = false,
        max_length = 40,
        pattern = "^(P([0-9]{1,4}Y)?([0-9]{1,4}M)?([0-9]{1,4}W)?([0-9]{1,4}D)?(T([0-9]{1,4}H([0-9]{1,4}M)?|[0-9]{1,4}M))?)?$"
    )]
    pub duration: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(
        nullable = false,
        max_length = 35,
        pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,7}$"
    )]
    pub language: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, max_length = 2000)]
    pub description: Option<String>,
    /// Replaces the list; keys the resource already had stay allowed when retired since.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, max_items = 10)]
    pub competencies: Option<Vec<String>>,
    /// Replaces every translation (`{}` removes them all).
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, value_type = BTreeMap<String, ResourceText>)]
    pub translations: Option<RawResourceTranslations>,
    /// `false` retires the resource, `true` offers it again.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ResourcePath {
    /// The resource's id.
    #[param(value_type = uuid::Uuid)]
    pub id: ResourceId,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResourceFilterParams {
    /// Only active (`true`) or only retired (`false`) resources; both when omitted.
    pub active: Option<bool>,
    pub kind: Option<ResourceKind>,
    /// Suggested resources for a competency: the ones that develop it.
    #[param(pattern = "^[a-z][a-z0-9_]{1,63}$", example = "communication")]
    pub competency: Option<String>,
}

fn render(status: StatusCode, resource: &Resource) -> ResponseToStore {
    document(
        status,
        &ResourceView::from(resource),
        resource.version,
        Some(format!("/v1/resources/{}", resource.id)),
    )
}

/// List the library, oldest first; `?competency=` gives the suggestions for a competency.
#[utoipa::path(
    tag = "resources",
    params(ResourceFilterParams, PageParams),
    responses((status = 200, description = "A page of resources", body = ResourcePage))
)]
#[get("/resources")]
async fn list_resources(
    state: web::Data<AppState>,
    principal: Principal,
    filter: web::Query<ResourceFilterParams>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<ResourcePage>> {
    let pager = state.cursors().await?.list("resources");
    let competency = filter
        .competency
        .as_deref()
        .map(CatalogKey::parse)
        .transpose();
    let query = competency
        .map(|competency| ResourceQuery {
            active: filter.active,
            kind: filter.kind,
            competency,
        })
        .map_err(|message| Invalid::field("competency", message));
    let page = state
        .app
        .resources()
        .list(&principal, query, page.request(&pager))
        .await?;
    Ok(web::Json(ResourcePage {
        next_cursor: pager.next(&page, |r| r.id),
        items: page.items.iter().map(ResourceView::from).collect(),
    }))
}

/// Read one resource (retired ones too).
#[utoipa::path(
    tag = "resources",
    params(ResourcePath),
    responses((status = 200, description = "The resource", body = ResourceView,
               headers(("ETag" = String, description = "The resource's version"))))
)]
#[get("/resources/{id}")]
async fn get_resource(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ResourcePath>,
) -> ApiResult<HttpResponse> {
    let resource = state.app.resources().get(&principal, path.id).await?;
    Ok(stored(&render(StatusCode::OK, &resource), false))
}

/// Add a resource to the library (HR only).
#[utoipa::path(
    tag = "resources",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe", pattern = "^[!-~]{1,255}$")),
    request_body = NewResourceBody,
    responses(
        (status = 201, description = "Created", body = ResourceView,
         headers(("ETag" = String), ("Location" = String))),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/resources")]
async fn create_resource(
    state: web::Data<AppState>,
    principal: Principal,
    key: IdempotencyKey,
    body: Body<NewResourceBody>,
) -> ApiResult<HttpResponse> {
    let fields = ResourceFields {
        title: Some(&body.title),
        kind: Some(body.kind),
        url: Some(&body.url),
        provider: body.provider.as_deref(),
        duration: body.duration.as_deref(),
        language: Some(&body.language),
        description: body.description.as_deref(),
        competencies: Some(&body.competencies),
        translations: Some(&body.translations),
    };
    let resource = NewResource::parse(&fields);
    let respond = |r: &Resource| render(StatusCode::CREATED, r);
    let once = once(key, "create resource", &*body, &respond);
    let outcome = state
        .app
        .resources()
        .create(&principal, resource.map_err(Into::into), once)
        .await?;
    Ok(created(outcome, respond))
}

/// Change or retire a resource (HR only). Needs `If-Match` with the current `ETag`.
#[utoipa::path(
    tag = "resources",
    params(
        ResourcePath,
        ("If-Match" = String, Header, description = "The resource's current ETag", pattern = r#"^"[0-9]{1,18}"$"#),
    ),
    request_body = ResourceChangeBody,
    responses(
        (status = 200, description = "Updated", body = ResourceView, headers(("ETag" = String))),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[patch("/resources/{id}")]
async fn update_resource(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ResourcePath>,
    if_match: IfMatch,
    body: Body<ResourceChangeBody>,
) -> ApiResult<HttpResponse> {
    let fields = ResourceFields {
        title: body.title.as_deref(),
        kind: body.kind,
        url: body.url.as_deref(),
        provider: body.provider.as_deref(),
        duration: body.duration.as_deref(),
        language: body.language.as_deref(),
        description: body.description.as_deref(),
        competencies: body.competencies.as_deref(),
        translations: body.translations.as_ref(),
    };
    let change = ResourceChange::parse(&fields, body.active);
    let resource = state
        .app
        .resources()
        .update(&principal, path.id, change.map_err(Into::into), if_match.0)
        .await?;
    Ok(stored(&render(StatusCode::OK, &resource), false))
}

#[cfg(test)]
mod tests {
    use crate::domain::language::LANGUAGE_TAG_PATTERN;
    use crate::domain::resources::{DURATION_PATTERN, HTTPS_URL_PATTERN};

    /// utoipa takes patterns as literals only: the document must say what the domain checks.
    #[test]
    fn the_schema_patterns_are_the_domains() {
        let spec: serde_json::Value =
            serde_json::from_str(&crate::http::openapi_json()).expect("json");
        let schemas = &spec["components"]["schemas"];
        let pattern = |schema: &str, field: &str| {
            schemas[schema]["properties"][field]["pattern"]
                .as_str()
                .map(str::to_owned)
        };
        let optional = |p: &str| format!("^({})?$", &p[1..p.len() - 1]);
        for schema in ["NewResourceBody", "ResourceChangeBody"] {
            assert_eq!(pattern(schema, "url").as_deref(), Some(HTTPS_URL_PATTERN));
            assert_eq!(
                pattern(schema, "language").as_deref(),
                Some(LANGUAGE_TAG_PATTERN)
            );
        }
        assert_eq!(
            pattern("NewResourceBody", "duration").as_deref(),
            Some(DURATION_PATTERN)
        );
        // A change may send `""` to remove the duration.
        assert_eq!(
            pattern("ResourceChangeBody", "duration"),
            Some(optional(DURATION_PATTERN))
        );
        assert_eq!(
            schemas["LanguageTag"]["pattern"].as_str(),
            Some(LANGUAGE_TAG_PATTERN)
        );
    }
}
