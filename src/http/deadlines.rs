//! Feedback deadlines: `/v1/deadline-policy` (HR), `/v1/feedback-due` (the hiring manager's
//! "feedback I owe", HR's overdue queue) and the candidate's
//! `POST /v1/me/applications/{id}/feedback-request`.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::deadlines::{DeadlinePolicy, FeedbackProgress};
use crate::domain::feedback::FeedbackStatus;
use crate::domain::{ApplicationId, EmployeeId, Principal, RequisitionId};

use super::error::{ApiResult, Problem, PROBLEM_JSON};
use super::extract::{whole_u32, whole_u32_list, Body, IfMatch};
use super::pagination::PageParams;
use super::respond::{document, stored};
use super::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_deadline_policy)
        .service(set_deadline_policy)
        .service(list_feedback_due)
        .service(request_feedback);
}

/// When a rejection's feedback is due, and who is reminded when.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlinePolicyBody {
    /// Feedback is due by the end of this many business days after the day of the rejection
    /// (1–60; default 10).
    #[schema(minimum = 1, maximum = 60, example = 10)]
    #[serde(deserialize_with = "whole_u32")]
    pub due_business_days: u32,
    /// Remind the hiring managers this many business days before the due day (0: on the due
    /// day); at most 5, each fewer than `due_business_days` (default `[3, 0]`).
    #[schema(max_items = 5, example = json!([3, 0]))]
    #[serde(deserialize_with = "whole_u32_list")]
    pub reminder_days_before: Vec<u32>,
    /// Tell HR once the feedback is this many business days overdue (1–60; default 5).
    #[schema(minimum = 1, maximum = 60, example = 5)]
    #[serde(deserialize_with = "whole_u32")]
    pub escalate_after_business_days: u32,
    /// The IANA time zone whose days count (default `UTC`).
    #[schema(example = "Europe/Berlin", min_length = 1, max_length = 64)]
    pub time_zone: String,
    /// Days off besides Saturdays and Sundays (at most 400).
    #[schema(max_items = 400)]
    pub holidays: Vec<NaiveDate>,
}

impl From<&DeadlinePolicy> for DeadlinePolicyBody {
    fn from(policy: &DeadlinePolicy) -> Self {
        Self {
            due_business_days: policy.due_business_days,
            reminder_days_before: policy.reminder_days_before.clone(),
            escalate_after_business_days: policy.escalate_after_business_days,
            time_zone: policy.time_zone.name().to_owned(),
            holidays: policy.holidays.iter().copied().collect(),
        }
    }
}

fn render_policy(policy: &DeadlinePolicy, version: i64) -> HttpResponse {
    stored(
        &document(
            StatusCode::OK,
            &DeadlinePolicyBody::from(policy),
            version,
            None,
        ),
        false,
    )
}

/// The tenant's feedback deadline policy (HR).
#[utoipa::path(
    tag = "deadlines",
    responses((status = 200, description = "The policy", body = DeadlinePolicyBody, headers(("ETag" = String))))
)]
#[get("/deadline-policy")]
async fn get_deadline_policy(
    state: web::Data<AppState>,
    principal: Principal,
) -> ApiResult<HttpResponse> {
    let (policy, version) = state.app.deadlines().policy(&principal).await?;
    Ok(render_policy(&policy, version))
}

/// Replace the tenant's feedback deadline policy (HR). Needs `If-Match`. It applies to
/// rejections decided from now on: due dates already set do not move.
#[utoipa::path(
    tag = "deadlines",
    params(("If-Match" = String, Header, description = "The policy's current ETag", pattern = r#"^"[0-9]{1,18}"$"#)),
    request_body = DeadlinePolicyBody,
    responses(
        (status = 200, description = "The policy", body = DeadlinePolicyBody, headers(("ETag" = String))),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[put("/deadline-policy")]
async fn set_deadline_policy(
    state: web::Data<AppState>,
    principal: Principal,
    if_match: IfMatch,
    body: Body<DeadlinePolicyBody>,
) -> ApiResult<HttpResponse> {
    let policy = DeadlinePolicy::parse(
        body.due_business_days,
        &body.reminder_days_before,
        body.escalate_after_business_days,
        &body.time_zone,
        &body.holidays,
    );
    let (policy, version) = state
        .app
        .deadlines()
        .set_policy(&principal, policy.map_err(Into::into), if_match.0)
        .await?;
    Ok(render_policy(&policy, version))
}

/// A rejection whose feedback is not released yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackDueView {
    #[schema(value_type = uuid::Uuid)]
    pub application_id: ApplicationId,
    #[schema(value_type = uuid::Uuid)]
    pub requisition_id: RequisitionId,
    pub requisition_title: String,
    pub candidate_id: EmployeeId,
    /// The day it is due by (the tenant's local day).
    pub due_date: NaiveDate,
    /// When that day ends.
    pub due_at: DateTime<Utc>,
    /// Business days past the due day (0 while not overdue).
    pub days_overdue: u32,
    pub progress: FeedbackProgress,
    /// The feedback's workflow status; `null` while none is written.
    pub feedback_status: Option<FeedbackStatus>,
    /// When the candidate last asked for it.
    pub requested_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackDuePage {
    pub items: Vec<FeedbackDueView>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueParams {
    /// Only feedback whose due day has ended (HR's overdue queue).
    pub overdue: Option<bool>,
}

/// Feedback owed, due soonest first: a hiring manager's own requisitions (the "feedback I
/// owe" list), the whole tenant for HR; with `overdue=true`, only what is past its due day,
/// with the business days overdue.
#[utoipa::path(
    tag = "deadlines",
    params(DueParams, PageParams),
    responses(
        (status = 200, description = "A page, due soonest first", body = FeedbackDuePage),
        (status = 422, description = "Invalid `limit` or `cursor`", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[get("/feedback-due")]
async fn list_feedback_due(
    state: web::Data<AppState>,
    principal: Principal,
    filter: web::Query<DueParams>,
    params: web::Query<PageParams>,
) -> ApiResult<web::Json<FeedbackDuePage>> {
    let overdue = filter.overdue.unwrap_or(false);
    let list = if overdue {
        "feedback-overdue"
    } else {
        "feedback-due"
    };
    let pager = state.cursors().await?.list(list);
    let due = state
        .app
        .deadlines()
        .due(&principal, overdue, params.request(&pager))
        .await?;
    let items = due
        .page
        .items
        .iter()
        .map(|row| FeedbackDueView {
            application_id: row.application_id,
            requisition_id: row.requisition_id,
            requisition_title: row.requisition_title.clone(),
            candidate_id: row.candidate_id.clone(),
            due_date: row.feedback_due_date,
            due_at: row.feedback_due_at,
            days_overdue: due.policy.days_overdue(row.feedback_due_date, due.now),
            progress: FeedbackProgress::of(row.feedback_status, row.feedback_due_at, due.now),
            feedback_status: row.feedback_status,
            requested_at: row.feedback_requested_at,
        })
        .collect();
    Ok(web::Json(FeedbackDuePage {
        next_cursor: pager.next(&due.page, |row| (row.feedback_due_at, row.application_id)),
        items,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OwnApplicationPath {
    /// Your application's id.
    #[param(value_type = uuid::Uuid)]
    pub id: ApplicationId,
}

/// Your request for feedback.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackRequestView {
    #[schema(value_type = uuid::Uuid)]
    pub application_id: ApplicationId,
    /// When it was recorded (an earlier request, when you asked again within 3 days).
    pub requested_at: DateTime<Utc>,
    /// `false` when this repeated a request of the last 3 days: no one was told again.
    pub recorded: bool,
}

/// Ask for the feedback on your rejected application: the hiring managers and HR are told
/// (`feedback.requested`). Safe to repeat: within 3 days of a request, asking again records
/// nothing and answers the earlier request (200); a new request answers 201.
#[utoipa::path(
    tag = "me",
    params(OwnApplicationPath),
    responses(
        (status = 201, description = "Recorded; they are told", body = FeedbackRequestView),
        (status = 200, description = "Already asked within 3 days", body = FeedbackRequestView),
    )
)]
#[post("/me/applications/{id}/feedback-request")]
async fn request_feedback(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<OwnApplicationPath>,
) -> ApiResult<HttpResponse> {
    let (recorded, requested_at) = state.app.deadlines().request(&principal, path.id).await?;
    let status = if recorded {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(FeedbackRequestView {
        application_id: path.id,
        requested_at,
        recorded,
    }))
}
