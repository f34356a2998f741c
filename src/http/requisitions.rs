//! `/v1/requisitions`: internal openings, created by HR or synced from the ATS by the HR portal.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::policy::{self, Operation};
use crate::auth::Principal;
use crate::domain::hiring::{
    RequisitionChange, RequisitionDraft, RequisitionStatus, DEPARTMENT_MAX,
};
use crate::domain::SubjectId;
use crate::error::{ApiError, ApiResult, Problem};
use crate::storage::{Requisition, RequisitionFilter, ResponseToStore, Transition, Versioned};

use super::extract::{non_null, Body};
use super::idempotency::{create_once, request_hash, response, IdempotencyKey};
use super::schema::{EmployeeId, ExternalRef};
use super::{AppState, Cursor, IfMatch, PageParams};

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
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RequisitionView {
    pub id: Uuid,
    #[schema(value_type = Option<ExternalRef>)]
    pub external_ref: Option<String>,
    pub title: String,
    pub department: String,
    /// Employees who manage the hiring (and write the feedback).
    #[schema(value_type = Vec<EmployeeId>)]
    pub hiring_manager_ids: Vec<String>,
    /// HR partners of the requisition.
    #[schema(value_type = Vec<EmployeeId>)]
    pub hr_partner_ids: Vec<String>,
    pub status: RequisitionStatus,
    /// Incremented by every change; also the `ETag`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl RequisitionView {
    fn from_record(requisition: &Requisition) -> ApiResult<Self> {
        let row = &requisition.row;
        Ok(Self {
            id: row.id,
            external_ref: row.external_ref.clone(),
            title: row.title.clone(),
            department: row.department.clone(),
            hiring_manager_ids: requisition.hiring_manager_ids.clone(),
            hr_partner_ids: requisition.hr_partner_ids.clone(),
            status: RequisitionStatus::parse(&row.status).ok_or_else(|| {
                ApiError::Internal(format!("unknown requisition status {:?}", row.status))
            })?,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A page of requisitions, oldest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
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
    #[serde(default)]
    #[schema(value_type = Vec<EmployeeId>, max_items = 20)]
    pub hr_partner_ids: Vec<String>,
    /// Defaults to `open`. Moves follow the lifecycle (open → closed/cancelled, closed → open).
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub status: Option<RequisitionStatus>,
}

/// A change to a requisition; omitted fields stay as they are. At least one field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
    pub id: Uuid,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ExternalRefPath {
    /// The requisition's id in the ATS.
    #[param(pattern = "^[A-Za-z0-9._:-]{1,128}$", example = "REQ-2026-0042")]
    pub external_ref: String,
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
}

fn document(status: StatusCode, requisition: &Requisition) -> ResponseToStore {
    let body = RequisitionView::from_record(requisition)
        .ok()
        .and_then(|view| serde_json::to_string(&view).ok())
        .unwrap_or_default();
    ResponseToStore {
        status: status.as_u16(),
        location: (status == StatusCode::CREATED)
            .then(|| format!("/v1/requisitions/{}", requisition.row.id)),
        etag: Some(IfMatch::etag(requisition.row.version)),
        body,
    }
}

fn respond(status: StatusCode, requisition: &Requisition) -> ApiResult<HttpResponse> {
    RequisitionView::from_record(requisition)?;
    Ok(response(&document(status, requisition), false))
}

/// 404 unless the caller may see the requisition `id`: HR and the HR portal always may (no
/// lookup); a hiring manager when it lists them. Guards everything hanging off a requisition.
pub(super) async fn ensure_visible(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
) -> ApiResult<()> {
    if policy::requisition_scope(principal).is_none() {
        return Ok(());
    }
    visible(state, principal, id).await.map(|_| ())
}

/// A requisition the caller may see, or 404.
async fn visible(state: &AppState, principal: &Principal, id: Uuid) -> ApiResult<Requisition> {
    let requisition = state
        .store
        .get_requisition(principal.tenant(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if policy::can_see_requisition(principal, &requisition.hiring_manager_ids) {
        Ok(requisition)
    } else {
        Err(ApiError::NotFound)
    }
}

/// List requisitions. HR and the HR portal see all; a hiring manager sees the ones that list
/// them.
#[utoipa::path(
    tag = "requisitions",
    params(RequisitionFilterParams, PageParams),
    responses(
        (status = 200, description = "A page of requisitions, oldest first", body = RequisitionPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Employees without a hiring role", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid `limit` or `cursor`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/requisitions")]
async fn list_requisitions(
    state: web::Data<AppState>,
    principal: Principal,
    filter: web::Query<RequisitionFilterParams>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<RequisitionPage>> {
    policy::authorize(&principal, Operation::ListRequisitions)?;
    let limit = page.limit()?;
    let after = page.position::<Uuid>()?;
    let filter = filter.into_inner();
    if let Some(manager) = &filter.hiring_manager {
        SubjectId::parse(manager).map_err(|m| ApiError::validation("hiring_manager", m))?;
    }
    if filter
        .department
        .as_ref()
        .is_some_and(|d| d.chars().count() > DEPARTMENT_MAX)
    {
        return Err(ApiError::validation(
            "department",
            format!("must be at most {DEPARTMENT_MAX} characters"),
        ));
    }
    let scope = policy::requisition_scope(&principal).map(str::to_owned);
    // A hiring manager asking for another manager's requisitions sees none.
    if scope.is_some() && filter.hiring_manager.is_some() && filter.hiring_manager != scope {
        return Ok(web::Json(RequisitionPage {
            items: Vec::new(),
            next_cursor: None,
        }));
    }
    let query = RequisitionFilter {
        status: filter.status,
        department: filter.department,
        hiring_manager: scope.or(filter.hiring_manager),
        after,
    };
    let rows = state
        .store
        .list_requisitions(principal.tenant(), &query, limit + 1)
        .await?;
    let (rows, next_cursor) = Cursor::page(rows, limit, |r| r.row.id);
    let items = rows
        .iter()
        .map(RequisitionView::from_record)
        .collect::<ApiResult<_>>()?;
    Ok(web::Json(RequisitionPage { items, next_cursor }))
}

/// Read a requisition.
#[utoipa::path(
    tag = "requisitions",
    params(RequisitionPath),
    responses(
        (status = 200, description = "The requisition", body = RequisitionView, headers(("ETag" = String))),
        (status = 403, description = "Employees without a hiring role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such requisition (or not yours)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/requisitions/{id}")]
async fn get_requisition(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<RequisitionPath>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::ReadRequisition)?;
    let requisition = visible(&state, &principal, path.id).await?;
    respond(StatusCode::OK, &requisition)
}

/// Create a requisition (HR, HR portal). Accepts `Idempotency-Key`.
#[utoipa::path(
    tag = "requisitions",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe", pattern = "^[!-~]{1,255}$")),
    request_body = NewRequisition,
    responses(
        (status = 201, description = "Created", body = RequisitionView, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only HR and the HR portal create requisitions", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The external_ref is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or an Idempotency-Key reused with another body", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/requisitions")]
async fn create_requisition(
    state: web::Data<AppState>,
    principal: Principal,
    key: IdempotencyKey,
    body: Body<NewRequisition>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::CreateRequisition)?;
    let draft = RequisitionDraft::parse(
        body.external_ref.as_deref(),
        &body.title,
        &body.department,
        &body.hiring_manager_ids,
        &body.hr_partner_ids,
        RequisitionStatus::Open,
    )
    .map_err(ApiError::Validation)?;
    let hash = request_hash("create requisition", &*body);
    let render = Arc::new(|r: &Requisition| document(StatusCode::CREATED, r));
    let audit = principal.audit();
    create_once(&state, &principal, key, hash, render, |claim| {
        state
            .store
            .create_requisition(principal.tenant(), &audit, &draft, claim)
    })
    .await
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
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only HR and the HR portal sync requisitions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Malformed external_ref", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The status move is not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/requisitions/by-ref/{external_ref}")]
async fn upsert_requisition(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ExternalRefPath>,
    body: Body<SyncedRequisition>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::UpsertRequisition)?;
    let draft = RequisitionDraft::parse(
        Some(&path.external_ref),
        &body.title,
        &body.department,
        &body.hiring_manager_ids,
        &body.hr_partner_ids,
        body.status.unwrap_or(RequisitionStatus::Open),
    )
    .map_err(|errors| {
        if errors.iter().any(|e| e.field == "external_ref") {
            ApiError::NotFound
        } else {
            ApiError::Validation(errors)
        }
    })?;
    let (created, requisition) = state
        .store
        .upsert_requisition(principal.tenant(), &principal.audit(), &draft)
        .await?;
    respond(
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        &requisition,
    )
}

/// Change a requisition's title, department or people (HR, HR portal). Needs `If-Match`.
#[utoipa::path(
    tag = "requisitions",
    params(RequisitionPath, ("If-Match" = String, Header, description = "The requisition's current ETag", pattern = r#"^"[0-9]{1,18}"$"#)),
    request_body = RequisitionChangeBody,
    responses(
        (status = 200, description = "Updated", body = RequisitionView, headers(("ETag" = String))),
        (status = 400, description = "Malformed body or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only HR and the HR portal change requisitions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such requisition", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since that ETag", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is missing", body = Problem, content_type = "application/problem+json"),
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
    policy::authorize(&principal, Operation::UpdateRequisition)?;
    let change = RequisitionChange::parse(
        body.title.as_deref(),
        body.department.as_deref(),
        body.hiring_manager_ids.as_deref(),
        body.hr_partner_ids.as_deref(),
    )
    .map_err(ApiError::Validation)?;
    let version = if_match.version()?;
    match state
        .store
        .update_requisition(
            principal.tenant(),
            &principal.audit(),
            path.id,
            version,
            &change,
        )
        .await?
    {
        Versioned::Updated(requisition) => respond(StatusCode::OK, &requisition),
        Versioned::NotFound => Err(ApiError::NotFound),
        Versioned::Stale => Err(ApiError::PreconditionFailed),
    }
}

async fn transition(
    state: &AppState,
    principal: &Principal,
    operation: Operation,
    id: Uuid,
    to: RequisitionStatus,
) -> ApiResult<HttpResponse> {
    policy::authorize(principal, operation)?;
    match state
        .store
        .transition_requisition(principal.tenant(), &principal.audit(), id, to)
        .await?
    {
        Transition::Done(requisition) => respond(StatusCode::OK, &requisition),
        Transition::NotFound => Err(ApiError::NotFound),
        Transition::Stale => Err(ApiError::Conflict(
            "The requisition is being changed concurrently; retry.".into(),
        )),
        Transition::Illegal(current) => Err(ApiError::Conflict(format!(
            "A {} requisition cannot become {}.",
            current.row.status,
            to.as_str()
        ))),
    }
}

macro_rules! transition_endpoint {
    ($name:ident, $action:literal, $operation:ident, $to:ident, $doc:literal, $ok:literal, $illegal:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "requisitions",
            params(RequisitionPath),
            responses(
                (status = 200, description = $ok, body = RequisitionView, headers(("ETag" = String))),
                (status = 403, description = "Only HR and the HR portal", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such requisition", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = $illegal, body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($action)]
        async fn $name(
            state: web::Data<AppState>,
            principal: Principal,
            path: web::Path<RequisitionPath>,
        ) -> ApiResult<HttpResponse> {
            transition(&state, &principal, Operation::$operation, path.id, RequisitionStatus::$to).await
        }
    };
}

transition_endpoint!(
    close_requisition,
    "/requisitions/{id}/close",
    CloseRequisition,
    Closed,
    "Close an open requisition (HR, HR portal). Idempotent.",
    "Closed",
    "A cancelled requisition cannot close"
);
transition_endpoint!(
    cancel_requisition,
    "/requisitions/{id}/cancel",
    CancelRequisition,
    Cancelled,
    "Cancel an open requisition (HR, HR portal); final. Idempotent.",
    "Cancelled",
    "Only an open requisition can be cancelled"
);
transition_endpoint!(
    reopen_requisition,
    "/requisitions/{id}/reopen",
    ReopenRequisition,
    Open,
    "Reopen a closed requisition (HR, HR portal). Idempotent.",
    "Open again",
    "A cancelled requisition cannot reopen"
);
