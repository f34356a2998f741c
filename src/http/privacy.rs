//! Privacy requests (HR): the subject access export, erasure, legal holds and the tenant's
//! retention policy. See `storage::privacy` for what anonymisation changes.

use actix_web::{delete, get, post, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::{SubjectExport as Export, SubjectFeedback};

use super::resources::ResourceView;
use crate::domain::privacy::{hold_reason, retention_months};
use crate::domain::{ApplicationId, EmployeeId, Principal};
use crate::storage::{LegalHold, SubjectApplication};

use super::applications::{ApplicationPath, ApplicationView};
use super::audit::AuditEventView;
use super::error::{ApiResult, Problem, PROBLEM_JSON};
use super::extract::{nullable_whole_number, Body};
use super::feedback::{FeedbackHistory, FeedbackView};
use super::views::{AcknowledgementView, EmployeePath, FollowUpView, ProgressView};
use super::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export_subject)
        .service(erase_subject)
        .service(get_legal_hold)
        .service(place_legal_hold)
        .service(release_legal_hold)
        .service(get_retention_policy)
        .service(set_retention_policy);
}

/// The public fields of the requisition an application is for.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequisitionSummary {
    pub title: String,
    pub department: String,
}

/// A legal hold: the application is kept, whatever erasure requests or retention say.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalHoldView {
    #[schema(value_type = uuid::Uuid)]
    pub application_id: ApplicationId,
    pub reason: String,
    pub placed_by: EmployeeId,
    pub placed_at: DateTime<Utc>,
}

impl LegalHoldView {
    fn new(application_id: ApplicationId, hold: LegalHold) -> Self {
        Self {
            application_id,
            reason: hold.reason,
            placed_by: hold.placed_by,
            placed_at: hold.placed_at,
        }
    }
}

/// One application of the subject, with its requisition and legal hold.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedApplication {
    pub application: ApplicationView,
    pub requisition: RequisitionSummary,
    pub legal_hold: Option<LegalHoldView>,
}

/// One feedback document about the subject, with internal notes and review comments, its
/// workflow log, every released revision, and the subject's acknowledgement, progress and
/// follow-up requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedFeedback {
    pub feedback: FeedbackView,
    pub history: FeedbackHistory,
    pub acknowledgement: Option<AcknowledgementView>,
    pub progress: Vec<ProgressView>,
    pub follow_ups: Vec<FollowUpView>,
}

/// Everything Debrief holds about one employee in the tenant (GDPR Art. 15), in one document.
/// Other candidates' data is never in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectExport {
    pub subject_id: EmployeeId,
    pub tenant_id: String,
    pub generated_at: DateTime<Utc>,
    pub applications: Vec<ExportedApplication>,
    pub feedback: Vec<ExportedFeedback>,
    /// The library resources any revision of the subject's development plans names (retired
    /// ones too), so that the export reads on its own.
    pub resources: Vec<ResourceView>,
    /// Every audit event about the subject, oldest first.
    pub audit_events: Vec<AuditEventView>,
}

/// What an erasure changed. The subject's id is gone; the pseudonym that replaced it links
/// their anonymised records to each other and to nothing else.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasureView {
    #[schema(value_type = String, example = "erased:0192f1a4-7c3e-7b5a-9f10-3d2c1b0a9e8f")]
    pub pseudonym: EmployeeId,
    pub applications: u64,
    pub feedback: u64,
    pub follow_ups: u64,
    pub audit_events: u64,
    /// Remembered create responses (`Idempotency-Key`) that named the subject, deleted.
    pub idempotency_records: u64,
}

/// Placing a legal hold.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalHoldBody {
    /// Why the records must be kept (the matter, the request), 1–500 characters.
    #[schema(
        min_length = 1,
        max_length = 500,
        example = "Employment tribunal claim 2026/114"
    )]
    pub reason: String,
}

/// How long the tenant keeps an application and everything about it after its decision.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionPolicyView {
    /// Months after the decision, 1–1200; `null` keeps records indefinitely. Expired records
    /// are anonymised by `debrief retention apply` and by the service's periodic task; records
    /// under legal hold are kept.
    #[serde(default, deserialize_with = "nullable_whole_number")]
    #[schema(minimum = 1, maximum = 1200, example = 24)]
    pub months_after_decision: Option<i32>,
}

fn exported_application(record: SubjectApplication) -> ExportedApplication {
    let legal_hold = record
        .legal_hold()
        .map(|hold| LegalHoldView::new(record.application.id, hold));
    ExportedApplication {
        application: ApplicationView::from(&record.application),
        requisition: RequisitionSummary {
            title: record.requisition_title,
            department: record.requisition_department,
        },
        legal_hold,
    }
}

fn exported_feedback(record: SubjectFeedback, reader: &Principal) -> ExportedFeedback {
    ExportedFeedback {
        feedback: FeedbackView::new(&record.feedback, reader),
        history: record.history.into(),
        acknowledgement: record.acknowledgement.map(Into::into),
        progress: record.progress.into_iter().map(Into::into).collect(),
        follow_ups: record.follow_ups.into_iter().map(Into::into).collect(),
    }
}

/// Everything held about an employee, in one JSON document (HR; GDPR Art. 15). The export is
/// recorded in the audit trail.
#[utoipa::path(
    tag = "privacy",
    params(EmployeePath),
    responses((status = 200, description = "The export", body = SubjectExport))
)]
#[get("/subjects/{employee_id}/export")]
async fn export_subject(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<EmployeePath>,
) -> ApiResult<web::Json<SubjectExport>> {
    let export: Export = state
        .app
        .privacy()
        .export(&principal, path.employee())
        .await?;
    Ok(web::Json(SubjectExport {
        subject_id: export.subject,
        tenant_id: export.tenant.as_str().to_owned(),
        generated_at: export.generated_at,
        applications: export
            .applications
            .into_iter()
            .map(exported_application)
            .collect(),
        feedback: export
            .feedback
            .into_iter()
            .map(|f| exported_feedback(f, &principal))
            .collect(),
        resources: export.resources.iter().map(Into::into).collect(),
        audit_events: export.audit_events.into_iter().map(Into::into).collect(),
    }))
}

/// Erase an employee (HR; GDPR Art. 17): every application of theirs and everything about it
/// is anonymised — free text deleted, their id replaced by one pseudonym everywhere including
/// the audit trail, remembered create responses naming them deleted — while statuses, dates,
/// reason codes and levels stay for aggregates. A legal hold on any of their applications
/// refuses the request and changes nothing. Their actions as a hiring manager or HR staff
/// are not erased (the organisation must account for its decisions).
#[utoipa::path(
    tag = "privacy",
    params(EmployeePath),
    responses(
        (status = 200, description = "Erased", body = ErasureView),
        (status = 409, description = "An application of theirs is under legal hold", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/subjects/{employee_id}/erasure")]
async fn erase_subject(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<EmployeePath>,
) -> ApiResult<web::Json<ErasureView>> {
    let (pseudonym, counts) = state
        .app
        .privacy()
        .erase(&principal, path.employee())
        .await?;
    Ok(web::Json(ErasureView {
        pseudonym,
        applications: counts.applications,
        feedback: counts.feedback,
        follow_ups: counts.follow_ups,
        audit_events: counts.audit_events,
        idempotency_records: counts.idempotency_records,
    }))
}

/// The legal hold on an application (HR).
#[utoipa::path(
    tag = "privacy",
    params(ApplicationPath),
    responses((status = 200, description = "The hold", body = LegalHoldView))
)]
#[get("/applications/{id}/legal-hold")]
async fn get_legal_hold(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ApplicationPath>,
) -> ApiResult<web::Json<LegalHoldView>> {
    let hold = state.app.privacy().legal_hold(&principal, path.id).await?;
    Ok(web::Json(LegalHoldView::new(path.id, hold)))
}

/// Place (or replace) a legal hold on an application (HR): while it is held, neither erasure
/// nor retention touches it.
#[utoipa::path(
    tag = "privacy",
    params(ApplicationPath),
    request_body = LegalHoldBody,
    responses(
        (status = 200, description = "Held", body = LegalHoldView),
        (status = 422, description = "Invalid reason", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[put("/applications/{id}/legal-hold")]
async fn place_legal_hold(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ApplicationPath>,
    body: Body<LegalHoldBody>,
) -> ApiResult<web::Json<LegalHoldView>> {
    let reason = hold_reason(&body.reason).map_err(Into::into);
    let hold = state
        .app
        .privacy()
        .place_legal_hold(&principal, path.id, reason)
        .await?;
    Ok(web::Json(LegalHoldView::new(path.id, hold)))
}

/// Lift the legal hold on an application (HR).
#[utoipa::path(
    tag = "privacy",
    params(ApplicationPath),
    responses((status = 204, description = "Lifted"))
)]
#[delete("/applications/{id}/legal-hold")]
async fn release_legal_hold(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ApplicationPath>,
) -> ApiResult<HttpResponse> {
    state
        .app
        .privacy()
        .lift_legal_hold(&principal, path.id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The tenant's retention policy (HR).
#[utoipa::path(
    tag = "privacy",
    responses((status = 200, description = "The policy", body = RetentionPolicyView))
)]
#[get("/retention-policy")]
async fn get_retention_policy(
    state: web::Data<AppState>,
    principal: Principal,
) -> ApiResult<web::Json<RetentionPolicyView>> {
    let months = state.app.privacy().retention_policy(&principal).await?;
    Ok(web::Json(RetentionPolicyView {
        months_after_decision: months.and_then(|m| i32::try_from(m).ok()),
    }))
}

/// Set the tenant's retention policy (HR).
#[utoipa::path(
    tag = "privacy",
    request_body = RetentionPolicyView,
    responses(
        (status = 200, description = "The policy", body = RetentionPolicyView),
        (status = 422, description = "Out of range", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[put("/retention-policy")]
async fn set_retention_policy(
    state: web::Data<AppState>,
    principal: Principal,
    body: Body<RetentionPolicyView>,
) -> ApiResult<web::Json<RetentionPolicyView>> {
    let months = retention_months(body.months_after_decision).map_err(Into::into);
    let months = state
        .app
        .privacy()
        .set_retention_policy(&principal, months)
        .await?;
    Ok(web::Json(RetentionPolicyView {
        months_after_decision: months.and_then(|m| i32::try_from(m).ok()),
    }))
}
