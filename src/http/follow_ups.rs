//! `/v1/follow-ups`: the addressees' side of follow-up requests; and
//! `/v1/feedback/{id}/candidate-activity`, what the candidate did with released feedback.

use actix_web::{get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::candidate::{note, FollowUpAnswer, FollowUpStatus};
use crate::domain::{FeedbackId, FollowUpId, Principal};

use super::error::{ApiResult, Problem, PROBLEM_JSON};
use super::extract::Body;
use super::me::follow_up_page;
use super::pagination::PageParams;
use super::views::{AcknowledgementView, FollowUpPage, FollowUpView, ProgressView};
use super::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_follow_ups)
        .service(answer_follow_up)
        .service(candidate_activity);
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

/// What the candidate did with released feedback, for its managers and HR.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateActivity {
    pub acknowledgement: Option<AcknowledgementView>,
    pub progress: Vec<ProgressView>,
    pub follow_ups: Vec<FollowUpView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FollowUpPath {
    /// The follow-up request's id.
    #[param(value_type = uuid::Uuid)]
    pub id: FollowUpId,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ActivityPath {
    /// The feedback's id.
    #[param(value_type = uuid::Uuid)]
    pub id: FeedbackId,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowUpFilterParams {
    pub status: Option<FollowUpStatus>,
}

/// Follow-up requests addressed to you: HR sees all of the tenant; a hiring manager those
/// addressed to the manager on their requisitions.
#[utoipa::path(
    tag = "follow-ups",
    params(FollowUpFilterParams, PageParams),
    responses((status = 200, description = "A page of requests, oldest first", body = FollowUpPage))
)]
#[get("/follow-ups")]
async fn list_follow_ups(
    state: web::Data<AppState>,
    principal: Principal,
    filter: web::Query<FollowUpFilterParams>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<FollowUpPage>> {
    let pager = state.cursors().await?.list("follow-ups");
    let page = state
        .app
        .follow_ups()
        .list(&principal, filter.status, page.request(&pager))
        .await?;
    Ok(web::Json(follow_up_page(&pager, page)))
}

/// Answer an open follow-up request: `scheduled`, `declined` or `closed`, with a note.
#[utoipa::path(
    tag = "follow-ups",
    params(FollowUpPath),
    request_body = FollowUpAnswerBody,
    responses(
        (status = 200, description = "Answered", body = FollowUpView),
        (status = 409, description = "Already answered", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "Invalid note", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/follow-ups/{id}/answer")]
async fn answer_follow_up(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<FollowUpPath>,
    body: Body<FollowUpAnswerBody>,
) -> ApiResult<web::Json<FollowUpView>> {
    let answered = state
        .app
        .follow_ups()
        .answer(
            &principal,
            path.id,
            body.outcome,
            note(&body.note).map_err(Into::into),
        )
        .await?;
    Ok(web::Json(answered.into()))
}

/// What the candidate did with released feedback: acknowledgement, progress and follow-up
/// requests (its requisition's hiring managers, HR).
#[utoipa::path(
    tag = "feedback",
    params(ActivityPath),
    responses((status = 200, description = "The candidate's activity", body = CandidateActivity))
)]
#[get("/feedback/{id}/candidate-activity")]
async fn candidate_activity(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ActivityPath>,
) -> ApiResult<web::Json<CandidateActivity>> {
    let activity = state.app.follow_ups().activity(&principal, path.id).await?;
    Ok(web::Json(CandidateActivity {
        acknowledgement: activity.acknowledgement.map(Into::into),
        progress: activity.progress.into_iter().map(Into::into).collect(),
        follow_ups: activity.follow_ups.into_iter().map(Into::into).collect(),
    }))
}
