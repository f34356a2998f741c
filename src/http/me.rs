//! `/v1/me/…`: the caller's released feedback, acknowledgement, development plan and
//! follow-up requests.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::{Localized, Plan, PlanItem as PlannedAction};
use crate::domain::candidate::{
    note, Acknowledging, Addressee, FollowUpRequest, ProgressStatus, Urgency,
};
use crate::domain::feedback::DevelopmentAction;
use crate::domain::labels::{Labeller, Labels};
use crate::domain::{non_null, ActionId, FeedbackId, Principal};
use crate::storage::{FollowUp, ResponseToStore};

use super::error::{ApiResult, Problem, PROBLEM_JSON};
use super::extract::{whole_number, AcceptLanguage, Body, IdempotencyKey};
use super::pagination::{PageParams, Pager};
use super::resources::PlanResourceView;
use super::respond::{created, localized, once};
use super::views::{
    AcknowledgementView, CandidateFeedbackPage, CandidateFeedbackView, FollowUpPage, FollowUpView,
    ProgressView,
};
use super::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_own_feedback)
        .service(get_own_feedback)
        .service(acknowledge)
        .service(set_progress)
        .service(own_plan)
        .service(request_follow_up)
        .service(list_own_follow_ups);
}

/// Acknowledging released feedback, optionally with a rating and a comment.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeBody {
    /// How useful the feedback was, 1 (not at all) to 5 (very).
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(nullable = false, minimum = 1, maximum = 5)]
    pub usefulness_rating: Option<i32>,
    #[serde(default, deserialize_with = "non_null")]
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
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanItem {
    pub action: DevelopmentAction,
    pub status: ProgressStatus,
    pub note: String,
    pub updated_at: Option<DateTime<Utc>>,
    /// `overdue` (target date passed, not done) or `due_soon` (within 30 days).
    pub urgency: Urgency,
    /// The library resources of the action (its `resources`), retired ones too.
    pub resources: Vec<PlanResourceView>,
}

impl PlanItem {
    fn of(item: PlannedAction, labeller: &Labeller) -> Self {
        Self {
            action: item.action,
            status: item.status,
            note: item.note,
            updated_at: item.updated_at,
            urgency: item.urgency,
            resources: item
                .resources
                .iter()
                .map(|r| PlanResourceView::of(r, labeller))
                .collect(),
        }
    }
}

/// The development plan: actions grouped by horizon, with what is due or overdue.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    #[schema(value_type = uuid::Uuid)]
    pub feedback_id: FeedbackId,
    pub short_term: Vec<PlanItem>,
    pub long_term: Vec<PlanItem>,
    pub done: usize,
    pub total: usize,
    pub overdue: usize,
    pub due_soon: usize,
    /// The names of the action kinds, horizons, competencies and resource kinds the plan uses,
    /// in the language negotiated from `Accept-Language`.
    pub labels: Labels,
}

impl PlanView {
    fn of(localized: Localized<Plan>) -> Self {
        let Localized {
            value: plan,
            labeller,
        } = localized;
        let items = plan.short_term.iter().chain(&plan.long_term);
        let labels = labeller.plan_labels(
            items.clone().map(|i| &i.action),
            items.flat_map(|i| i.resources.iter().map(|r| r.kind)),
        );
        Self {
            feedback_id: plan.feedback_id,
            short_term: plan
                .short_term
                .into_iter()
                .map(|i| PlanItem::of(i, &labeller))
                .collect(),
            long_term: plan
                .long_term
                .into_iter()
                .map(|i| PlanItem::of(i, &labeller))
                .collect(),
            done: plan.done,
            total: plan.total,
            overdue: plan.overdue,
            due_soon: plan.due_soon,
            labels,
        }
    }
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OwnFeedbackPath {
    /// The feedback's id.
    #[param(value_type = uuid::Uuid)]
    pub id: FeedbackId,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ActionPath {
    /// The feedback's id.
    #[param(value_type = uuid::Uuid)]
    pub id: FeedbackId,
    /// The development action's id.
    #[param(value_type = uuid::Uuid)]
    pub action_id: ActionId,
}

/// Your released feedback, newest first.
#[utoipa::path(
    tag = "me",
    params(PageParams, AcceptLanguage),
    responses((status = 200, description = "A page of your released feedback", body = CandidateFeedbackPage,
               headers(("Content-Language" = String, description = "The language of the labels"))))
)]
#[get("/feedback")]
async fn list_own_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    page: web::Query<PageParams>,
    language: AcceptLanguage,
) -> ApiResult<HttpResponse> {
    let pager = state.cursors().await?.list("my-feedback");
    let page = state
        .app
        .candidate()
        .list_own(&principal, page.request(&pager), language.get())
        .await?;
    Ok(feedback_page(&pager, page))
}

/// A page of released feedback with its cursor, in its negotiated language.
pub fn feedback_page(
    pager: &Pager<'_>,
    page: Localized<crate::app::Page<crate::storage::WithActivity>>,
) -> HttpResponse {
    let Localized {
        value: page,
        labeller,
    } = page;
    let body = CandidateFeedbackPage {
        next_cursor: pager.next(&page, |r| r.feedback.id),
        items: page
            .items
            .into_iter()
            .map(|r| CandidateFeedbackView::of(r, &labeller))
            .collect(),
    };
    localized(labeller.language(), &body)
}

/// One released feedback, in its negotiated language.
pub fn one_feedback(record: Localized<crate::storage::WithActivity>) -> HttpResponse {
    let body = CandidateFeedbackView::of(record.value, &record.labeller);
    localized(record.labeller.language(), &body)
}

/// One of your released feedback documents: the latest revision, marked when amended.
#[utoipa::path(
    tag = "me",
    params(OwnFeedbackPath, AcceptLanguage),
    responses((status = 200, description = "The feedback", body = CandidateFeedbackView,
               headers(("Content-Language" = String, description = "The language of the labels"))))
)]
#[get("/feedback/{id}")]
async fn get_own_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<OwnFeedbackPath>,
    language: AcceptLanguage,
) -> ApiResult<HttpResponse> {
    let record = state
        .app
        .candidate()
        .get_own(&principal, path.id, language.get())
        .await?;
    Ok(one_feedback(record))
}

/// Acknowledge your feedback, once (a second call returns the first acknowledgement).
#[utoipa::path(
    tag = "me",
    params(OwnFeedbackPath),
    request_body = AcknowledgeBody,
    responses(
        (status = 200, description = "Acknowledged", body = AcknowledgementView),
        (status = 422, description = "Invalid rating or comment", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/feedback/{id}/acknowledge")]
async fn acknowledge(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<OwnFeedbackPath>,
    body: Body<AcknowledgeBody>,
) -> ApiResult<web::Json<AcknowledgementView>> {
    let ack = Acknowledging::parse(body.usefulness_rating, body.comment.as_deref());
    let ack = state
        .app
        .candidate()
        .acknowledge(&principal, path.id, ack.map_err(Into::into))
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
        (status = 422, description = "Invalid note", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[put("/feedback/{id}/actions/{action_id}")]
async fn set_progress(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ActionPath>,
    body: Body<ProgressBody>,
) -> ApiResult<web::Json<ProgressView>> {
    let progress = state
        .app
        .candidate()
        .set_progress(
            &principal,
            path.id,
            path.action_id,
            body.status,
            note(&body.note).map_err(Into::into),
        )
        .await?;
    Ok(web::Json(progress.into()))
}

/// Your development plan: actions by horizon, with progress and what is due or overdue.
#[utoipa::path(
    tag = "me",
    params(OwnFeedbackPath, AcceptLanguage),
    responses((status = 200, description = "The plan", body = PlanView,
               headers(("Content-Language" = String, description = "The language of the labels"))))
)]
#[get("/feedback/{id}/plan")]
async fn own_plan(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<OwnFeedbackPath>,
    language: AcceptLanguage,
) -> ApiResult<HttpResponse> {
    let plan = state
        .app
        .candidate()
        .plan(&principal, path.id, language.get())
        .await?;
    let language = plan.labeller.language().clone();
    Ok(localized(&language, &PlanView::of(plan)))
}

fn render_follow_up(created: &FollowUp) -> ResponseToStore {
    ResponseToStore {
        status: StatusCode::CREATED.as_u16(),
        location: Some(format!("/v1/me/follow-ups#{}", created.id)),
        etag: None,
        body: serde_json::to_string(&FollowUpView::from(created.clone())).unwrap_or_default(),
    }
}

/// Ask for a follow-up conversation with the hiring manager or HR.
#[utoipa::path(
    tag = "me",
    params(OwnFeedbackPath, ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe", pattern = "^[!-~]{1,255}$")),
    request_body = FollowUpBody,
    responses(
        (status = 201, description = "Requested", body = FollowUpView),
        (status = 422, description = "Invalid message or times", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/feedback/{id}/follow-ups")]
async fn request_follow_up(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<OwnFeedbackPath>,
    key: IdempotencyKey,
    body: Body<FollowUpBody>,
) -> ApiResult<HttpResponse> {
    let request = FollowUpRequest::parse(body.addressee, &body.message, &body.preferred_times);
    let operation = format!("request follow-up {}", path.id);
    let once = once(key, &operation, &*body, &render_follow_up);
    let outcome = state
        .app
        .candidate()
        .request_follow_up(&principal, path.id, request.map_err(Into::into), once)
        .await?;
    Ok(created(outcome, render_follow_up))
}

/// Your follow-up requests and their answers.
#[utoipa::path(
    tag = "me",
    params(PageParams),
    responses((status = 200, description = "A page of your requests, oldest first", body = FollowUpPage))
)]
#[get("/follow-ups")]
async fn list_own_follow_ups(
    state: web::Data<AppState>,
    principal: Principal,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<FollowUpPage>> {
    let pager = state.cursors().await?.list("my-follow-ups");
    let page = state
        .app
        .candidate()
        .list_own_follow_ups(&principal, page.request(&pager))
        .await?;
    Ok(web::Json(follow_up_page(&pager, page)))
}

/// A page of follow-up requests with its cursor.
pub fn follow_up_page(pager: &Pager<'_>, page: crate::app::Page<FollowUp>) -> FollowUpPage {
    FollowUpPage {
        next_cursor: pager.next(&page, |f| f.id),
        items: page.items.into_iter().map(Into::into).collect(),
    }
}
