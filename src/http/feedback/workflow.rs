//! The review workflow's endpoints: edit, submit, return, approve, release, amend.

use actix_web::http::StatusCode;
use actix_web::{post, put, web, HttpResponse};

use crate::app::{Amendment, Draft};
use crate::domain::{bounded_text, collected, Principal};
use crate::storage::Feedback;

use super::views::{AmendBody, FeedbackDraft, FeedbackPath, FeedbackView, ReturnBody};
use crate::http::error::{ApiResult, Problem, PROBLEM_JSON};
use crate::http::extract::{Body, IfMatch};
use crate::http::respond::stored;
use crate::http::AppState;

/// The feedback with its `ETag`, as `reader` may see it.
pub(super) fn respond(feedback: &Feedback, reader: &Principal) -> HttpResponse {
    stored(
        &FeedbackView::render(StatusCode::OK, feedback, reader),
        false,
    )
}

/// Replace the content of a draft or returned feedback. Needs `If-Match`.
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath, ("If-Match" = String, Header, description = "The feedback's current ETag", pattern = r#"^"[0-9]{1,18}"$"#)),
    request_body = FeedbackDraft,
    responses(
        (status = 200, description = "Saved", body = FeedbackView, headers(("ETag" = String))),
        (status = 409, description = "Submitted, approved or released feedback is locked", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "Invalid fields or unknown catalog keys", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[put("/feedback/{id}")]
pub(super) async fn edit_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
    if_match: IfMatch,
    body: Body<FeedbackDraft>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let draft = Draft {
        document: body.document,
        internal_notes: body.internal_notes,
    };
    let feedback = state
        .app
        .feedback()
        .edit(&principal, path.id, draft, if_match.0)
        .await?;
    Ok(respond(&feedback, &principal))
}

/// Submit for HR review (its requisition's hiring managers, HR). Needs a reason, a summary and
/// a development action. With the tenant's `skip_hr_review`, submitting approves.
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath),
    responses(
        (status = 200, description = "Submitted (or approved)", body = FeedbackView, headers(("ETag" = String))),
        (status = 409, description = "Only draft or returned feedback can be submitted", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "Incomplete: see `errors`", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/feedback/{id}/submit")]
pub(super) async fn submit_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
) -> ApiResult<HttpResponse> {
    let feedback = state.app.feedback().submit(&principal, path.id).await?;
    Ok(respond(&feedback, &principal))
}

/// Send submitted feedback back to its author with a comment (HR).
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath),
    request_body = ReturnBody,
    responses(
        (status = 200, description = "Returned", body = FeedbackView, headers(("ETag" = String))),
        (status = 409, description = "Only submitted feedback can be returned", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "A comment is needed", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/feedback/{id}/return")]
pub(super) async fn return_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
    body: Body<ReturnBody>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let comment = bounded_text("comment", &body.comment, 1, 2000, &mut errors);
    let feedback = state
        .app
        .feedback()
        .return_to_author(
            &principal,
            path.id,
            collected(comment, errors).map_err(Into::into),
        )
        .await?;
    Ok(respond(&feedback, &principal))
}

/// Approve submitted feedback (HR).
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath),
    responses(
        (status = 200, description = "Approved", body = FeedbackView, headers(("ETag" = String))),
        (status = 409, description = "Only submitted feedback can be approved", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/feedback/{id}/approve")]
pub(super) async fn approve_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
) -> ApiResult<HttpResponse> {
    let feedback = state.app.feedback().approve(&principal, path.id).await?;
    Ok(respond(&feedback, &principal))
}

/// Release approved feedback to the candidate (HR). The application must be `rejected`.
/// Releasing released feedback again changes nothing (a retry is safe).
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath),
    responses(
        (status = 200, description = "Released", body = FeedbackView, headers(("ETag" = String))),
        (status = 409, description = "Not approved yet, or the application is not rejected", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/feedback/{id}/release")]
pub(super) async fn release_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
) -> ApiResult<HttpResponse> {
    let feedback = state.app.feedback().release(&principal, path.id).await?;
    Ok(respond(&feedback, &principal))
}

/// Amend released feedback (HR): a new revision, which the candidate sees marked as amended;
/// earlier revisions stay in the history. Needs `If-Match`.
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath, ("If-Match" = String, Header, description = "The feedback's current ETag", pattern = r#"^"[0-9]{1,18}"$"#)),
    request_body = AmendBody,
    responses(
        (status = 200, description = "Amended", body = FeedbackView, headers(("ETag" = String))),
        (status = 409, description = "Only released feedback can be amended", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/feedback/{id}/amend")]
pub(super) async fn amend_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
    if_match: IfMatch,
    body: Body<AmendBody>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let amendment = Amendment {
        document: body.document,
        internal_notes: body.internal_notes,
        note: body.note,
    };
    let feedback = state
        .app
        .feedback()
        .amend(&principal, path.id, amendment, if_match.0)
        .await?;
    Ok(respond(&feedback, &principal))
}
