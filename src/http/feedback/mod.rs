//! `/v1/feedback`: the structured feedback a hiring manager writes and HR reviews, returns,
//! approves, releases and amends; and `/v1/review-policy`, the tenant's review setting.

mod checks;
mod views;
mod workflow;

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::{Draft, FeedbackQuery};
use crate::domain::feedback::ReviewPolicy;
use crate::domain::Principal;
use crate::storage::Feedback;

use super::error::{ApiResult, Problem, PROBLEM_JSON};
use super::extract::{Body, IdempotencyKey, IfMatch};
use super::pagination::PageParams;
use super::respond::{created, document, once, stored};
use super::AppState;

use views::{
    ApplicationFeedbackPath, FeedbackDraft, FeedbackFilterParams, FeedbackPage, FeedbackPath,
    ReviewPolicyView,
};
pub use views::{FeedbackHistory, FeedbackView};

pub fn configure(cfg: &mut ServiceConfig) {
    // `/feedback/checks` before `/feedback/{id}`: actix matches the first resource whose
    // pattern fits, so a `PUT /v1/feedback/checks` is 405 here, not an edit of feedback "checks".
    cfg.service(checks::check_draft)
        .service(create_feedback)
        .service(list_feedback)
        .service(get_feedback)
        .service(workflow::edit_feedback)
        .service(workflow::submit_feedback)
        .service(workflow::return_feedback)
        .service(workflow::approve_feedback)
        .service(workflow::release_feedback)
        .service(workflow::amend_feedback)
        .service(feedback_history)
        .service(checks::feedback_checks)
        .service(checks::get_quality_phrases)
        .service(checks::set_quality_phrases)
        .service(checks::builtin_phrases)
        .service(get_review_policy)
        .service(set_review_policy);
}

/// Start the feedback for an application (its requisition's hiring managers, HR). One per
/// application; the draft may be incomplete. Accepts `Idempotency-Key`.
#[utoipa::path(
    tag = "feedback",
    params(ApplicationFeedbackPath, ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe", pattern = "^[!-~]{1,255}$")),
    request_body = FeedbackDraft,
    responses(
        (status = 201, description = "Draft created", body = FeedbackView, headers(("ETag" = String), ("Location" = String))),
        (status = 409, description = "The application already has feedback", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "Invalid fields or unknown catalog keys", body = Problem, content_type = PROBLEM_JSON),
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
    let body = body.into_inner();
    let reader = principal.clone();
    let respond = move |f: &Feedback| FeedbackView::render(StatusCode::CREATED, f, &reader);
    let operation = format!("create feedback {}", path.id);
    let once = once(key, &operation, &body, &respond);
    let draft = Draft {
        document: body.document.clone(),
        internal_notes: body.internal_notes.clone(),
    };
    let outcome = state
        .app
        .feedback()
        .create(&principal, path.id, draft, once)
        .await?;
    Ok(created(outcome, respond))
}

/// List feedback: HR's review queue (filter `status=submitted`, oldest first) or a hiring
/// manager's drafts and returned feedback on their requisitions.
#[utoipa::path(
    tag = "feedback",
    params(FeedbackFilterParams, PageParams),
    responses((status = 200, description = "A page of feedback, oldest first", body = FeedbackPage))
)]
#[get("/feedback")]
async fn list_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    filter: web::Query<FeedbackFilterParams>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<FeedbackPage>> {
    let query = FeedbackQuery {
        status: filter.status,
        requisition_id: filter.requisition_id,
        updated_before: filter.updated_before,
    };
    let pager = state.cursors().await?.list("feedback");
    let page = state
        .app
        .feedback()
        .list(&principal, query, page.request(&pager))
        .await?;
    Ok(web::Json(FeedbackPage {
        next_cursor: pager.next(&page, |f| f.id),
        items: page
            .items
            .iter()
            .map(|f| FeedbackView::new(f, &principal))
            .collect(),
    }))
}

/// Read feedback (its requisition's hiring managers, HR), with what the quality checks find
/// on it.
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath),
    responses((status = 200, description = "The feedback", body = FeedbackView, headers(("ETag" = String))))
)]
#[get("/feedback/{id}")]
async fn get_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
) -> ApiResult<HttpResponse> {
    let (feedback, findings) = state.app.feedback().get(&principal, path.id).await?;
    let view = FeedbackView {
        findings: Some(findings),
        ..FeedbackView::new(&feedback, &principal)
    };
    let location = format!("/v1/feedback/{}", feedback.id);
    Ok(stored(
        &document(StatusCode::OK, &view, feedback.version, Some(location)),
        false,
    ))
}

/// The workflow log (who did what, when) and every released revision (HR).
#[utoipa::path(
    tag = "feedback",
    params(FeedbackPath),
    responses((status = 200, description = "The history", body = FeedbackHistory))
)]
#[get("/feedback/{id}/history")]
async fn feedback_history(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FeedbackPath>,
) -> ApiResult<web::Json<FeedbackHistory>> {
    let history = state.app.feedback().history(&principal, path.id).await?;
    Ok(web::Json(history.into()))
}

fn render_review_policy(policy: ReviewPolicy, version: i64) -> HttpResponse {
    let body = ReviewPolicyView {
        skip_hr_review: policy.skip_hr_review,
        quality_checks: policy.quality_checks,
    };
    stored(&document(StatusCode::OK, &body, version, None), false)
}

/// The tenant's review policy (HR).
#[utoipa::path(
    tag = "feedback",
    responses((status = 200, description = "The policy", body = ReviewPolicyView, headers(("ETag" = String))))
)]
#[get("/review-policy")]
async fn get_review_policy(
    state: web::Data<AppState>,
    principal: Principal,
) -> ApiResult<HttpResponse> {
    let (policy, version) = state.app.feedback().review_policy(&principal).await?;
    Ok(render_review_policy(policy, version))
}

/// Replace the tenant's review policy (HR). Needs `If-Match`.
#[utoipa::path(
    tag = "feedback",
    params(("If-Match" = String, Header, description = "The policy's current ETag", pattern = r#"^"[0-9]{1,18}"$"#)),
    request_body = ReviewPolicyView,
    responses((status = 200, description = "The policy", body = ReviewPolicyView, headers(("ETag" = String))))
)]
#[put("/review-policy")]
async fn set_review_policy(
    state: web::Data<AppState>,
    principal: Principal,
    if_match: IfMatch,
    body: Body<ReviewPolicyView>,
) -> ApiResult<HttpResponse> {
    let policy = ReviewPolicy {
        skip_hr_review: body.skip_hr_review,
        quality_checks: body.quality_checks,
    };
    let (policy, version) = state
        .app
        .feedback()
        .set_review_policy(&principal, policy, if_match.0)
        .await?;
    Ok(render_review_policy(policy, version))
}
