//! Privacy requests (HR): the subject access export, erasure, legal holds and the tenant's
//! retention policy. See `storage::privacy` for what anonymisation changes.

use actix_web::{delete, get, post, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::policy::{self, Operation};
use crate::auth::Principal;
use crate::domain::catalog::bounded_text;
use crate::domain::SubjectId;
use crate::error::{ApiError, ApiResult, Problem, PROBLEM_JSON as PROBLEM};
use crate::storage::{Erasure, LegalHold, SubjectApplication, SubjectFeedback};

use super::applications::{ApplicationPath, ApplicationView};
use super::audit::AuditEventView;
use super::candidate::{
    follow_up_view, progress_view, AcknowledgementView, EmployeePath, FollowUpView, ProgressView,
};
use super::extract::Body;
use super::feedback::{FeedbackHistory, FeedbackView};
use super::schema::EmployeeId;
use super::AppState;

/// The longest retention period a tenant may set: 100 years.
const MAX_RETENTION_MONTHS: u32 = 1200;

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
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RequisitionSummary {
    pub title: String,
    pub department: String,
}

/// A legal hold: the application is kept, whatever erasure requests or retention say.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LegalHoldView {
    pub application_id: Uuid,
    pub reason: String,
    #[schema(value_type = EmployeeId)]
    pub placed_by: String,
    pub placed_at: DateTime<Utc>,
}

impl LegalHoldView {
    fn new(application_id: Uuid, hold: LegalHold) -> Self {
        Self {
            application_id,
            reason: hold.reason,
            placed_by: hold.placed_by,
            placed_at: hold.placed_at,
        }
    }
}

/// One application of the subject, with its requisition and legal hold.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ExportedApplication {
    pub application: ApplicationView,
    pub requisition: RequisitionSummary,
    pub legal_hold: Option<LegalHoldView>,
}

/// One feedback document about the subject, with internal notes and review comments, its
/// workflow log, every released revision, and the subject's acknowledgement, progress and
/// follow-up requests.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ExportedFeedback {
    pub feedback: FeedbackView,
    pub history: FeedbackHistory,
    pub acknowledgement: Option<AcknowledgementView>,
    pub progress: Vec<ProgressView>,
    pub follow_ups: Vec<FollowUpView>,
}

/// Everything Debrief holds about one employee in the tenant (GDPR Art. 15), in one document.
/// Other candidates' data is never in it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SubjectExport {
    #[schema(value_type = EmployeeId)]
    pub subject_id: String,
    pub tenant_id: String,
    pub generated_at: DateTime<Utc>,
    pub applications: Vec<ExportedApplication>,
    pub feedback: Vec<ExportedFeedback>,
    /// Every audit event about the subject, oldest first.
    pub audit_events: Vec<AuditEventView>,
}

/// What an erasure changed. The subject's id is gone; the pseudonym that replaced it links
/// their anonymised records to each other and to nothing else.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErasureView {
    #[schema(example = "erased:0192f1a4-7c3e-7b5a-9f10-3d2c1b0a9e8f")]
    pub pseudonym: String,
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
    #[serde(default, deserialize_with = "super::extract::nullable_whole_number")]
    #[schema(minimum = 1, maximum = 1200, example = 24)]
    pub months_after_decision: Option<i32>,
}

fn subject(path: &EmployeePath) -> ApiResult<SubjectId> {
    SubjectId::parse(&path.employee_id).map_err(|_| ApiError::NotFound)
}

fn exported_application(record: SubjectApplication) -> ApiResult<ExportedApplication> {
    let legal_hold = record
        .legal_hold()
        .map(|hold| LegalHoldView::new(record.application.id, hold));
    Ok(ExportedApplication {
        application: ApplicationView::from_record(&record.application)?,
        requisition: RequisitionSummary {
            title: record.requisition_title,
            department: record.requisition_department,
        },
        legal_hold,
    })
}

fn exported_feedback(
    record: SubjectFeedback,
    principal: &Principal,
) -> ApiResult<ExportedFeedback> {
    Ok(ExportedFeedback {
        feedback: FeedbackView::new(&record.feedback, principal)?,
        history: FeedbackHistory::new(record.events, record.revisions)?,
        acknowledgement: record.acknowledgement.map(Into::into),
        progress: record
            .progress
            .into_iter()
            .map(progress_view)
            .collect::<ApiResult<_>>()?,
        follow_ups: record
            .follow_ups
            .into_iter()
            .map(follow_up_view)
            .collect::<ApiResult<_>>()?,
    })
}

/// Everything held about an employee, in one JSON document (HR; GDPR Art. 15). The export is
/// recorded in the audit trail.
#[utoipa::path(
    tag = "privacy",
    params(EmployeePath),
    responses(
        (status = 200, description = "The export", body = SubjectExport),
        (status = 403, description = "Only HR", body = Problem, content_type = PROBLEM),
        (status = 404, description = "Nothing is held about this employee", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/subjects/{employee_id}/export")]
async fn export_subject(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<EmployeePath>,
) -> ApiResult<web::Json<SubjectExport>> {
    policy::authorize(&principal, Operation::ExportSubject)?;
    let subject = subject(&path)?;
    let records = state
        .store
        .subject_records(principal.tenant(), &subject)
        .await?;
    if records.is_empty() {
        return Err(ApiError::NotFound);
    }
    let export = SubjectExport {
        subject_id: subject.as_str().to_owned(),
        tenant_id: principal.tenant().as_str().to_owned(),
        generated_at: crate::storage::now(),
        applications: records
            .applications
            .into_iter()
            .map(exported_application)
            .collect::<ApiResult<_>>()?,
        feedback: records
            .feedback
            .into_iter()
            .map(|f| exported_feedback(f, &principal))
            .collect::<ApiResult<_>>()?,
        audit_events: records.audit_events.into_iter().map(Into::into).collect(),
    };
    state
        .store
        .audit_reads(
            principal.tenant(),
            &principal.audit(),
            "subject.export",
            "subject",
            &[(subject.as_str().to_owned(), subject.as_str().to_owned())],
        )
        .await?;
    tracing::info!(subject = %subject, "subject access export");
    Ok(web::Json(export))
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
        (status = 403, description = "Only HR", body = Problem, content_type = PROBLEM),
        (status = 404, description = "Nothing is held about this employee (or it was erased)", body = Problem, content_type = PROBLEM),
        (status = 409, description = "An application of theirs is under legal hold", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/subjects/{employee_id}/erasure")]
async fn erase_subject(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<EmployeePath>,
) -> ApiResult<web::Json<ErasureView>> {
    policy::authorize(&principal, Operation::EraseSubject)?;
    let subject = subject(&path)?;
    match state
        .store
        .erase_subject(principal.tenant(), &principal.audit(), &subject)
        .await?
    {
        Erasure::Done { pseudonym, counts } => {
            tracing::info!(pseudonym = %pseudonym, applications = counts.applications, "subject erased");
            Ok(web::Json(ErasureView {
                pseudonym,
                applications: counts.applications,
                feedback: counts.feedback,
                follow_ups: counts.follow_ups,
                audit_events: counts.audit_events,
                idempotency_records: counts.idempotency_records,
            }))
        }
        Erasure::Held(applications) => {
            let ids: Vec<String> = applications.iter().map(Uuid::to_string).collect();
            Err(ApiError::Conflict(format!(
                "Applications under legal hold block the erasure: {}.",
                ids.join(", ")
            )))
        }
        Erasure::NothingHeld => Err(ApiError::NotFound),
    }
}

/// The legal hold on an application (HR).
#[utoipa::path(
    tag = "privacy",
    params(ApplicationPath),
    responses(
        (status = 200, description = "The hold", body = LegalHoldView),
        (status = 403, description = "Only HR", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such application, or it is not held", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/applications/{id}/legal-hold")]
async fn get_legal_hold(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ApplicationPath>,
) -> ApiResult<web::Json<LegalHoldView>> {
    policy::authorize(&principal, Operation::ReadLegalHold)?;
    let hold = state
        .store
        .legal_hold(principal.tenant(), path.id)
        .await?
        .flatten()
        .ok_or(ApiError::NotFound)?;
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
        (status = 400, description = "Malformed body", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only HR", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such application", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid reason", body = Problem, content_type = PROBLEM),
    )
)]
#[put("/applications/{id}/legal-hold")]
async fn place_legal_hold(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ApplicationPath>,
    body: Body<LegalHoldBody>,
) -> ApiResult<web::Json<LegalHoldView>> {
    policy::authorize(&principal, Operation::PlaceLegalHold)?;
    let mut errors = Vec::new();
    let reason = bounded_text("reason", &body.reason, 1, 500, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let hold = state
        .store
        .place_legal_hold(principal.tenant(), &principal.audit(), path.id, &reason)
        .await?
        .ok_or(ApiError::NotFound)?;
    tracing::info!(application = %path.id, "legal hold placed");
    Ok(web::Json(LegalHoldView::new(path.id, hold)))
}

/// Lift the legal hold on an application (HR).
#[utoipa::path(
    tag = "privacy",
    params(ApplicationPath),
    responses(
        (status = 204, description = "Lifted"),
        (status = 403, description = "Only HR", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such application, or it is not held", body = Problem, content_type = PROBLEM),
    )
)]
#[delete("/applications/{id}/legal-hold")]
async fn release_legal_hold(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<ApplicationPath>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&principal, Operation::ReleaseLegalHold)?;
    if !state
        .store
        .release_legal_hold(principal.tenant(), &principal.audit(), path.id)
        .await?
    {
        return Err(ApiError::NotFound);
    }
    tracing::info!(application = %path.id, "legal hold lifted");
    Ok(HttpResponse::NoContent().finish())
}

/// The tenant's retention policy (HR).
#[utoipa::path(
    tag = "privacy",
    responses(
        (status = 200, description = "The policy", body = RetentionPolicyView),
        (status = 403, description = "Only HR", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/retention-policy")]
async fn get_retention_policy(
    state: web::Data<AppState>,
    principal: Principal,
) -> ApiResult<web::Json<RetentionPolicyView>> {
    policy::authorize(&principal, Operation::ReadRetentionPolicy)?;
    let months = state.store.retention_policy(principal.tenant()).await?;
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
        (status = 400, description = "Malformed body", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Only HR", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Out of range", body = Problem, content_type = PROBLEM),
    )
)]
#[put("/retention-policy")]
async fn set_retention_policy(
    state: web::Data<AppState>,
    principal: Principal,
    body: Body<RetentionPolicyView>,
) -> ApiResult<web::Json<RetentionPolicyView>> {
    policy::authorize(&principal, Operation::UpdateRetentionPolicy)?;
    let months = match body.months_after_decision {
        None => None,
        Some(m) => Some(
            u32::try_from(m)
                .ok()
                .filter(|m| (1..=MAX_RETENTION_MONTHS).contains(m))
                .ok_or_else(|| {
                    ApiError::validation(
                        "months_after_decision",
                        format!("must be between 1 and {MAX_RETENTION_MONTHS}, or null"),
                    )
                })?,
        ),
    };
    state
        .store
        .set_retention_policy(principal.tenant(), &principal.audit(), months)
        .await?;
    tracing::info!(months_after_decision = ?months, "retention policy changed");
    Ok(web::Json(RetentionPolicyView {
        months_after_decision: body.months_after_decision,
    }))
}
