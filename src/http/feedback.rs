//! `/v1/feedback`: the structured feedback a hiring manager writes and HR reviews, returns,
//! approves, releases and amends; and `/v1/review-policy`, the tenant's review setting.

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
use crate::domain::catalog::bounded_text;
use crate::domain::feedback::{
    internal_notes, AllowedKeys, FeedbackAction, FeedbackDocument, FeedbackStatus, ReviewPolicy,
};
use crate::domain::hiring::ApplicationStatus;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Problem};
use crate::storage::{
    Feedback, FeedbackEvent, FeedbackFilter, FeedbackRevision, ResponseToStore, Step, Transition,
};

use super::extract::Body;
use super::idempotency::{create_once, request_hash, response, IdempotencyKey};
use super::schema::EmployeeId;
use super::{AppState, Cursor, IfMatch, PageParams};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_feedback)
        .service(list_feedback)
        .service(get_feedback)
        .service(edit_feedback)
        .service(submit_feedback)
        .service(return_feedback)
        .service(approve_feedback)
        .service(release_feedback)
        .service(amend_feedback)
        .service(feedback_history)
        .service(get_review_policy)
        .service(set_review_policy);
}

/// Feedback as its author, the requisition's hiring managers and HR see it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FeedbackView {
    pub id: Uuid,
    pub application_id: Uuid,
    pub requisition_id: Uuid,
    #[schema(value_type = EmployeeId)]
    pub candidate_id: String,
    #[schema(value_type = EmployeeId)]
    pub author_id: String,
    pub status: FeedbackStatus,
    /// Released revisions: 0 before release, 1 at release, more after amendments.
    pub revision: i32,
    /// Amended after release.
    pub amended: bool,
    pub document: FeedbackDocument,
    /// Notes for HR and the author; never shown to the candidate. Absent for other readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_notes: Option<String>,
    /// HR's comment when it returned the feedback; for HR and the author.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_comment: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub released_at: Option<DateTime<Utc>>,
}

impl FeedbackView {
    pub(super) fn new(feedback: &Feedback, principal: &Principal) -> ApiResult<Self> {
        let privileged = principal.has(Role::Hr) || principal.sub().as_str() == feedback.author_id;
        Ok(Self {
            id: feedback.id,
            application_id: feedback.application_id,
            requisition_id: feedback.requisition_id,
            candidate_id: feedback.candidate_id.clone(),
            author_id: feedback.author_id.clone(),
            status: FeedbackStatus::parse(&feedback.status).ok_or_else(|| {
                ApiError::Internal(format!("unknown feedback status {:?}", feedback.status))
            })?,
            revision: feedback.revision,
            amended: feedback.revision > 1,
            document: feedback.document.0.clone(),
            internal_notes: privileged.then(|| feedback.internal_notes.clone()),
            review_comment: if privileged {
                feedback.review_comment.clone()
            } else {
                None
            },
            version: feedback.version,
            created_at: feedback.created_at,
            updated_at: feedback.updated_at,
            released_at: feedback.released_at,
        })
    }
}

/// A page of feedback, oldest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FeedbackPage {
    pub items: Vec<FeedbackView>,
    pub next_cursor: Option<String>,
}

/// The content a hiring manager writes. Drafts may be incomplete.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackDraft {
    #[serde(default)]
    pub document: FeedbackDocument,
    /// Notes for HR and the author only, up to 5000 characters.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub internal_notes: String,
}

/// HR sends the feedback back to its author.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnBody {
    /// What to change, 1–2000 characters.
    #[schema(min_length = 1, max_length = 2000)]
    pub comment: String,
}

/// HR amends released feedback: a new revision the candidate sees, marked as amended.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmendBody {
    pub document: FeedbackDocument,
    /// Replaces the internal notes when given.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::domain::feedback::non_null"
    )]
    #[schema(nullable = false, max_length = 5000)]
    pub internal_notes: Option<String>,
    /// Why it was amended, 1–1000 characters (kept in the history).
    #[schema(min_length = 1, max_length = 1000)]
    pub note: String,
}

/// One step of the workflow.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FeedbackEventView {
    pub action: FeedbackAction,
    pub from_status: Option<FeedbackStatus>,
    pub to_status: FeedbackStatus,
    #[schema(value_type = EmployeeId)]
    pub actor: String,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

/// A released revision, as the candidate was shown it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FeedbackRevisionView {
    pub revision: i32,
    pub document: FeedbackDocument,
    pub internal_notes: String,
    /// The amendment note.
    pub note: Option<String>,
    #[schema(value_type = EmployeeId)]
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// The workflow log and every released revision.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FeedbackHistory {
    pub events: Vec<FeedbackEventView>,
    pub revisions: Vec<FeedbackRevisionView>,
}

/// The tenant's review policy.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewPolicyView {
    /// When true, submitting approves at once (no HR review step).
    pub skip_hr_review: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FeedbackPath {
    /// The feedback's id.
    pub id: Uuid,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ApplicationFeedbackPath {
    /// The application's id.
    pub id: Uuid,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedbackFilterParams {
    pub status: Option<FeedbackStatus>,
    pub requisition_id: Option<Uuid>,
    /// Only feedback unchanged since before this instant (the review queue's oldest first).
    pub updated_before: Option<DateTime<Utc>>,
}

fn document_response(
    status: StatusCode,
    feedback: &Feedback,
    principal: &Principal,
) -> ApiResult<ResponseToStore> {
    Ok(ResponseToStore {
        status: status.as_u16(),
        location: (status == StatusCode::CREATED).then(|| format!("/v1/feedback/{}", feedback.id)),
        etag: Some(IfMatch::etag(feedback.version)),
        body: serde_json::to_string(&FeedbackView::new(feedback, principal)?).unwrap_or_default(),
    })
}

fn respond(feedback: &Feedback, principal: &Principal) -> ApiResult<HttpResponse> {
    Ok(response(
        &document_response(StatusCode::OK, feedback, principal)?,
        false,
    ))
}

/// Feedback the caller may see (HR, or a hiring manager of its requisition), or 404.
async fn visible(state: &AppState, principal: &Principal, id: Uuid) -> ApiResult<Feedback> {
    let manager = policy::hiring_scope(principal).ok_or(ApiError::NotFound)?;
    state
        .store
        .get_feedback_for(principal.tenant(), id, manager)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Records that the caller read candidates' feedback (reads of one's own are not recorded).
pub(super) async fn audit_reads<'a>(
    state: &AppState,
    principal: &Principal,
    action: &str,
    read: impl IntoIterator<Item = (Uuid, &'a str)>,
) -> ApiResult<()> {
    let reads: Vec<(String, String)> = read
        .into_iter()
        .filter(|(_, candidate)| *candidate != principal.sub().as_str())
        .map(|(id, candidate)| (id.to_string(), candidate.to_owned()))
        .collect();
    state
        .store
        .audit_reads(
            principal.tenant(),
            &principal.audit(),
            action,
            "feedback",
            &reads,
        )
        .await?;
    Ok(())
}

/// Validates a document against the tenant's catalogs (keys on `previous` stay valid).
async fn checked(
    state: &AppState,
    principal: &Principal,
    mut document: FeedbackDocument,
    notes: Option<&str>,
    previous: Option<&FeedbackDocument>,
) -> ApiResult<(FeedbackDocument, Option<String>)> {
    let (reasons, competencies) = state.store.active_keys(principal.tenant()).await?;
    let allowed = AllowedKeys {
        reasons: &reasons,
        competencies: &competencies,
    };
    let mut errors: Vec<_> = document
        .normalise(&allowed, previous)
        .into_iter()
        .map(|mut e| {
            e.field = format!("document.{}", e.field);
            e
        })
        .collect();
    let notes = notes.map(|notes| internal_notes(notes, &mut errors));
    if errors.is_empty() {
        Ok((document, notes))
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn outcome(
    result: Transition<Feedback>,
    principal: &Principal,
    action: FeedbackAction,
) -> ApiResult<HttpResponse> {
    match result {
        Transition::Done(feedback) => {
            tracing::info!(feedback = %feedback.id, action = action.as_str(), status = %feedback.status, "feedback workflow step");
            respond(&feedback, principal)
        }
        Transition::NotFound => Err(ApiError::NotFound),
        Transition::Stale => Err(ApiError::PreconditionFailed),
        Transition::Illegal(current) => Err(ApiError::Conflict(format!(
            "Feedback that is {} cannot be {}.",
            current.status,
            match action {
                FeedbackAction::Create => "created",
                FeedbackAction::Edit => "edited",
                FeedbackAction::Submit => "submitted",
                FeedbackAction::Return => "returned",
                FeedbackAction::Approve => "approved",
                FeedbackAction::Release => "released",
                FeedbackAction::Amend => "amended",
            }
        ))),
    }
}

const PROBLEM: &str = "application/problem+json";

/// Start the feedback for an application (its requisition's hiring managers, HR). One per
/// application; the draft may be incomplete. Accepts `Idempotency-Key`.
#[utoipa::path(
    tag = "feedback",
    params(ApplicationFeedbackPath, ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe", pattern = "^[!-~]{1,255}$")),
    request_body = FeedbackDraft,
    responses(
        (status = 201, description = "Draft created", body = FeedbackView, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only hiring managers and HR write feedback", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such application (or not yours)", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The application already has feedback", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid fields or unknown catalog keys", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/applications/{id}/feedback")]
async fn create_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ApplicationFeedbackPath>,
    key: IdempotencyKey,
    body: Body<FeedbackDraft>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::CreateFeedback)?;
    let application = state
        .store
        .get_application(principal.tenant(), path.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    super::requisitions::ensure_visible(&state, &principal, application.requisition_id).await?;
    let body = body.into_inner();
    let hash = request_hash(&format!("create feedback {}", application.id), &body);
    let (document, notes) = checked(
        &state,
        &principal,
        body.document,
        Some(&body.internal_notes),
        None,
    )
    .await?;
    let notes = notes.unwrap_or_default();
    let reader = principal.clone();
    let render = Arc::new(move |f: &Feedback| {
        document_response(StatusCode::CREATED, f, &reader).unwrap_or_else(|_| ResponseToStore {
            status: StatusCode::CREATED.as_u16(),
            location: Some(format!("/v1/feedback/{}", f.id)),
            etag: Some(IfMatch::etag(f.version)),
            body: "{}".into(),
        })
    });
    let audit = principal.audit();
    create_once(&state, &principal, key, hash, render, |claim| {
        state.store.create_feedback(
            principal.tenant(),
            &audit,
            &application,
            &document,
            &notes,
            claim,
        )
    })
    .await
}

/// List feedback: HR's review queue (filter `status=submitted`, oldest first) or a hiring
/// manager's drafts and returned feedback on their requisitions.
#[utoipa::path(
    tag = "feedback",
    params(FeedbackFilterParams, PageParams),
    responses(
        (status = 200, description = "A page of feedback, oldest first", body = FeedbackPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only hiring managers and HR", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid `limit` or `cursor`", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/feedback")]
async fn list_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    filter: web::Query<FeedbackFilterParams>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<FeedbackPage>> {
    policy::authorize(&principal, Operation::ListFeedback)?;
    let limit = page.limit()?;
    let query = FeedbackFilter {
        status: filter.status,
        requisition_id: filter.requisition_id,
        hiring_manager: policy::requisition_scope(&principal).map(str::to_owned),
        updated_before: filter.updated_before,
        after: page.position::<Uuid>()?,
    };
    let rows = state
        .store
        .list_feedback(principal.tenant(), &query, limit + 1)
        .await?;
    let (rows, next_cursor) = Cursor::page(rows, limit, |f| f.id);
    audit_reads(
        &state,
        &principal,
        "feedback.read",
        rows.iter().map(|f| (f.id, f.candidate_id.as_str())),
    )
    .await?;
    let items = rows
        .iter()
        .map(|f| FeedbackView::new(f, &principal))
        .collect::<ApiResult<_>>()?;
    Ok(web::Json(FeedbackPage { items, next_cursor }))
}

/// Read feedback (its requisition's hiring managers, HR).
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath),
    responses(
        (status = 200, description = "The feedback", body = FeedbackView, headers(("ETag" = String))),
        (status = 403, description = "Only hiring managers and HR", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such feedback (or not yours)", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/feedback/{id}")]
async fn get_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::ReadFeedback)?;
    let feedback = visible(&state, &principal, path.id).await?;
    audit_reads(
        &state,
        &principal,
        "feedback.read",
        [(feedback.id, feedback.candidate_id.as_str())],
    )
    .await?;
    respond(&feedback, &principal)
}

/// Replace the content of a draft or returned feedback. Needs `If-Match`.
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath, ("If-Match" = String, Header, description = "The feedback's current ETag", pattern = r#"^"[0-9]{1,18}"$"#)),
    request_body = FeedbackDraft,
    responses(
        (status = 200, description = "Saved", body = FeedbackView, headers(("ETag" = String))),
        (status = 400, description = "Malformed body or If-Match", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only hiring managers and HR", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such feedback (or not yours)", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Submitted, approved or released feedback is locked", body = Problem, content_type = PROBLEM),
        (status = 412, description = "Changed since that ETag", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid fields or unknown catalog keys", body = Problem, content_type = PROBLEM),
        (status = 428, description = "`If-Match` is missing", body = Problem, content_type = PROBLEM),
    )
)]
#[put("/feedback/{id}")]
async fn edit_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
    if_match: IfMatch,
    body: Body<FeedbackDraft>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::EditFeedback)?;
    let current = visible(&state, &principal, path.id).await?;
    let body = body.into_inner();
    let (document, notes) = checked(
        &state,
        &principal,
        body.document,
        Some(&body.internal_notes),
        Some(&current.document.0),
    )
    .await?;
    let version = if_match.version()?;
    let step = Step {
        expected_version: Some(version),
        document: Some(&document),
        internal_notes: notes.as_deref(),
        ..Step::new(FeedbackAction::Edit, principal.sub())
    };
    let result = state
        .store
        .apply_feedback_step(principal.tenant(), &principal.audit(), current, &step)
        .await?;
    outcome(result, &principal, FeedbackAction::Edit)
}

/// Submit for HR review (its requisition's hiring managers, HR). Needs a reason, a summary and
/// a development action. With the tenant's `skip_hr_review`, submitting approves.
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath),
    responses(
        (status = 200, description = "Submitted (or approved)", body = FeedbackView, headers(("ETag" = String))),
        (status = 403, description = "Only hiring managers and HR", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such feedback (or not yours)", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Only draft or returned feedback can be submitted", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Incomplete: see `errors`", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/feedback/{id}/submit")]
async fn submit_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::SubmitFeedback)?;
    let policy = state.store.review_policy(principal.tenant()).await?;
    // The completeness check and the submit apply to the same version: an edit in between
    // makes the submit stale, and the check runs again on the new content.
    for _ in 0..3 {
        let current = visible(&state, &principal, path.id).await?;
        let status = FeedbackStatus::parse(&current.status).unwrap_or(FeedbackStatus::Draft);
        if status.is_editable() {
            let missing: Vec<_> = current
                .document
                .0
                .completeness()
                .into_iter()
                .map(|mut e| {
                    e.field = format!("document.{}", e.field);
                    e
                })
                .collect();
            if !missing.is_empty() {
                return Err(ApiError::Validation(missing));
            }
        }
        let step = Step {
            policy,
            expected_version: Some(current.version),
            ..Step::new(FeedbackAction::Submit, principal.sub())
        };
        match state
            .store
            .apply_feedback_step(principal.tenant(), &principal.audit(), current, &step)
            .await?
        {
            Transition::Stale => continue,
            result => return outcome(result, &principal, FeedbackAction::Submit),
        }
    }
    Err(ApiError::Conflict(
        "The feedback is being changed concurrently; retry.".into(),
    ))
}

/// Send submitted feedback back to its author with a comment (HR).
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath),
    request_body = ReturnBody,
    responses(
        (status = 200, description = "Returned", body = FeedbackView, headers(("ETag" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only HR reviews", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such feedback", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Only submitted feedback can be returned", body = Problem, content_type = PROBLEM),
        (status = 422, description = "A comment is needed", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/feedback/{id}/return")]
async fn return_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
    body: Body<ReturnBody>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::ReturnFeedback)?;
    let mut errors = Vec::new();
    let comment = bounded_text("comment", &body.comment, 1, 2000, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let current = visible(&state, &principal, path.id).await?;
    let step = Step {
        comment: Some(&comment),
        ..Step::new(FeedbackAction::Return, principal.sub())
    };
    let result = state
        .store
        .apply_feedback_step(principal.tenant(), &principal.audit(), current, &step)
        .await?;
    outcome(result, &principal, FeedbackAction::Return)
}

/// Approve submitted feedback (HR).
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath),
    responses(
        (status = 200, description = "Approved", body = FeedbackView, headers(("ETag" = String))),
        (status = 403, description = "Only HR reviews", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such feedback", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Only submitted feedback can be approved", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/feedback/{id}/approve")]
async fn approve_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::ApproveFeedback)?;
    let current = visible(&state, &principal, path.id).await?;
    let step = Step::new(FeedbackAction::Approve, principal.sub());
    let result = state
        .store
        .apply_feedback_step(principal.tenant(), &principal.audit(), current, &step)
        .await?;
    outcome(result, &principal, FeedbackAction::Approve)
}

/// Release approved feedback to the candidate (HR). The application must be `rejected`.
/// Releasing released feedback again changes nothing (a retry is safe).
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath),
    responses(
        (status = 200, description = "Released", body = FeedbackView, headers(("ETag" = String))),
        (status = 403, description = "Only HR releases", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such feedback", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not approved yet, or the application is not rejected", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/feedback/{id}/release")]
async fn release_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::ReleaseFeedback)?;
    let current = visible(&state, &principal, path.id).await?;
    if current.status == FeedbackStatus::Released.as_str() {
        return respond(&current, &principal);
    }
    let application = state
        .store
        .get_application(principal.tenant(), current.application_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if application.status != ApplicationStatus::Rejected.as_str() {
        return Err(ApiError::Conflict(format!(
            "Feedback is released on rejected applications only; this one is {}.",
            application.status
        )));
    }
    let step = Step::new(FeedbackAction::Release, principal.sub());
    match state
        .store
        .apply_feedback_step(principal.tenant(), &principal.audit(), current, &step)
        .await?
    {
        // A concurrent release won: answer as a retry would.
        Transition::Illegal(current) if current.status == FeedbackStatus::Released.as_str() => {
            respond(&current, &principal)
        }
        result => outcome(result, &principal, FeedbackAction::Release),
    }
}

/// Amend released feedback (HR): a new revision, which the candidate sees marked as amended;
/// earlier revisions stay in the history. Needs `If-Match`.
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath, ("If-Match" = String, Header, description = "The feedback's current ETag", pattern = r#"^"[0-9]{1,18}"$"#)),
    request_body = AmendBody,
    responses(
        (status = 200, description = "Amended", body = FeedbackView, headers(("ETag" = String))),
        (status = 400, description = "Malformed body or If-Match", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only HR amends", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such feedback", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Only released feedback can be amended", body = Problem, content_type = PROBLEM),
        (status = 412, description = "Changed since that ETag", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM),
        (status = 428, description = "`If-Match` is missing", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/feedback/{id}/amend")]
async fn amend_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
    if_match: IfMatch,
    body: Body<AmendBody>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::AmendFeedback)?;
    let current = visible(&state, &principal, path.id).await?;
    let body = body.into_inner();
    let mut errors = Vec::new();
    let note = bounded_text("note", &body.note, 1, 1000, &mut errors);
    let (document, notes) = match checked(
        &state,
        &principal,
        body.document,
        body.internal_notes.as_deref(),
        Some(&current.document.0),
    )
    .await
    {
        Ok(checked) if errors.is_empty() => checked,
        Ok(_) => return Err(ApiError::Validation(errors)),
        Err(ApiError::Validation(mut more)) => {
            more.extend(errors);
            return Err(ApiError::Validation(more));
        }
        Err(other) => return Err(other),
    };
    let missing = document.completeness();
    if !missing.is_empty() {
        return Err(ApiError::Validation(missing));
    }
    let version = if_match.version()?;
    let step = Step {
        expected_version: Some(version),
        document: Some(&document),
        internal_notes: notes.as_deref(),
        comment: Some(&note),
        ..Step::new(FeedbackAction::Amend, principal.sub())
    };
    let result = state
        .store
        .apply_feedback_step(principal.tenant(), &principal.audit(), current, &step)
        .await?;
    outcome(result, &principal, FeedbackAction::Amend)
}

/// The workflow log (who did what, when) and every released revision (HR).
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath),
    responses(
        (status = 200, description = "The history", body = FeedbackHistory),
        (status = 403, description = "Only HR", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such feedback", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/feedback/{id}/history")]
async fn feedback_history(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
) -> ApiResult<web::Json<FeedbackHistory>> {
    policy::authorize(&principal, Operation::ReadFeedbackHistory)?;
    let feedback = visible(&state, &principal, path.id).await?;
    audit_reads(
        &state,
        &principal,
        "feedback.history.read",
        [(feedback.id, feedback.candidate_id.as_str())],
    )
    .await?;
    let events = state
        .store
        .feedback_events(principal.tenant(), path.id)
        .await?;
    let revisions = state
        .store
        .feedback_revisions(principal.tenant(), path.id)
        .await?;
    Ok(web::Json(FeedbackHistory::new(events, revisions)?))
}

impl FeedbackHistory {
    pub(super) fn new(
        events: Vec<FeedbackEvent>,
        revisions: Vec<FeedbackRevision>,
    ) -> ApiResult<Self> {
        let parse = |raw: &str| {
            FeedbackStatus::parse(raw)
                .ok_or_else(|| ApiError::Internal(format!("unknown status {raw:?}")))
        };
        let action = |raw: &str| {
            [
                FeedbackAction::Create,
                FeedbackAction::Edit,
                FeedbackAction::Submit,
                FeedbackAction::Return,
                FeedbackAction::Approve,
                FeedbackAction::Release,
                FeedbackAction::Amend,
            ]
            .into_iter()
            .find(|a| a.as_str() == raw)
            .ok_or_else(|| ApiError::Internal(format!("unknown action {raw:?}")))
        };
        let events = events
            .into_iter()
            .map(|e| {
                Ok(FeedbackEventView {
                    action: action(&e.action)?,
                    from_status: e.from_status.as_deref().map(parse).transpose()?,
                    to_status: parse(&e.to_status)?,
                    actor: e.actor,
                    comment: e.comment,
                    at: e.at,
                })
            })
            .collect::<ApiResult<_>>()?;
        let revisions = revisions
            .into_iter()
            .map(|r| FeedbackRevisionView {
                revision: r.revision,
                document: r.document.0,
                internal_notes: r.internal_notes,
                note: r.note,
                created_by: r.created_by,
                created_at: r.created_at,
            })
            .collect();
        Ok(Self { events, revisions })
    }
}

/// The tenant's review policy (HR).
#[utoipa::path(
    tag = "feedback",
    responses(
        (status = 200, description = "The policy", body = ReviewPolicyView),
        (status = 403, description = "Only HR", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/review-policy")]
async fn get_review_policy(
    state: web::Data<AppState>,
    principal: Principal,
) -> ApiResult<web::Json<ReviewPolicyView>> {
    policy::authorize(&principal, Operation::ReadReviewPolicy)?;
    let policy = state.store.review_policy(principal.tenant()).await?;
    Ok(web::Json(ReviewPolicyView {
        skip_hr_review: policy.skip_hr_review,
    }))
}

/// Set the tenant's review policy (HR).
#[utoipa::path(
    tag = "feedback",
    request_body = ReviewPolicyView,
    responses(
        (status = 200, description = "The policy", body = ReviewPolicyView),
        (status = 400, description = "Malformed body", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only HR", body = Problem, content_type = PROBLEM),
    )
)]
#[put("/review-policy")]
async fn set_review_policy(
    state: web::Data<AppState>,
    principal: Principal,
    body: Body<ReviewPolicyView>,
) -> ApiResult<web::Json<ReviewPolicyView>> {
    policy::authorize(&principal, Operation::UpdateReviewPolicy)?;
    let policy = ReviewPolicy {
        skip_hr_review: body.skip_hr_review,
    };
    state
        .store
        .set_review_policy(principal.tenant(), &principal.audit(), policy)
        .await?;
    tracing::info!(
        skip_hr_review = policy.skip_hr_review,
        "review policy changed"
    );
    Ok(web::Json(ReviewPolicyView {
        skip_hr_review: policy.skip_hr_review,
    }))
}
