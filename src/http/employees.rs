//! `/v1/employees/{employee_id}/feedback`: the HR portal reading released feedback on an
//! employee's behalf, with the same redaction the employee gets; every such read is audited.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::{EmployeeId, FeedbackId, Principal};

use super::error::ApiResult;
use super::extract::AcceptLanguage;
use super::me::{feedback_page, one_feedback};
use super::pagination::PageParams;
use super::views::{CandidateFeedbackPage, CandidateFeedbackView, EmployeePath};
use super::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_feedback_on_behalf)
        .service(get_feedback_on_behalf);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EmployeeFeedbackPath {
    /// The employee's id.
    #[param(pattern = "^[!-~]{1,128}$")]
    pub employee_id: String,
    /// The feedback's id.
    #[param(value_type = uuid::Uuid)]
    pub id: FeedbackId,
}

/// An employee's released feedback, read by the HR portal on their behalf (same redaction as
/// the employee gets; every such read is logged).
#[utoipa::path(
    tag = "employees",
    params(EmployeePath, PageParams, AcceptLanguage),
    responses((status = 200, description = "A page of the employee's released feedback", body = CandidateFeedbackPage,
               headers(("Content-Language" = String, description = "The language of the labels"))))
)]
#[get("/employees/{employee_id}/feedback")]
async fn list_feedback_on_behalf(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<EmployeePath>,
    page: web::Query<PageParams>,
    language: AcceptLanguage,
) -> ApiResult<HttpResponse> {
    let pager = state.cursors().await?.list("employee-feedback");
    let page = state
        .app
        .candidate()
        .list_for(
            &principal,
            path.employee(),
            page.request(&pager),
            language.get(),
        )
        .await?;
    Ok(feedback_page(&pager, page))
}

/// One released feedback of an employee, read by the HR portal on their behalf.
#[utoipa::path(
    tag = "employees",
    params(EmployeeFeedbackPath, AcceptLanguage),
    responses((status = 200, description = "The feedback", body = CandidateFeedbackView,
               headers(("Content-Language" = String, description = "The language of the labels"))))
)]
#[get("/employees/{employee_id}/feedback/{id}")]
async fn get_feedback_on_behalf(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<EmployeeFeedbackPath>,
    language: AcceptLanguage,
) -> ApiResult<HttpResponse> {
    let employee = EmployeeId::parse(&path.employee_id).ok();
    let record = state
        .app
        .candidate()
        .get_for(&principal, employee, path.id, language.get())
        .await?;
    Ok(one_feedback(record))
}
