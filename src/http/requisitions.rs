//! `/v1/requisitions`: internal openings, created by HR or synced from the ATS by the HR portal.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::hiring::{
    ExternalRef, RequisitionAction, RequisitionChange, RequisitionDraft, RequisitionQuery,
    RequisitionStatus, SyncGiven,
};
use crate::domain::{non_null, EmployeeId, Principal, RequisitionId};
use crate::storage::{Requisition, ResponseToStore};

use super::error::{ApiError, ApiResult, Problem, PROBLEM_JSON};
use super::extract::{Body, IdempotencyKey, IfMatch};
use super::pagination::PageParams;
use super::respond::{created, document, once, stored};
use super::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_requisitions)
        .service(create_requisition)
        .service(upsert_requisition)
        .service(get_requisition)
        .service(update_requisition)
        .service(close_requisition)
        .service(cancel_requisition)
        .service(reopen_requisition);
}

/// An internal opening.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequisitionView {
    #[schema(value_type = uuid::Uuid)]
    pub id: RequisitionId,
    pub external_ref: Option<ExternalRef>,
    pub title: String,
    pub department: String,
    /// Employees who manage the hiring (and write the feedback).
    pub hiring_manager_ids: Vec<EmployeeId>,
    /// HR partners of the requisition.
    pub hr_partner_ids: Vec<EmployeeId>,
    pub status: RequisitionStatus,
    /// Incremented by every change; also the `ETag`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Requisition> for RequisitionView {
    fn from(requisition: &Requisition) -> Self {
        let row = &requisition.row;
        Self {
            id: row.id,
            external_ref: row.external_ref.clone(),
            title: row.title.clone(),
            department: row.department.clone(),
            hiring_manager_ids: requisition.hiring_manager_ids.clone(),
            hr_partner_ids: requisition.hr_partner_ids.clone(),
            status: row.status,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A page of requisitions, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequisitionPage {
    pub items: Vec<RequisitionView>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A new requisition.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequisition {
    /// The ATS id, if the requisition comes from one; unique per tenant.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = ExternalRef, required = false)]
    pub external_ref: Option<String>,
    #[schema(min_length = 1, max_length = 200, example = "Senior Data Analyst")]
    pub title: String,
    #[schema(min_length = 1, max_length = 120, example = "Finance")]
    pub department: String,
    /// 1–20 employee ids.
    #[schema(value_type = Vec<EmployeeId>, min_items = 1, max_items = 20)]
    pub hiring_manager_ids: Vec<String>,
    /// 0–20 employee ids.
    #[serde(default)]
    #[schema(value_type = Vec<EmployeeId>, max_items = 20)]
    pub hr_partner_ids: Vec<String>,
}

/// The full state of a requisition as the ATS has it (for `PUT …/by-ref/{external_ref}`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncedRequisition {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(min_length = 1, max_length = 120)]
    pub department: String,
    #[schema(value_type = Vec<EmployeeId>, min_items = 1, max_items = 20)]
    pub hiring_manager_ids: Vec<String>,
    /// 0–20 employee ids. Omitted: `[]` for a new requisition, unchanged for an existing one.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<EmployeeId>, max_items = 20, nullable = false)]
    pub hr_partner_ids: Option<Vec<String>>,
    /// Omitted: `open` for a new requisition, unchanged for an existing one. A sync moves an
    /// open requisition to `closed` or `cancelled`; it never reopens one HR closed or
    /// cancelled (`open` is then ignored: use `POST …/reopen`), and `closed` for a cancelled
    /// one (or the reverse) is a conflict (409).
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub status: Option<RequisitionStatus>,
}

/// A change to a requisition; omitted fields stay as they are. At least one field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(min_properties = 1)]
pub struct RequisitionChangeBody {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, min_length = 1, max_length = 120)]
    pub department: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<EmployeeId>, nullable = false, min_items = 1, max_items = 20)]
    pub hiring_manager_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<EmployeeId>, nullable = false, max_items = 20)]
    pub hr_partner_ids: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RequisitionPath {
    /// The requisition's id.
    #[param(value_type = uuid::Uuid)]
    pub id: RequisitionId,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ExternalRefPath {
    /// The requisition's id in the ATS.
    #[param(pattern = "^[A-Za-z0-9._:-]{1,128}$", example = "REQ-2026-0042")]
    pub external_ref: String,
}

impl ExternalRefPath {
    /// A reference that cannot exist names nothing.
    pub fn parsed(&self) -> ApiResult<ExternalRef> {
        ExternalRef::parse(&self.external_ref).map_err(|_| ApiError::NotFound)
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequisitionFilterParams {
    pub status: Option<RequisitionStatus>,
    /// Exact department name.
    #[param(max_length = 120)]
    pub department: Option<String>,
    /// Only requisitions listing this employee as hiring manager.
    #[param(pattern = "^[!-~]{1,128}$")]
    pub hiring_manager: Option<String>,
    /// Only requisitions changed at or after this instant (RFC 3339), for incremental syncs:
    /// pass the time your previous sync started.
    pub updated_since: Option<DateTime<Utc>>,
}

fn render(status: StatusCode, requisition: &Requisition) -> ResponseToStore {
    let location = format!("/v1/requisitions/{}", requisition.row.id);
    document(
        status,
        &RequisitionView::from(requisition),
        requisition.row.version,
        Some(location),
    )
}

fn respond(status: StatusCode, requisition: &Requisition) -> HttpResponse {
    stored(&render(status, requisition), false)
}

/// List requisitions. HR and the HR portal see all; a hiring manager sees the ones that list
/// them.
#[utoipa::path(
    tag = "requisitions",
    params(RequisitionFilterParams, PageParams),
    responses(
        (status = 200, description = "A page of requisitions, oldest first", body = RequisitionPage),
        (status = 422, description = "Invalid filter, `limit` or `cursor`", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[get("/requisitions")]
async fn list_requisitions(
    state: web::Data<AppState>,
    principal: Principal,
    filter: web::Query<RequisitionFilterParams>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<RequisitionPage>> {
    let query = RequisitionQuery::parse(
        filter.status,
        filter.department.as_deref(),
        filter.hiring_manager.as_deref(),
        filter.updated_since,
    );
    let pager = state.cursors().await?.list("requisitions");
    let page = state
        .app
        .requisitions()
        .list(&principal, query.map_err(Into::into), page.request(&pager))
        .await?;
    Ok(web::Json(RequisitionPage {
        next_cursor: pager.next(&page, |r| r.row.id),
        items: page.items.iter().map(RequisitionView::from).collect(),
    }))
}

/// Read a requisition.
#[utoipa::path(
    tag = "requisitions",
    params(RequisitionPath),
    responses((status = 200, description = "The requisition", body = RequisitionView, headers(("ETag" = String))))
)]
#[get("/requisitions/{id}")]
async fn get_requisition(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<RequisitionPath>,
) -> ApiResult<HttpResponse> {
    let requisition = state.app.requisitions().get(&principal, path.id).await?;
    Ok(respond(StatusCode::OK, &requisition))
}

/// Create a requisition (HR, HR portal). Accepts `Idempotency-Key`.
#[utoipa::path(
    tag = "requisitions",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe", pattern = "^[!-~]{1,255}$")),
    request_body = NewRequisition,
    responses(
        (status = 201, description = "Created", body = RequisitionView, headers(("ETag" = String), ("Location" = String))),
        (status = 409, description = "The external_ref is taken", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/requisitions")]
async fn create_requisition(
    state: web::Data<AppState>,
    principal: Principal,
    key: IdempotencyKey,
    body: Body<NewRequisition>,
) -> ApiResult<HttpResponse> {
    let draft = RequisitionDraft::parse(
        body.external_ref.as_deref(),
        &body.title,
        &body.department,
        &body.hiring_manager_ids,
        &body.hr_partner_ids,
        RequisitionStatus::Open,
    );
    let respond = |r: &Requisition| render(StatusCode::CREATED, r);
    let once = once(key, "create requisition", &*body, &respond);
    let outcome = state
        .app
        .requisitions()
        .create(&principal, draft.map_err(Into::into), once)
        .await?;
    Ok(created(outcome, respond))
}

/// Create or update the requisition with this ATS id to match the body (HR portal sync; safe
/// to re-run). 201 when created, 200 otherwise; an unchanged requisition keeps its version.
#[utoipa::path(
    tag = "requisitions",
    params(ExternalRefPath),
    request_body = SyncedRequisition,
    responses(
        (status = 200, description = "Updated, or already up to date", body = RequisitionView, headers(("ETag" = String))),
        (status = 201, description = "Created", body = RequisitionView, headers(("ETag" = String), ("Location" = String))),
        (status = 409, description = "The status move is not allowed", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[put("/requisitions/by-ref/{external_ref}")]
async fn upsert_requisition(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ExternalRefPath>,
    body: Body<SyncedRequisition>,
) -> ApiResult<HttpResponse> {
    let external_ref = path.parsed()?;
    let draft = RequisitionDraft::parse(
        None,
        &body.title,
        &body.department,
        &body.hiring_manager_ids,
        body.hr_partner_ids.as_deref().unwrap_or_default(),
        body.status.unwrap_or(RequisitionStatus::Open),
    );
    let given = SyncGiven {
        status: body.status.is_some(),
        hr_partner_ids: body.hr_partner_ids.is_some(),
    };
    let (was_created, requisition) = state
        .app
        .requisitions()
        .upsert(&principal, external_ref, draft.map_err(Into::into), given)
        .await?;
    let status = if was_created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(respond(status, &requisition))
}

/// Change a requisition's title, department or people (HR, HR portal). Needs `If-Match`.
#[utoipa::path(
    tag = "requisitions",
    params(RequisitionPath, ("If-Match" = String, Header, description = "The requisition's current ETag", pattern = r#"^"[0-9]{1,18}"$"#)),
    request_body = RequisitionChangeBody,
    responses(
        (status = 200, description = "Updated", body = RequisitionView, headers(("ETag" = String))),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[patch("/requisitions/{id}")]
async fn update_requisition(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<RequisitionPath>,
    if_match: IfMatch,
    body: Body<RequisitionChangeBody>,
) -> ApiResult<HttpResponse> {
    let change = RequisitionChange::parse(
        body.title.as_deref(),
        body.department.as_deref(),
        body.hiring_manager_ids.as_deref(),
        body.hr_partner_ids.as_deref(),
    );
    let requisition = state
        .app
        .requisitions()
        .update(&principal, path.id, change.map_err(Into::into), if_match.0)
        .await?;
    Ok(respond(StatusCode::OK, &requisition))
}

async fn transition(
    state: &AppState,
    principal: &Principal,
    id: RequisitionId,
    action: RequisitionAction,
) -> ApiResult<HttpResponse> {
    let requisition = state
        .app
        .requisitions()
        .transition(principal, id, action)
        .await?;
    Ok(respond(StatusCode::OK, &requisition))
}

/// Close an open requisition (HR, HR portal). Idempotent.
#[utoipa::path(
    tag = "requisitions",
    params(RequisitionPath),
    responses(
        (status = 200, description = "Closed", body = RequisitionView, headers(("ETag" = String))),
        (status = 409, description = "A cancelled requisition cannot close", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/requisitions/{id}/close")]
async fn close_requisition(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<RequisitionPath>,
) -> ApiResult<HttpResponse> {
    transition(&state, &principal, path.id, RequisitionAction::Close).await
}

/// Cancel an open requisition (HR, HR portal); final. Idempotent.
#[utoipa::path(
    tag = "requisitions",
    params(RequisitionPath),
    responses(
        (status = 200, description = "Cancelled", body = RequisitionView, headers(("ETag" = String))),
        (status = 409, description = "Only an open requisition can be cancelled", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/requisitions/{id}/cancel")]
async fn cancel_requisition(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<RequisitionPath>,
) -> ApiResult<HttpResponse> {
    transition(&state, &principal, path.id, RequisitionAction::Cancel).await
}

/// Reopen a closed requisition (HR, HR portal). Idempotent.
#[utoipa::path(
    tag = "requisitions",
    params(RequisitionPath),
    responses(
        (status = 200, description = "Open again", body = RequisitionView, headers(("ETag" = String))),
        (status = 409, description = "A cancelled requisition cannot reopen", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/requisitions/{id}/reopen")]
async fn reopen_requisition(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<RequisitionPath>,
) -> ApiResult<HttpResponse> {
    transition(&state, &principal, path.id, RequisitionAction::Reopen).await
}
