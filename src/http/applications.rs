//! `/v1/applications`: candidacies and decisions, synced by the HR portal; and
//! `/v1/me/applications`, where employees see the status of their own.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::deadlines::FeedbackProgress;
use crate::domain::hiring::{
    ApplicationDraft, ApplicationQuery, ApplicationStatus, ExternalRef, Outcome, Stage,
};
use crate::domain::{non_null, ApplicationId, EmployeeId, Principal, RequisitionId};
use crate::storage::{Application, OwnApplication, ResponseToStore};

use super::error::{ApiError, ApiResult, Problem, PROBLEM_JSON};
use super::extract::{Body, IdempotencyKey};
use super::pagination::PageParams;
use super::respond::{created, document, once, stored};
use super::AppState;

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
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationView {
    #[schema(value_type = uuid::Uuid)]
    pub id: ApplicationId,
    #[schema(value_type = uuid::Uuid)]
    pub requisition_id: RequisitionId,
    pub candidate_id: EmployeeId,
    pub external_ref: Option<ExternalRef>,
    pub status: ApplicationStatus,
    pub stage_reached: Stage,
    /// When the decision was recorded; `null` while active.
    pub decided_at: Option<DateTime<Utc>>,
    /// Who recorded the decision.
    pub decided_by: Option<EmployeeId>,
    /// A rejection's feedback due date (the tenant's local day), fixed when it was decided.
    pub feedback_due_date: Option<NaiveDate>,
    /// When that day ends.
    pub feedback_due_at: Option<DateTime<Utc>>,
    /// When the candidate last asked for their feedback.
    pub feedback_requested_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Application> for ApplicationView {
    fn from(application: &Application) -> Self {
        Self {
            id: application.id,
            requisition_id: application.requisition_id,
            candidate_id: application.candidate_id.clone(),
            external_ref: application.external_ref.clone(),
            status: application.status,
            stage_reached: application.stage_reached,
            decided_at: application.decided_at,
            decided_by: application.decided_by.clone(),
            feedback_due_date: application.feedback_due_date,
            feedback_due_at: application.feedback_due_at,
            feedback_requested_at: application.feedback_requested_at,
            version: application.version,
            created_at: application.created_at,
            updated_at: application.updated_at,
        }
    }
}

/// A page of applications, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationPage {
    pub items: Vec<ApplicationView>,
    pub next_cursor: Option<String>,
}

/// An employee's own application, as they see it: the opening and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnApplicationView {
    #[schema(value_type = uuid::Uuid)]
    pub id: ApplicationId,
    pub requisition_title: String,
    pub requisition_department: String,
    pub status: ApplicationStatus,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// For a rejection: where its feedback stands and when it is due; `null` otherwise.
    pub feedback: Option<OwnFeedbackStatus>,
}

/// The organisation's promise to a rejected candidate: feedback, by a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnFeedbackStatus {
    pub status: FeedbackProgress,
    /// The day it is due by (the tenant's local day).
    pub due_date: NaiveDate,
    /// When you last asked for it (`POST …/feedback-request`).
    pub requested_at: Option<DateTime<Utc>>,
}

impl OwnApplicationView {
    pub fn of(row: &OwnApplication, now: DateTime<Utc>) -> Self {
        let feedback = match (row.feedback_due_date, row.feedback_due_at) {
            (Some(due_date), Some(due_at)) => Some(OwnFeedbackStatus {
                status: FeedbackProgress::of(row.feedback_status, due_at, now),
                due_date,
                requested_at: row.feedback_requested_at,
            }),
            _ => None,
        };
        Self {
            id: row.id,
            requisition_title: row.requisition_title.clone(),
            requisition_department: row.requisition_department.clone(),
            status: row.status,
            decided_at: row.decided_at,
            created_at: row.created_at,
            feedback,
        }
    }
}

/// A page of the caller's own applications, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnApplicationPage {
    pub items: Vec<OwnApplicationView>,
    pub next_cursor: Option<String>,
}

/// A new application.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    #[schema(value_type = uuid::Uuid)]
    pub requisition_id: RequisitionId,
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
    #[schema(value_type = uuid::Uuid)]
    pub requisition_id: RequisitionId,
    #[schema(value_type = EmployeeId)]
    pub candidate_id: String,
    /// Omitted: `screening` for a new application, unchanged for an existing one. Ignored
    /// once the application is decided (the decision's stage stands): re-sending the state as
    /// it was synced answers 200 with the application as it is now.
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
    #[param(value_type = uuid::Uuid)]
    pub id: ApplicationId,
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
    #[param(value_type = Option<uuid::Uuid>)]
    pub requisition_id: Option<RequisitionId>,
    #[param(pattern = "^[!-~]{1,128}$")]
    pub candidate_id: Option<String>,
    pub status: Option<ApplicationStatus>,
    /// Only applications changed at or after this instant (RFC 3339), for incremental syncs.
    pub updated_since: Option<DateTime<Utc>>,
}

fn render(status: StatusCode, application: &Application) -> ResponseToStore {
    let location = format!("/v1/applications/{}", application.id);
    document(
        status,
        &ApplicationView::from(application),
        application.version,
        Some(location),
    )
}

fn respond(status: StatusCode, application: &Application) -> HttpResponse {
    stored(&render(status, application), false)
}

/// List applications. HR and the HR portal see all; a hiring manager sees those to their
/// requisitions.
#[utoipa::path(
    tag = "applications",
    params(ApplicationFilterParams, PageParams),
    responses(
        (status = 200, description = "A page of applications, oldest first", body = ApplicationPage),
        (status = 422, description = "Invalid filter, `limit` or `cursor`", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[get("/applications")]
async fn list_applications(
    state: web::Data<AppState>,
    principal: Principal,
    filter: web::Query<ApplicationFilterParams>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<ApplicationPage>> {
    let query = ApplicationQuery::parse(
        filter.requisition_id,
        filter.candidate_id.as_deref(),
        filter.status,
        filter.updated_since,
    );
    let pager = state.cursors().await?.list("applications");
    let page = state
        .app
        .applications()
        .list(&principal, query.map_err(Into::into), page.request(&pager))
        .await?;
    Ok(web::Json(ApplicationPage {
        next_cursor: pager.next(&page, |a| a.id),
        items: page.items.iter().map(ApplicationView::from).collect(),
    }))
}

/// Read an application.
#[utoipa::path(
    tag = "applications",
    params(ApplicationPath),
    responses((status = 200, description = "The application", body = ApplicationView, headers(("ETag" = String))))
)]
#[get("/applications/{id}")]
async fn get_application(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ApplicationPath>,
) -> ApiResult<HttpResponse> {
    let application = state.app.applications().get(&principal, path.id).await?;
    Ok(respond(StatusCode::OK, &application))
}

/// Create an application (HR, HR portal); one per employee and requisition. Accepts
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "applications",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe", pattern = "^[!-~]{1,255}$")),
    request_body = NewApplication,
    responses(
        (status = 201, description = "Created", body = ApplicationView, headers(("ETag" = String), ("Location" = String))),
        (status = 409, description = "The employee already applied, or the external_ref is taken", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "Invalid fields (an unknown requisition included)", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/applications")]
async fn create_application(
    state: web::Data<AppState>,
    principal: Principal,
    key: IdempotencyKey,
    body: Body<NewApplication>,
) -> ApiResult<HttpResponse> {
    let draft = ApplicationDraft::parse(
        body.requisition_id,
        &body.candidate_id,
        body.external_ref.as_deref(),
        body.stage_reached,
    );
    let respond = |a: &Application| render(StatusCode::CREATED, a);
    let once = once(key, "create application", &*body, &respond);
    let outcome = state
        .app
        .applications()
        .create(&principal, draft.map_err(Into::into), once)
        .await?;
    Ok(created(outcome, respond))
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
        (status = 409, description = "The requisition or candidate would change, the stage of a decided application would change, or the employee already applied", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "Invalid fields (an unknown requisition included)", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[put("/applications/by-ref/{external_ref}")]
async fn upsert_application(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ApplicationRefPath>,
    body: Body<SyncedApplication>,
) -> ApiResult<HttpResponse> {
    let external_ref = ExternalRef::parse(&path.external_ref).map_err(|_| ApiError::NotFound)?;
    let draft = ApplicationDraft::parse(
        body.requisition_id,
        &body.candidate_id,
        None,
        body.stage_reached,
    );
    let (was_created, application) = state
        .app
        .applications()
        .upsert(&principal, external_ref, draft.map_err(Into::into))
        .await?;
    let status = if was_created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(respond(status, &application))
}

/// Record the decision on an active application (HR, HR portal): `rejected`, `hired` or
/// `withdrawn`, with the stage reached. A decided application cannot be decided again (409).
#[utoipa::path(
    tag = "applications",
    params(ApplicationPath),
    request_body = DecisionBody,
    responses(
        (status = 200, description = "Decided", body = ApplicationView, headers(("ETag" = String))),
        (status = 409, description = "Already decided", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/applications/{id}/decision")]
async fn decide_application(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ApplicationPath>,
    body: Body<DecisionBody>,
) -> ApiResult<HttpResponse> {
    let application = state
        .app
        .applications()
        .decide(&principal, path.id, body.outcome, body.stage_reached)
        .await?;
    Ok(respond(StatusCode::OK, &application))
}

/// The caller's own applications, newest first: the opening and where it stands.
#[utoipa::path(
    tag = "me",
    params(PageParams),
    responses((status = 200, description = "A page of your applications, newest first", body = OwnApplicationPage))
)]
#[get("/applications")]
async fn list_own_applications(
    state: web::Data<AppState>,
    principal: Principal,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<OwnApplicationPage>> {
    let pager = state.cursors().await?.list("my-applications");
    let page = state
        .app
        .applications()
        .list_own(&principal, page.request(&pager))
        .await?;
    Ok(web::Json(OwnApplicationPage {
        next_cursor: pager.next(&page, |a| a.id),
        items: page
            .items
            .iter()
            .map(|row| OwnApplicationView::of(row, chrono::Utc::now()))
            .collect(),
    }))
}
