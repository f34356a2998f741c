//! The candidate's side (`/v1/me/…`): released feedback, acknowledgement, the development plan
//! and follow-up requests; the addressees' side of follow-ups (`/v1/follow-ups`); and the HR
//! portal reading released feedback on an employee's behalf (`/v1/employees/{id}/feedback`).
//!
//! Everything here is built from `FeedbackDocument`, which has no internal field: the
//! redaction is a property of the type, not a filter that could be forgotten.

use std::sync::Arc;

use actix_web::{get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::policy::{self, Operation};
use crate::auth::Principal;
use crate::domain::candidate::{
    urgency, Addressee, FollowUpAnswer, FollowUpStatus, ProgressStatus, Urgency,
};
use crate::domain::catalog::bounded_text;
use crate::domain::feedback::{DevelopmentAction, FeedbackDocument, Horizon};
use crate::domain::{Role, SubjectId};
use crate::error::{ApiError, ApiResult, Problem};
use crate::storage::{
    Acknowledgement, ActionProgress, FollowUp, FollowUpFilter, NewFollowUp, Released,
    ReleasedFeedback, ResponseToStore, WithActivity,
};

use super::extract::Body;
use super::idempotency::{create_once, request_hash, IdempotencyKey};
use super::schema::EmployeeId;
use super::{AppState, Cursor, PageParams};

const PROBLEM: &str = "application/problem+json";

pub fn configure_me(cfg: &mut ServiceConfig) {
    cfg.service(list_own_feedback)
        .service(get_own_feedback)
        .service(acknowledge)
        .service(set_progress)
        .service(own_plan)
        .service(request_follow_up)
        .service(list_own_follow_ups);
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_follow_ups)
        .service(answer_follow_up)
        .service(candidate_activity)
        .service(list_feedback_on_behalf)
        .service(get_feedback_on_behalf);
}

/// The candidate's acknowledgement.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AcknowledgementView {
    /// How useful the feedback was, 1–5.
    pub usefulness_rating: Option<i32>,
    pub comment: Option<String>,
    pub acknowledged_at: DateTime<Utc>,
}

impl From<Acknowledgement> for AcknowledgementView {
    fn from(a: Acknowledgement) -> Self {
        Self {
            usefulness_rating: a.usefulness_rating,
            comment: a.comment,
            acknowledged_at: a.acknowledged_at,
        }
    }
}

/// Progress on one development action.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProgressView {
    pub action_id: Uuid,
    pub status: ProgressStatus,
    pub note: String,
    pub updated_at: DateTime<Utc>,
}

pub(super) fn progress_view(p: ActionProgress) -> ApiResult<ProgressView> {
    Ok(ProgressView {
        action_id: p.action_id,
        status: ProgressStatus::parse(&p.status)
            .ok_or_else(|| ApiError::Internal(format!("unknown progress {:?}", p.status)))?,
        note: p.note,
        updated_at: p.updated_at,
    })
}

/// Released feedback as the candidate (or the HR portal on their behalf) sees it: the latest
/// revision, never internal notes or review comments.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CandidateFeedbackView {
    pub id: Uuid,
    pub application_id: Uuid,
    pub requisition_title: String,
    pub requisition_department: String,
    pub released_at: Option<DateTime<Utc>>,
    /// 1 when released, more after amendments.
    pub revision: i32,
    /// HR amended the feedback after it was first released.
    pub amended: bool,
    pub updated_at: DateTime<Utc>,
    pub document: FeedbackDocument,
    pub acknowledgement: Option<AcknowledgementView>,
    pub progress: Vec<ProgressView>,
}

/// A page of released feedback, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CandidateFeedbackPage {
    pub items: Vec<CandidateFeedbackView>,
    pub next_cursor: Option<String>,
}

/// Acknowledging released feedback, optionally with a rating and a comment.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeBody {
    /// How useful the feedback was, 1 (not at all) to 5 (very).
    #[serde(default, deserialize_with = "super::extract::whole_number")]
    #[schema(nullable = false, minimum = 1, maximum = 5)]
    pub usefulness_rating: Option<i32>,
    #[serde(default, deserialize_with = "crate::domain::feedback::non_null")]
    #[schema(nullable = false, max_length = 2000)]
    pub comment: Option<String>,
}

/// Progress on a development action.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressBody {
    pub status: ProgressStatus,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: String,
}

/// One action of the plan with its progress.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PlanItem {
    pub action: DevelopmentAction,
    pub status: ProgressStatus,
    pub note: String,
    pub updated_at: Option<DateTime<Utc>>,
    /// `overdue` (target date passed, not done) or `due_soon` (within 30 days).
    pub urgency: Urgency,
}

/// The development plan: actions grouped by horizon, with what is due or overdue.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PlanView {
    pub feedback_id: Uuid,
    pub short_term: Vec<PlanItem>,
    pub long_term: Vec<PlanItem>,
    pub done: usize,
    pub total: usize,
    pub overdue: usize,
    pub due_soon: usize,
}

/// A request for a follow-up conversation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpBody {
    pub addressee: Addressee,
    /// 1–2000 characters.
    #[schema(min_length = 1, max_length = 2000)]
    pub message: String,
    /// Up to 5 free-text time windows ("Tuesday mornings").
    #[serde(default)]
    #[schema(max_items = 5)]
    pub preferred_times: Vec<String>,
}

/// The answer to a follow-up request.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpAnswerBody {
    pub outcome: FollowUpAnswer,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: String,
}

/// A follow-up request and its answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FollowUpView {
    pub id: Uuid,
    pub feedback_id: Uuid,
    #[schema(value_type = EmployeeId)]
    pub candidate_id: String,
    pub addressee: Addressee,
    pub message: String,
    pub preferred_times: Vec<String>,
    pub status: FollowUpStatus,
    pub answer_note: Option<String>,
    #[schema(value_type = Option<EmployeeId>)]
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub(super) fn follow_up_view(f: FollowUp) -> ApiResult<FollowUpView> {
    Ok(FollowUpView {
        id: f.id,
        feedback_id: f.feedback_id,
        candidate_id: f.candidate_id,
        addressee: Addressee::parse(&f.addressee)
            .ok_or_else(|| ApiError::Internal(format!("unknown addressee {:?}", f.addressee)))?,
        message: f.message,
        preferred_times: f.preferred_times.0,
        status: FollowUpStatus::parse(&f.status)
            .ok_or_else(|| ApiError::Internal(format!("unknown status {:?}", f.status)))?,
        answer_note: f.answer_note,
        answered_by: f.answered_by,
        answered_at: f.answered_at,
        created_at: f.created_at,
    })
}

/// A page of follow-up requests.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FollowUpPage {
    pub items: Vec<FollowUpView>,
    pub next_cursor: Option<String>,
}

/// What the candidate did with released feedback, for its managers and HR.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CandidateActivity {
    pub acknowledgement: Option<AcknowledgementView>,
    pub progress: Vec<ProgressView>,
    pub follow_ups: Vec<FollowUpView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OwnFeedbackPath {
    /// The feedback's id.
    pub id: Uuid,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ActionPath {
    /// The feedback's id.
    pub id: Uuid,
    /// The development action's id.
    pub action_id: Uuid,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FollowUpPath {
    /// The follow-up request's id.
    pub id: Uuid,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EmployeePath {
    /// The employee's id.
    #[param(pattern = "^[!-~]{1,128}$")]
    pub employee_id: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EmployeeFeedbackPath {
    /// The employee's id.
    #[param(pattern = "^[!-~]{1,128}$")]
    pub employee_id: String,
    /// The feedback's id.
    pub id: Uuid,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowUpFilterParams {
    pub status: Option<FollowUpStatus>,
}

/// Released feedback as the candidate (or the HR portal on their behalf) sees it.
fn candidate_view(record: WithActivity) -> ApiResult<CandidateFeedbackView> {
    let feedback = record.feedback;
    Ok(CandidateFeedbackView {
        acknowledgement: record.acknowledgement.map(Into::into),
        progress: record
            .progress
            .into_iter()
            .map(progress_view)
            .collect::<ApiResult<_>>()?,
        id: feedback.id,
        application_id: feedback.application_id,
        requisition_title: feedback.requisition_title,
        requisition_department: feedback.requisition_department,
        released_at: feedback.released_at,
        revision: feedback.revision,
        amended: feedback.revision > 1,
        updated_at: feedback.updated_at,
        document: feedback.document.0,
    })
}

/// One released feedback of `candidate`, with its activity, or 404.
async fn released_one(
    state: &AppState,
    principal: &Principal,
    candidate: &str,
    id: Uuid,
) -> ApiResult<WithActivity> {
    state
        .store
        .released_with_activity(principal.tenant(), candidate, Released::One(id))
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// The caller's own released feedback, or the same 404 for anything else.
async fn own(state: &AppState, principal: &Principal, id: Uuid) -> ApiResult<ReleasedFeedback> {
    state
        .store
        .get_released_feedback(principal.tenant(), principal.sub().as_str(), id)
        .await?
        .ok_or(ApiError::NotFound)
}

async fn page_of(
    state: &AppState,
    principal: &Principal,
    candidate: &str,
    page: &PageParams,
) -> ApiResult<CandidateFeedbackPage> {
    let limit = page.limit()?;
    let which = Released::Page {
        before: page.position::<Uuid>()?,
        limit: limit + 1,
    };
    let rows = state
        .store
        .released_with_activity(principal.tenant(), candidate, which)
        .await?;
    let (rows, next_cursor) = Cursor::page(rows, limit, |r| r.feedback.id);
    super::feedback::audit_reads(
        state,
        principal,
        "feedback.read",
        rows.iter()
            .map(|r| (r.feedback.id, r.feedback.candidate_id.as_str())),
    )
    .await?;
    let items = rows
        .into_iter()
        .map(candidate_view)
        .collect::<ApiResult<_>>()?;
    Ok(CandidateFeedbackPage { items, next_cursor })
}

/// Your released feedback, newest first.
#[utoipa::path(
    tag = "me",
    params(PageParams),
    responses(
        (status = 200, description = "A page of your released feedback", body = CandidateFeedbackPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid `limit` or `cursor`", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/feedback")]
async fn list_own_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<CandidateFeedbackPage>> {
    policy::authorize(&principal, Operation::ListOwnFeedback)?;
    let sub = principal.sub().as_str().to_owned();
    Ok(web::Json(page_of(&state, &principal, &sub, &page).await?))
}

/// One of your released feedback documents: the latest revision, marked when amended.
#[utoipa::path(
    tag = "me",
    params(OwnFeedbackPath),
    responses(
        (status = 200, description = "The feedback", body = CandidateFeedbackView),
        (status = 404, description = "Not yours, not released, or unknown", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/feedback/{id}")]
async fn get_own_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<OwnFeedbackPath>,
) -> ApiResult<web::Json<CandidateFeedbackView>> {
    policy::authorize(&principal, Operation::ReadOwnFeedback)?;
    let sub = principal.sub().as_str().to_owned();
    let record = released_one(&state, &principal, &sub, path.id).await?;
    Ok(web::Json(candidate_view(record)?))
}

/// Acknowledge your feedback, once (a second call returns the first acknowledgement).
#[utoipa::path(
    tag = "me",
    params(OwnFeedbackPath),
    request_body = AcknowledgeBody,
    responses(
        (status = 200, description = "Acknowledged", body = AcknowledgementView),
        (status = 400, description = "Malformed body", body = Problem, content_type = PROBLEM),
        (status = 404, description = "Not yours, not released, or unknown", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid rating or comment", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/feedback/{id}/acknowledge")]
async fn acknowledge(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<OwnFeedbackPath>,
    body: Body<AcknowledgeBody>,
) -> ApiResult<web::Json<AcknowledgementView>> {
    policy::authorize(&principal, Operation::AcknowledgeFeedback)?;
    let mut errors = Vec::new();
    if body
        .usefulness_rating
        .is_some_and(|r| !(1..=5).contains(&r))
    {
        errors.push(crate::error::FieldError::new(
            "usefulness_rating",
            "must be between 1 and 5",
        ));
    }
    let comment = body
        .comment
        .as_deref()
        .map(|c| bounded_text("comment", c, 0, 2000, &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let feedback = own(&state, &principal, path.id).await?;
    let ack = state
        .store
        .acknowledge(
            principal.tenant(),
            &principal.audit(),
            feedback.id,
            principal.sub(),
            body.usefulness_rating,
            comment.as_deref().filter(|c| !c.is_empty()),
        )
        .await?;
    Ok(web::Json(ack.into()))
}

/// Record your progress on a development action.
#[utoipa::path(
    tag = "me",
    params(ActionPath),
    request_body = ProgressBody,
    responses(
        (status = 200, description = "Saved", body = ProgressView),
        (status = 400, description = "Malformed body", body = Problem, content_type = PROBLEM),
        (status = 404, description = "Not your feedback, or no such action", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid note", body = Problem, content_type = PROBLEM),
    )
)]
#[put("/feedback/{id}/actions/{action_id}")]
async fn set_progress(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ActionPath>,
    body: Body<ProgressBody>,
) -> ApiResult<web::Json<ProgressView>> {
    policy::authorize(&principal, Operation::UpdateActionProgress)?;
    let mut errors = Vec::new();
    let note = bounded_text("note", &body.note, 0, 2000, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let feedback = own(&state, &principal, path.id).await?;
    if !feedback
        .document
        .0
        .development_actions
        .iter()
        .any(|a| a.id == Some(path.action_id))
    {
        return Err(ApiError::NotFound);
    }
    let progress = state
        .store
        .set_action_progress(
            principal.tenant(),
            &principal.audit(),
            feedback.id,
            path.action_id,
            body.status,
            &note,
        )
        .await?;
    Ok(web::Json(progress_view(progress)?))
}

/// Your development plan: actions by horizon, with progress and what is due or overdue.
#[utoipa::path(
    tag = "me",
    params(OwnFeedbackPath),
    responses(
        (status = 200, description = "The plan", body = PlanView),
        (status = 404, description = "Not yours, not released, or unknown", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/feedback/{id}/plan")]
async fn own_plan(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<OwnFeedbackPath>,
) -> ApiResult<web::Json<PlanView>> {
    policy::authorize(&principal, Operation::ReadOwnPlan)?;
    let feedback = own(&state, &principal, path.id).await?;
    let progress = state
        .store
        .action_progress(principal.tenant(), feedback.id)
        .await?;
    let today = Utc::now().date_naive();
    let mut plan = PlanView {
        feedback_id: feedback.id,
        short_term: Vec::new(),
        long_term: Vec::new(),
        done: 0,
        total: 0,
        overdue: 0,
        due_soon: 0,
    };
    for action in feedback.document.0.development_actions {
        let recorded = progress.iter().find(|p| Some(p.action_id) == action.id);
        let status = recorded
            .and_then(|p| ProgressStatus::parse(&p.status))
            .unwrap_or(ProgressStatus::NotStarted);
        let item = PlanItem {
            urgency: urgency(action.target_date, status, today),
            status,
            note: recorded.map(|p| p.note.clone()).unwrap_or_default(),
            updated_at: recorded.map(|p| p.updated_at),
            action,
        };
        plan.total += 1;
        plan.done += usize::from(status == ProgressStatus::Done);
        plan.overdue += usize::from(item.urgency == Urgency::Overdue);
        plan.due_soon += usize::from(item.urgency == Urgency::DueSoon);
        match item.action.horizon {
            Horizon::ShortTerm => plan.short_term.push(item),
            Horizon::LongTerm => plan.long_term.push(item),
        }
    }
    Ok(web::Json(plan))
}

/// Ask for a follow-up conversation with the hiring manager or HR.
#[utoipa::path(
    tag = "me",
    params(OwnFeedbackPath, ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe", pattern = "^[!-~]{1,255}$")),
    request_body = FollowUpBody,
    responses(
        (status = 201, description = "Requested", body = FollowUpView),
        (status = 400, description = "Malformed body", body = Problem, content_type = PROBLEM),
        (status = 404, description = "Not yours, not released, or unknown", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid message or times, or an Idempotency-Key reused with another body", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/feedback/{id}/follow-ups")]
async fn request_follow_up(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<OwnFeedbackPath>,
    key: IdempotencyKey,
    body: Body<FollowUpBody>,
) -> ApiResult<actix_web::HttpResponse> {
    policy::authorize(&principal, Operation::RequestFollowUp)?;
    let mut errors = Vec::new();
    let message = bounded_text("message", &body.message, 1, 2000, &mut errors);
    if body.preferred_times.len() > 5 {
        errors.push(crate::error::FieldError::new(
            "preferred_times",
            "at most 5 time windows",
        ));
    }
    let times: Vec<String> = body
        .preferred_times
        .iter()
        .enumerate()
        .map(|(i, t)| bounded_text(&format!("preferred_times[{i}]"), t, 1, 200, &mut errors))
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let feedback = own(&state, &principal, path.id).await?;
    let record = state
        .store
        .get_feedback(principal.tenant(), feedback.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let request = NewFollowUp {
        requisition_id: record.requisition_id,
        addressee: body.addressee,
        message: &message,
        preferred_times: &times,
    };
    let hash = request_hash(&format!("request follow-up {}", feedback.id), &*body);
    let render = Arc::new(|created: &FollowUp| ResponseToStore {
        status: 201,
        location: Some(format!("/v1/me/follow-ups#{}", created.id)),
        etag: None,
        body: follow_up_view(created.clone())
            .ok()
            .and_then(|view| serde_json::to_string(&view).ok())
            .unwrap_or_default(),
    });
    let audit = principal.audit();
    tracing::info!(addressee = body.addressee.as_str(), "follow-up requested");
    create_once(&state, &principal, key, hash, render, |claim| {
        state
            .store
            .create_follow_up(principal.tenant(), &audit, &feedback, &request, claim)
    })
    .await
}

/// Your follow-up requests and their answers.
#[utoipa::path(
    tag = "me",
    params(PageParams),
    responses(
        (status = 200, description = "A page of your requests, oldest first", body = FollowUpPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid `limit` or `cursor`", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/follow-ups")]
async fn list_own_follow_ups(
    state: web::Data<AppState>,
    principal: Principal,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<FollowUpPage>> {
    policy::authorize(&principal, Operation::ListOwnFollowUps)?;
    let filter = FollowUpFilter {
        candidate_id: Some(principal.sub().as_str().to_owned()),
        after: page.position::<Uuid>()?,
        ..FollowUpFilter::default()
    };
    follow_up_page(&state, &principal, filter, &page).await
}

async fn follow_up_page(
    state: &AppState,
    principal: &Principal,
    filter: FollowUpFilter,
    page: &PageParams,
) -> ApiResult<web::Json<FollowUpPage>> {
    let limit = page.limit()?;
    let rows = state
        .store
        .list_follow_ups(principal.tenant(), &filter, limit + 1)
        .await?;
    let (rows, next_cursor) = Cursor::page(rows, limit, |f| f.id);
    let items = rows
        .into_iter()
        .map(follow_up_view)
        .collect::<ApiResult<_>>()?;
    Ok(web::Json(FollowUpPage { items, next_cursor }))
}

/// Follow-up requests addressed to you: HR sees all of the tenant; a hiring manager those
/// addressed to the manager on their requisitions.
#[utoipa::path(
    tag = "follow-ups",
    params(FollowUpFilterParams, PageParams),
    responses(
        (status = 200, description = "A page of requests, oldest first", body = FollowUpPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only hiring managers and HR", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid `limit` or `cursor`", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/follow-ups")]
async fn list_follow_ups(
    state: web::Data<AppState>,
    principal: Principal,
    filter: web::Query<FollowUpFilterParams>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<FollowUpPage>> {
    policy::authorize(&principal, Operation::ListFollowUps)?;
    let manager = !principal.has(Role::Hr);
    let query = FollowUpFilter {
        status: filter.status,
        addressee: manager.then_some(Addressee::Manager),
        hiring_manager: manager.then(|| principal.sub().as_str().to_owned()),
        after: page.position::<Uuid>()?,
        ..FollowUpFilter::default()
    };
    follow_up_page(&state, &principal, query, &page).await
}

/// Answer an open follow-up request: `scheduled`, `declined` or `closed`, with a note.
#[utoipa::path(
    tag = "follow-ups",
    params(FollowUpPath),
    request_body = FollowUpAnswerBody,
    responses(
        (status = 200, description = "Answered", body = FollowUpView),
        (status = 400, description = "Malformed body", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only hiring managers and HR", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such request (or not addressed to you)", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already answered", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid note", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/follow-ups/{id}/answer")]
async fn answer_follow_up(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FollowUpPath>,
    body: Body<FollowUpAnswerBody>,
) -> ApiResult<web::Json<FollowUpView>> {
    policy::authorize(&principal, Operation::AnswerFollowUp)?;
    let mut errors = Vec::new();
    let note = bounded_text("note", &body.note, 0, 2000, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let request = state
        .store
        .get_follow_up(principal.tenant(), path.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    // HR answers any request; a hiring manager only those addressed to the manager on their
    // requisitions.
    if !principal.has(Role::Hr) {
        if request.addressee != Addressee::Manager.as_str() {
            return Err(ApiError::NotFound);
        }
        super::requisitions::ensure_visible(&state, &principal, request.requisition_id).await?;
    }
    match state
        .store
        .answer_follow_up(
            principal.tenant(),
            &principal.audit(),
            path.id,
            body.outcome,
            &note,
            principal.sub(),
        )
        .await?
    {
        Some(answered) => Ok(web::Json(follow_up_view(answered)?)),
        None => Err(ApiError::Conflict(format!(
            "The request is already {}.",
            request.status
        ))),
    }
}

/// What the candidate did with released feedback: acknowledgement, progress and follow-up
/// requests (its requisition's hiring managers, HR).
#[utoipa::path(
    tag = "feedback",
    params(OwnFeedbackPath),
    responses(
        (status = 200, description = "The candidate's activity", body = CandidateActivity),
        (status = 403, description = "Only hiring managers and HR", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such feedback (or not yours)", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/feedback/{id}/candidate-activity")]
async fn candidate_activity(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<OwnFeedbackPath>,
) -> ApiResult<web::Json<CandidateActivity>> {
    policy::authorize(&principal, Operation::ReadCandidateActivity)?;
    let feedback = state
        .store
        .get_feedback(principal.tenant(), path.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    super::requisitions::ensure_visible(&state, &principal, feedback.requisition_id).await?;
    super::feedback::audit_reads(
        &state,
        &principal,
        "feedback.activity.read",
        [(feedback.id, feedback.candidate_id.as_str())],
    )
    .await?;
    let acknowledgement = state
        .store
        .acknowledgement(principal.tenant(), feedback.id)
        .await?
        .map(Into::into);
    let progress = state
        .store
        .action_progress(principal.tenant(), feedback.id)
        .await?
        .into_iter()
        .map(progress_view)
        .collect::<ApiResult<_>>()?;
    let follow_ups = state
        .store
        .list_follow_ups(
            principal.tenant(),
            &FollowUpFilter {
                feedback_id: Some(feedback.id),
                ..FollowUpFilter::default()
            },
            100,
        )
        .await?
        .into_iter()
        .map(follow_up_view)
        .collect::<ApiResult<_>>()?;
    Ok(web::Json(CandidateActivity {
        acknowledgement,
        progress,
        follow_ups,
    }))
}

/// An employee's released feedback, read by the HR portal on their behalf (same redaction as
/// the employee gets; every such read is logged).
#[utoipa::path(
    tag = "employees",
    params(EmployeePath, PageParams),
    responses(
        (status = 200, description = "A page of the employee's released feedback", body = CandidateFeedbackPage),
        (status = 403, description = "Only the HR portal", body = Problem, content_type = PROBLEM),
        (status = 404, description = "Malformed employee id", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid `limit` or `cursor`", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/employees/{employee_id}/feedback")]
async fn list_feedback_on_behalf(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<EmployeePath>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<CandidateFeedbackPage>> {
    policy::authorize(&principal, Operation::ListFeedbackOnBehalf)?;
    let employee = SubjectId::parse(&path.employee_id).map_err(|_| ApiError::NotFound)?;
    tracing::info!(employee = %employee, reader = %principal.sub(), "released feedback listed on the employee's behalf");
    Ok(web::Json(
        page_of(&state, &principal, employee.as_str(), &page).await?,
    ))
}

/// One released feedback of an employee, read by the HR portal on their behalf.
#[utoipa::path(
    tag = "employees",
    params(EmployeeFeedbackPath),
    responses(
        (status = 200, description = "The feedback", body = CandidateFeedbackView),
        (status = 403, description = "Only the HR portal", body = Problem, content_type = PROBLEM),
        (status = 404, description = "Not this employee's, not released, or unknown", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/employees/{employee_id}/feedback/{id}")]
async fn get_feedback_on_behalf(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<EmployeeFeedbackPath>,
) -> ApiResult<web::Json<CandidateFeedbackView>> {
    policy::authorize(&principal, Operation::ReadFeedbackOnBehalf)?;
    let employee = SubjectId::parse(&path.employee_id).map_err(|_| ApiError::NotFound)?;
    let record = released_one(&state, &principal, employee.as_str(), path.id).await?;
    super::feedback::audit_reads(
        &state,
        &principal,
        "feedback.read",
        [(record.feedback.id, record.feedback.candidate_id.as_str())],
    )
    .await?;
    tracing::info!(employee = %employee, feedback = %record.feedback.id, reader = %principal.sub(), "released feedback read on the employee's behalf");
    Ok(web::Json(candidate_view(record)?))
}
