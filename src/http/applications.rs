//! `/v1/applications`: candidacies and decisions, synced by the HR portal; and
//! `/v1/me/applications`, where employees see the status of their own.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::policy::{self, Operation};
use crate::auth::Principal;
use crate::domain::hiring::{ApplicationDraft, ApplicationStatus, Outcome, Stage};
use crate::domain::SubjectId;
use crate::error::{ApiError, ApiResult, Problem};
use crate::storage::{Application, ApplicationFilter, OwnApplication, ResponseToStore, Transition};

use super::extract::{non_null, Body};
use super::idempotency::{create_once, request_hash, response, IdempotencyKey};
use super::schema::{EmployeeId, ExternalRef};
use super::{AppState, Cursor, IfMatch, PageParams};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_applications)
        .service(create_application)
        .service(upsert_application)
        .service(get_application)
        .service(decide_application);
}

pub fn configure_me(cfg: &mut ServiceConfig) {
    cfg.service(list_own_applications);
}

/// One employee's candidacy for one requisition.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApplicationView {
    pub id: Uuid,
    pub requisition_id: Uuid,
    #[schema(value_type = EmployeeId)]
    pub candidate_id: String,
    #[schema(value_type = Option<ExternalRef>)]
    pub external_ref: Option<String>,
    pub status: ApplicationStatus,
    pub stage_reached: Stage,
    /// When the decision was recorded; `null` while active.
    pub decided_at: Option<DateTime<Utc>>,
    /// Who recorded the decision.
    #[schema(value_type = Option<EmployeeId>)]
    pub decided_by: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn corrupt(what: &str, value: &str) -> ApiError {
    ApiError::Internal(format!("unknown {what} {value:?}"))
}

impl ApplicationView {
    pub(super) fn from_record(application: &Application) -> ApiResult<Self> {
        Ok(Self {
            id: application.id,
            requisition_id: application.requisition_id,
            candidate_id: application.candidate_id.clone(),
            external_ref: application.external_ref.clone(),
            status: ApplicationStatus::parse(&application.status)
                .ok_or_else(|| corrupt("application status", &application.status))?,
            stage_reached: Stage::parse(&application.stage_reached)
                .ok_or_else(|| corrupt("stage", &application.stage_reached))?,
            decided_at: application.decided_at,
            decided_by: application.decided_by.clone(),
            version: application.version,
            created_at: application.created_at,
            updated_at: application.updated_at,
        })
    }
}

/// A page of applications, oldest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApplicationPage {
    pub items: Vec<ApplicationView>,
    pub next_cursor: Option<String>,
}

/// An employee's own application, as they see it: the opening and where it stands.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OwnApplicationView {
    pub id: Uuid,
    pub requisition_title: String,
    pub requisition_department: String,
    pub status: ApplicationStatus,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A page of the caller's own applications, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OwnApplicationPage {
    pub items: Vec<OwnApplicationView>,
    pub next_cursor: Option<String>,
}

/// A new application.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    pub requisition_id: Uuid,
    #[schema(value_type = EmployeeId)]
    pub candidate_id: String,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = ExternalRef, required = false)]
    pub external_ref: Option<String>,
    /// Defaults to `screening`.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub stage_reached: Option<Stage>,
}

/// An application as the ATS has it (for `PUT …/by-ref/{external_ref}`). The requisition and
/// candidate of an existing application never change; the stage may, while it is active.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncedApplication {
    pub requisition_id: Uuid,
    #[schema(value_type = EmployeeId)]
    pub candidate_id: String,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub stage_reached: Option<Stage>,
}

/// The decision on an active application.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    pub outcome: Outcome,
    /// How far the candidate got.
    pub stage_reached: Stage,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ApplicationPath {
    /// The application's id.
    pub id: Uuid,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ApplicationRefPath {
    /// The application's id in the ATS.
    #[param(pattern = "^[A-Za-z0-9._:-]{1,128}$", example = "APP-2026-0042-1")]
    pub external_ref: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationFilterParams {
    pub requisition_id: Option<Uuid>,
    #[param(pattern = "^[!-~]{1,128}$")]
    pub candidate_id: Option<String>,
    pub status: Option<ApplicationStatus>,
}

fn document(status: StatusCode, application: &Application) -> ResponseToStore {
    let body = ApplicationView::from_record(application)
        .ok()
        .and_then(|view| serde_json::to_string(&view).ok())
        .unwrap_or_default();
    ResponseToStore {
        status: status.as_u16(),
        location: (status == StatusCode::CREATED)
            .then(|| format!("/v1/applications/{}", application.id)),
        etag: Some(IfMatch::etag(application.version)),
        body,
    }
}

fn respond(status: StatusCode, application: &Application) -> ApiResult<HttpResponse> {
    ApplicationView::from_record(application)?;
    Ok(response(&document(status, application), false))
}

/// The requisition an application is for must exist in the tenant (a 422 on the field, not a
/// 404: the application is what is being written).
async fn require_requisition(state: &AppState, principal: &Principal, id: Uuid) -> ApiResult<()> {
    match state.store.get_requisition(principal.tenant(), id).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::validation(
            "requisition_id",
            "no such requisition",
        )),
    }
}

/// An application the caller may see, or 404.
async fn visible(state: &AppState, principal: &Principal, id: Uuid) -> ApiResult<Application> {
    let application = state
        .store
        .get_application(principal.tenant(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    super::requisitions::ensure_visible(state, principal, application.requisition_id).await?;
    Ok(application)
}

/// List applications. HR and the HR portal see all; a hiring manager sees those to their
/// requisitions.
#[utoipa::path(
    tag = "applications",
    params(ApplicationFilterParams, PageParams),
    responses(
        (status = 200, description = "A page of applications, oldest first", body = ApplicationPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Employees without a hiring role", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid `limit` or `cursor`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/applications")]
async fn list_applications(
    state: web::Data<AppState>,
    principal: Principal,
    filter: web::Query<ApplicationFilterParams>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<ApplicationPage>> {
    policy::authorize(&principal, Operation::ListApplications)?;
    let limit = page.limit()?;
    let filter = filter.into_inner();
    if let Some(candidate) = &filter.candidate_id {
        SubjectId::parse(candidate).map_err(|m| ApiError::validation("candidate_id", m))?;
    }
    let query = ApplicationFilter {
        requisition_id: filter.requisition_id,
        candidate_id: filter.candidate_id,
        status: filter.status,
        hiring_manager: policy::requisition_scope(&principal).map(str::to_owned),
        after: page.position::<Uuid>()?,
    };
    let rows = state
        .store
        .list_applications(principal.tenant(), &query, limit + 1)
        .await?;
    let (rows, next_cursor) = Cursor::page(rows, limit, |a| a.id);
    let items = rows
        .iter()
        .map(ApplicationView::from_record)
        .collect::<ApiResult<_>>()?;
    Ok(web::Json(ApplicationPage { items, next_cursor }))
}

/// Read an application.
#[utoipa::path(
    tag = "applications",
    params(ApplicationPath),
    responses(
        (status = 200, description = "The application", body = ApplicationView, headers(("ETag" = String))),
        (status = 403, description = "Employees without a hiring role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application (or not yours)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/applications/{id}")]
async fn get_application(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ApplicationPath>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::ReadApplication)?;
    let application = visible(&state, &principal, path.id).await?;
    respond(StatusCode::OK, &application)
}

/// Create an application (HR, HR portal); one per employee and requisition. Accepts
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "applications",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe", pattern = "^[!-~]{1,255}$")),
    request_body = NewApplication,
    responses(
        (status = 201, description = "Created", body = ApplicationView, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only HR and the HR portal create applications", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The employee already applied, or the external_ref is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (an unknown requisition included), or an Idempotency-Key reused with another body", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/applications")]
async fn create_application(
    state: web::Data<AppState>,
    principal: Principal,
    key: IdempotencyKey,
    body: Body<NewApplication>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::CreateApplication)?;
    let draft = ApplicationDraft::parse(
        body.requisition_id,
        &body.candidate_id,
        body.external_ref.as_deref(),
        body.stage_reached,
    )
    .map_err(ApiError::Validation)?;
    require_requisition(&state, &principal, draft.requisition_id).await?;
    let hash = request_hash("create application", &*body);
    let render = Arc::new(|a: &Application| document(StatusCode::CREATED, a));
    let audit = principal.audit();
    create_once(&state, &principal, key, hash, render, |claim| {
        state
            .store
            .create_application(principal.tenant(), &audit, &draft, claim)
    })
    .await
}

/// Create or update the application with this ATS id (HR portal sync; safe to re-run).
/// 201 when created, 200 otherwise.
#[utoipa::path(
    tag = "applications",
    params(ApplicationRefPath),
    request_body = SyncedApplication,
    responses(
        (status = 200, description = "Updated, or already up to date", body = ApplicationView, headers(("ETag" = String))),
        (status = 201, description = "Created", body = ApplicationView, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only HR and the HR portal sync applications", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Malformed external_ref", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The requisition or candidate would change, the stage of a decided application would change, or the employee already applied", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (an unknown requisition included)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/applications/by-ref/{external_ref}")]
async fn upsert_application(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ApplicationRefPath>,
    body: Body<SyncedApplication>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::UpsertApplication)?;
    let draft = ApplicationDraft::parse(
        body.requisition_id,
        &body.candidate_id,
        Some(&path.external_ref),
        body.stage_reached,
    )
    .map_err(|errors| {
        if errors.iter().any(|e| e.field == "external_ref") {
            ApiError::NotFound
        } else {
            ApiError::Validation(errors)
        }
    })?;
    require_requisition(&state, &principal, draft.requisition_id).await?;
    let (created, application) = state
        .store
        .upsert_application(principal.tenant(), &principal.audit(), &draft)
        .await?;
    respond(
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        &application,
    )
}

/// Record the decision on an active application (HR, HR portal): `rejected`, `hired` or
/// `withdrawn`, with the stage reached. A decided application cannot be decided again (409).
#[utoipa::path(
    tag = "applications",
    params(ApplicationPath),
    request_body = DecisionBody,
    responses(
        (status = 200, description = "Decided", body = ApplicationView, headers(("ETag" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only HR and the HR portal record decisions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/applications/{id}/decision")]
async fn decide_application(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ApplicationPath>,
    body: Body<DecisionBody>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::DecideApplication)?;
    match state
        .store
        .decide_application(
            principal.tenant(),
            &principal.audit(),
            path.id,
            body.outcome,
            body.stage_reached,
            principal.sub(),
        )
        .await?
    {
        Transition::Done(application) => {
            tracing::info!(application = %application.id, outcome = ?body.outcome, "decision recorded");
            respond(StatusCode::OK, &application)
        }
        Transition::NotFound => Err(ApiError::NotFound),
        Transition::Illegal(current) => Err(ApiError::Conflict(format!(
            "The application is already {}.",
            current.status
        ))),
        Transition::Stale => Err(ApiError::PreconditionFailed),
    }
}

/// The caller's own applications, newest first: the opening and where it stands.
#[utoipa::path(
    tag = "me",
    params(PageParams),
    responses(
        (status = 200, description = "A page of your applications, newest first", body = OwnApplicationPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid `limit` or `cursor`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/applications")]
async fn list_own_applications(
    state: web::Data<AppState>,
    principal: Principal,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<OwnApplicationPage>> {
    policy::authorize(&principal, Operation::ListOwnApplications)?;
    let limit = page.limit()?;
    let rows = state
        .store
        .list_own_applications(
            principal.tenant(),
            principal.sub(),
            page.position::<Uuid>()?,
            limit + 1,
        )
        .await?;
    let (rows, next_cursor) = Cursor::page(rows, limit, |a| a.id);
    let items = rows
        .into_iter()
        .map(|row: OwnApplication| {
            Ok(OwnApplicationView {
                status: ApplicationStatus::parse(&row.status)
                    .ok_or_else(|| corrupt("application status", &row.status))?,
                id: row.id,
                requisition_title: row.requisition_title,
                requisition_department: row.requisition_department,
                decided_at: row.decided_at,
                created_at: row.created_at,
            })
        })
        .collect::<ApiResult<_>>()?;
    Ok(web::Json(OwnApplicationPage { items, next_cursor }))
}
