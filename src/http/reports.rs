//! Reports for HR (`/v1/reports/…`, JSON or CSV with `Accept: text/csv`) and the tenant's
//! minimum group size (`/v1/report-settings`). docs/reports.md explains every field.

use actix_web::http::header::{self, Header};
use actix_web::http::StatusCode;
use actix_web::{get, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::reports::ReportRequest;
use crate::domain::reports::{
    CompetencyGapsReport, MinGroupSize, OutcomesReport, ReasonsReport, TimelinessReport,
};
use crate::domain::{Principal, RequisitionId};

use super::error::{ApiResult, Problem, PROBLEM_JSON};
use super::extract::{whole_u32, Body, IfMatch};
use super::respond::{document, stored};
use super::AppState;

mod table;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(timeliness)
        .service(outcomes)
        .service(rejection_reasons)
        .service(competency_gaps)
        .service(get_report_settings)
        .service(set_report_settings);
}

/// What a report covers. The period selects rejections by the day they were decided, in the
/// tenant's time zone (the deadline policy's).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// The first month, `YYYY-MM` (default: eleven months before `to`).
    #[param(pattern = "^[0-9]{4}-[0-9]{2}$", example = "2026-01")]
    pub from: Option<String>,
    /// The last month, inclusive (default: the current month); at most 36 months in all.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}$", example = "2026-12")]
    pub to: Option<String>,
    /// Only requisitions of this department (exact name).
    #[param(min_length = 1, max_length = 120)]
    pub department: Option<String>,
    /// Only this requisition.
    #[param(value_type = Option<uuid::Uuid>)]
    pub requisition_id: Option<RequisitionId>,
}

impl ReportParams {
    fn request(&self) -> ReportRequest {
        ReportRequest {
            from: self.from.clone(),
            to: self.to.clone(),
            department: self.department.clone(),
            requisition: self.requisition_id,
        }
    }
}

/// Whether the caller prefers CSV to JSON (`Accept`, by quality, then order).
fn wants_csv(request: &HttpRequest) -> bool {
    let Ok(accept) = header::Accept::parse(request) else {
        return false;
    };
    accept
        .ranked()
        .into_iter()
        .find_map(
            |mime| match (mime.type_().as_str(), mime.subtype().as_str()) {
                ("text", "csv" | "*") => Some(true),
                ("application", "json" | "*") | ("*", "*") => Some(false),
                _ => None,
            },
        )
        .unwrap_or(false)
}

fn answer<T: Serialize>(
    request: &HttpRequest,
    report: &T,
    csv: impl Fn(&T) -> String,
) -> HttpResponse {
    if wants_csv(request) {
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8; header=present")
            .body(csv(report))
    } else {
        HttpResponse::Ok().json(report)
    }
}

/// Deadlines kept (HR): decision-to-release business days (median, p90), the share
/// released on time, open and overdue counts; for the whole report and per department.
#[utoipa::path(
    tag = "reports",
    params(ReportParams),
    responses(
        (status = 200, description = "The report", content(
            (TimelinessReport = "application/json"),
            (String = "text/csv"),
        )),
        (status = 422, description = "Invalid period or filter", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[get("/reports/timeliness")]
async fn timeliness(
    state: web::Data<AppState>,
    principal: Principal,
    params: web::Query<ReportParams>,
    request: HttpRequest,
) -> ApiResult<HttpResponse> {
    let report = state
        .app
        .reports()
        .timeliness(&principal, params.request().checked())
        .await?;
    Ok(answer(&request, &report, table::timeliness))
}

/// What candidates did with their feedback (HR): release, acknowledgement and follow-up
/// rates, average usefulness, development-plan progress; whole report and per department.
#[utoipa::path(
    tag = "reports",
    params(ReportParams),
    responses(
        (status = 200, description = "The report", content(
            (OutcomesReport = "application/json"),
            (String = "text/csv"),
        )),
        (status = 422, description = "Invalid period or filter", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[get("/reports/outcomes")]
async fn outcomes(
    state: web::Data<AppState>,
    principal: Principal,
    params: web::Query<ReportParams>,
    request: HttpRequest,
) -> ApiResult<HttpResponse> {
    let report = state
        .app
        .reports()
        .outcomes(&principal, params.request().checked())
        .await?;
    Ok(answer(&request, &report, table::outcomes))
}

/// How often each reason code is given in released feedback (HR).
#[utoipa::path(
    tag = "reports",
    params(ReportParams),
    responses(
        (status = 200, description = "The report", content(
            (ReasonsReport = "application/json"),
            (String = "text/csv"),
        )),
        (status = 422, description = "Invalid period or filter", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[get("/reports/rejection-reasons")]
async fn rejection_reasons(
    state: web::Data<AppState>,
    principal: Principal,
    params: web::Query<ReportParams>,
    request: HttpRequest,
) -> ApiResult<HttpResponse> {
    let report = state
        .app
        .reports()
        .reasons(&principal, params.request().checked())
        .await?;
    Ok(answer(&request, &report, table::reasons))
}

/// Competency gaps in released feedback (HR): assessment levels and improvement areas per
/// competency.
#[utoipa::path(
    tag = "reports",
    params(ReportParams),
    responses(
        (status = 200, description = "The report", content(
            (CompetencyGapsReport = "application/json"),
            (String = "text/csv"),
        )),
        (status = 422, description = "Invalid period or filter", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[get("/reports/competency-gaps")]
async fn competency_gaps(
    state: web::Data<AppState>,
    principal: Principal,
    params: web::Query<ReportParams>,
    request: HttpRequest,
) -> ApiResult<HttpResponse> {
    let report = state
        .app
        .reports()
        .competency_gaps(&principal, params.request().checked())
        .await?;
    Ok(answer(&request, &report, table::competency_gaps))
}

/// The reports' privacy setting.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportSettingsBody {
    /// k: a group describing fewer distinct candidates is suppressed (2–100; default 5).
    #[schema(minimum = 2, maximum = 100, example = 5)]
    #[serde(deserialize_with = "whole_u32")]
    pub min_group_size: u32,
}

fn render_settings(k: MinGroupSize, version: i64) -> HttpResponse {
    let body = ReportSettingsBody {
        min_group_size: k.get(),
    };
    stored(&document(StatusCode::OK, &body, version, None), false)
}

/// The tenant's report settings (HR).
#[utoipa::path(
    tag = "reports",
    responses((status = 200, description = "The settings", body = ReportSettingsBody, headers(("ETag" = String))))
)]
#[get("/report-settings")]
async fn get_report_settings(
    state: web::Data<AppState>,
    principal: Principal,
) -> ApiResult<HttpResponse> {
    let (k, version) = state.app.reports().settings(&principal).await?;
    Ok(render_settings(k, version))
}

/// Replace the tenant's report settings (HR). Needs `If-Match`.
#[utoipa::path(
    tag = "reports",
    params(("If-Match" = String, Header, description = "The settings' current ETag", pattern = r#"^"[0-9]{1,18}"$"#)),
    request_body = ReportSettingsBody,
    responses(
        (status = 200, description = "The settings", body = ReportSettingsBody, headers(("ETag" = String))),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[put("/report-settings")]
async fn set_report_settings(
    state: web::Data<AppState>,
    principal: Principal,
    if_match: IfMatch,
    body: Body<ReportSettingsBody>,
) -> ApiResult<HttpResponse> {
    let k = MinGroupSize::parse(body.min_group_size);
    let (k, version) = state
        .app
        .reports()
        .set_settings(&principal, k, if_match.0)
        .await?;
    Ok(render_settings(k, version))
}
