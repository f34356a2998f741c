//! `/v1/catalogs/{catalog}`: the tenant's competency framework and reason codes. Everyone in the
//! tenant reads them (managers pick from them when writing feedback); HR maintains them.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::policy::{self, Operation};
use crate::auth::Principal;
use crate::domain::catalog::{CatalogKey, CatalogKind, EntryChange, NewEntry};
use crate::error::{ApiError, ApiResult, Problem};
use crate::storage::{CatalogEntry, EntryFilter, ResponseToStore, Versioned};

use super::extract::{non_null, Body};
use super::idempotency::{create_once, request_hash, response, IdempotencyKey};
use super::{AppState, Cursor, IfMatch, PageParams};

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
    /// `false` once retired: no longer offered for new feedback, still valid on old records.
    pub active: bool,
    /// Incremented by every change; also the `ETag`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CatalogEntry> for CatalogEntryView {
    fn from(entry: CatalogEntry) -> Self {
        Self {
            key: entry.key,
            name: entry.name,
            description: entry.description,
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
}

/// A change to a catalog entry; omitted fields stay as they are. At least one field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
    fn key(&self) -> ApiResult<CatalogKey> {
        CatalogKey::parse(&self.key).map_err(|_| ApiError::NotFound)
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryFilterParams {
    /// Only active (`true`) or only retired (`false`) entries; both when omitted.
    pub active: Option<bool>,
}

fn document(status: StatusCode, kind: CatalogKind, entry: &CatalogEntry) -> ResponseToStore {
    ResponseToStore {
        status: status.as_u16(),
        location: (status == StatusCode::CREATED)
            .then(|| format!("/v1/catalogs/{}/{}", kind.path_segment(), entry.key)),
        etag: Some(IfMatch::etag(entry.version)),
        body: serde_json::to_string(&CatalogEntryView::from(entry.clone())).unwrap_or_default(),
    }
}

fn entry_response(status: StatusCode, kind: CatalogKind, entry: &CatalogEntry) -> HttpResponse {
    response(&document(status, kind, entry), false)
}

/// List a catalog's entries.
#[utoipa::path(
    tag = "catalogs",
    params(CatalogPath, EntryFilterParams, PageParams),
    responses(
        (status = 200, description = "A page of entries in key order", body = CatalogEntryPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such catalog", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid `limit` or `cursor`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/catalogs/{catalog}")]
async fn list_entries(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<CatalogPath>,
    filter: web::Query<EntryFilterParams>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<CatalogEntryPage>> {
    policy::authorize(&principal, Operation::ListCatalogEntries)?;
    let limit = page.limit()?;
    let filter = EntryFilter {
        active: filter.active,
        after: page.position::<String>()?,
    };
    let rows = state
        .store
        .list_entries(principal.tenant(), path.catalog, &filter, limit + 1)
        .await?;
    let (rows, next_cursor) = Cursor::page(rows, limit, |entry| entry.key.clone());
    Ok(web::Json(CatalogEntryPage {
        items: rows.into_iter().map(CatalogEntryView::from).collect(),
        next_cursor,
    }))
}

/// Read one entry.
#[utoipa::path(
    tag = "catalogs",
    params(EntryPath),
    responses(
        (status = 200, description = "The entry", body = CatalogEntryView,
         headers(("ETag" = String, description = "The entry's version"))),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/catalogs/{catalog}/{key}")]
async fn get_entry(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<EntryPath>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::ReadCatalogEntry)?;
    let key = path.key()?;
    let entry = state
        .store
        .get_entry(principal.tenant(), path.catalog, &key)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(entry_response(StatusCode::OK, path.catalog, &entry))
}

/// Add an entry (HR only).
#[utoipa::path(
    tag = "catalogs",
    params(CatalogPath, ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe", pattern = "^[!-~]{1,255}$")),
    request_body = NewCatalogEntry,
    responses(
        (status = 201, description = "Created", body = CatalogEntryView,
         headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only HR maintains catalogs", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such catalog", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The key is already in the catalog", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
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
    policy::authorize(&principal, Operation::CreateCatalogEntry)?;
    let entry = NewEntry::parse(&body.key, &body.name, body.description.as_deref())
        .map_err(ApiError::Validation)?;
    let kind = path.catalog;
    let hash = request_hash(&format!("create {}", kind.path_segment()), &*body);
    let render = Arc::new(move |e: &CatalogEntry| document(StatusCode::CREATED, kind, e));
    let audit = principal.audit();
    create_once(&state, &principal, key, hash, render, |claim| {
        state
            .store
            .create_entry(principal.tenant(), &audit, kind, &entry, claim)
    })
    .await
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
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only HR maintains catalogs", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The entry changed since that ETag", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is missing", body = Problem, content_type = "application/problem+json"),
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
    policy::authorize(&principal, Operation::UpdateCatalogEntry)?;
    let key = path.key()?;
    let change = EntryChange::parse(
        body.name.as_deref(),
        body.description.as_deref(),
        body.active,
    )
    .map_err(ApiError::Validation)?;
    let version = if_match.version()?;
    match state
        .store
        .update_entry(
            principal.tenant(),
            &principal.audit(),
            path.catalog,
            &key,
            version,
            &change,
        )
        .await?
    {
        Versioned::Updated(entry) => {
            tracing::info!(catalog = ?path.catalog, key = %entry.key, version = entry.version, "catalog entry updated");
            Ok(entry_response(StatusCode::OK, path.catalog, &entry))
        }
        Versioned::NotFound => Err(ApiError::NotFound),
        Versioned::Stale => Err(ApiError::PreconditionFailed),
    }
}
