//! `/v1/catalogs/{catalog}`: the tenant's competency framework and reason codes. Everyone in the
//! tenant reads them (managers pick from them when writing feedback); HR maintains them.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::catalog::{
    CatalogKey, CatalogKind, EntryChange, EntryText, NewEntry, RawTranslations,
};
use crate::domain::language::Translations;
use crate::domain::{non_null, Principal};
use crate::storage::{CatalogEntry, ResponseToStore};

use super::error::{ApiResult, Problem, PROBLEM_JSON};
use super::extract::{Body, IdempotencyKey, IfMatch};
use super::pagination::PageParams;
use super::respond::{created, document, once, stored};
use super::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_entries)
        .service(create_entry)
        .service(get_entry)
        .service(update_entry);
}

/// A catalog entry.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CatalogEntryView {
    /// Stable key referenced by feedback (`skills_gap`, `communication`).
    #[schema(example = "communication")]
    pub key: String,
    /// Display name.
    #[schema(example = "Communication")]
    pub name: String,
    /// What the entry means, for the people who pick it.
    pub description: String,
    /// The name and description in other languages than the tenant's default, by language
    /// tag; candidates read the one their `Accept-Language` negotiates.
    #[schema(value_type = BTreeMap<String, EntryText>, example = json!({"de": {"name": "Kommunikation", "description": ""}}))]
    pub translations: Translations<EntryText>,
    /// `false` once retired: no longer offered for new feedback, still valid on old records.
    pub active: bool,
    /// Incremented by every change; also the `ETag`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&CatalogEntry> for CatalogEntryView {
    fn from(entry: &CatalogEntry) -> Self {
        Self {
            key: entry.key.as_str().to_owned(),
            name: entry.name.clone(),
            description: entry.description.clone(),
            translations: entry.translations.0.clone(),
            active: entry.active,
            version: entry.version,
            created_at: entry.created_at,
            updated_at: entry.updated_at,
        }
    }
}

/// A page of catalog entries in key order.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CatalogEntryPage {
    pub items: Vec<CatalogEntryView>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A new catalog entry.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCatalogEntry {
    /// 2–64 characters of `a-z`, `0-9`, `_`, starting with a letter. Never changes.
    #[schema(example = "data_literacy", pattern = "^[a-z][a-z0-9_]{1,63}$")]
    pub key: String,
    /// 1–120 characters, not blank; no control characters but tab and newline.
    #[schema(example = "Data literacy", min_length = 1, max_length = 120)]
    pub name: String,
    /// Up to 1000 characters; no control characters but tab and newline.
    #[schema(nullable = false, max_length = 1000)]
    #[serde(default, deserialize_with = "non_null")]
    pub description: Option<String>,
    /// The name and description in other languages, by language tag (up to 20).
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, value_type = BTreeMap<String, EntryText>, example = json!({"de": {"name": "Datenkompetenz"}}))]
    pub translations: Option<RawTranslations>,
}

/// A change to a catalog entry; omitted fields stay as they are. At least one field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(min_properties = 1)]
pub struct CatalogEntryChange {
    #[schema(nullable = false, min_length = 1, max_length = 120)]
    #[serde(default, deserialize_with = "non_null")]
    pub name: Option<String>,
    #[schema(nullable = false, max_length = 1000)]
    #[serde(default, deserialize_with = "non_null")]
    pub description: Option<String>,
    /// `false` retires the entry, `true` brings it back.
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "non_null")]
    pub active: Option<bool>,
    /// Replaces every translation (`{}` removes them all).
    #[schema(nullable = false, value_type = BTreeMap<String, EntryText>)]
    #[serde(default, deserialize_with = "non_null")]
    pub translations: Option<RawTranslations>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CatalogPath {
    /// Which catalog.
    #[param(inline)]
    pub catalog: CatalogKind,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EntryPath {
    /// Which catalog.
    #[param(inline)]
    pub catalog: CatalogKind,
    /// The entry's key.
    #[param(pattern = "^[a-z][a-z0-9_]{1,63}$", example = "communication")]
    pub key: String,
}

impl EntryPath {
    /// A key that cannot exist answers like a key that does not.
    fn key(&self) -> Option<CatalogKey> {
        CatalogKey::parse(&self.key).ok()
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryFilterParams {
    /// Only active (`true`) or only retired (`false`) entries; both when omitted.
    pub active: Option<bool>,
}

fn render(status: StatusCode, kind: CatalogKind, entry: &CatalogEntry) -> ResponseToStore {
    let location = format!(
        "/v1/catalogs/{}/{}",
        kind.path_segment(),
        entry.key.as_str()
    );
    document(
        status,
        &CatalogEntryView::from(entry),
        entry.version,
        Some(location),
    )
}

/// List a catalog's entries.
#[utoipa::path(
    tag = "catalogs",
    params(CatalogPath, EntryFilterParams, PageParams),
    responses((status = 200, description = "A page of entries in key order", body = CatalogEntryPage))
)]
#[get("/catalogs/{catalog}")]
async fn list_entries(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<CatalogPath>,
    filter: web::Query<EntryFilterParams>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<CatalogEntryPage>> {
    let list = format!("catalog:{}", path.catalog.as_str());
    let pager = state.cursors().await?.list(&list);
    let page = state
        .app
        .catalogs()
        .list(
            &principal,
            path.catalog,
            filter.active,
            page.request(&pager),
        )
        .await?;
    Ok(web::Json(CatalogEntryPage {
        next_cursor: pager.next(&page, |entry| entry.key.as_str().to_owned()),
        items: page.items.iter().map(CatalogEntryView::from).collect(),
    }))
}

/// Read one entry.
#[utoipa::path(
    tag = "catalogs",
    params(EntryPath),
    responses((status = 200, description = "The entry", body = CatalogEntryView,
               headers(("ETag" = String, description = "The entry's version"))))
)]
#[get("/catalogs/{catalog}/{key}")]
async fn get_entry(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<EntryPath>,
) -> ApiResult<HttpResponse> {
    let entry = state
        .app
        .catalogs()
        .get(&principal, path.catalog, path.key())
        .await?;
    Ok(stored(&render(StatusCode::OK, path.catalog, &entry), false))
}

/// Add an entry (HR only).
#[utoipa::path(
    tag = "catalogs",
    params(CatalogPath, ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe", pattern = "^[!-~]{1,255}$")),
    request_body = NewCatalogEntry,
    responses(
        (status = 201, description = "Created", body = CatalogEntryView,
         headers(("ETag" = String), ("Location" = String))),
        (status = 409, description = "The key is already in the catalog", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/catalogs/{catalog}")]
async fn create_entry(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<CatalogPath>,
    key: IdempotencyKey,
    body: Body<NewCatalogEntry>,
) -> ApiResult<HttpResponse> {
    let kind = path.catalog;
    let entry = NewEntry::parse(
        &body.key,
        &body.name,
        body.description.as_deref(),
        body.translations.as_ref(),
    );
    let respond = move |e: &CatalogEntry| render(StatusCode::CREATED, kind, e);
    let operation = format!("create {}", kind.path_segment());
    let once = once(key, &operation, &*body, &respond);
    let outcome = state
        .app
        .catalogs()
        .create(&principal, kind, entry.map_err(Into::into), once)
        .await?;
    Ok(created(outcome, respond))
}

/// Change or retire an entry (HR only). Needs `If-Match` with the current `ETag`.
#[utoipa::path(
    tag = "catalogs",
    params(
        EntryPath,
        ("If-Match" = String, Header, description = "The entry's current ETag", pattern = r#"^"[0-9]{1,18}"$"#),
    ),
    request_body = CatalogEntryChange,
    responses(
        (status = 200, description = "Updated", body = CatalogEntryView, headers(("ETag" = String))),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[patch("/catalogs/{catalog}/{key}")]
async fn update_entry(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<EntryPath>,
    if_match: IfMatch,
    body: Body<CatalogEntryChange>,
) -> ApiResult<HttpResponse> {
    let change = EntryChange::parse(
        body.name.as_deref(),
        body.description.as_deref(),
        body.active,
        body.translations.as_ref(),
    );
    let entry = state
        .app
        .catalogs()
        .update(
            &principal,
            path.catalog,
            path.key(),
            change.map_err(Into::into),
            if_match.0,
        )
        .await?;
    Ok(stored(&render(StatusCode::OK, path.catalog, &entry), false))
}
