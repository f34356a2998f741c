//! Rows shared by both backends (`FromRow` decodes the same columns from either), typed down
//! to their ids and names.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::types::Json;

use crate::domain::candidate::{Addressee, FollowUpStatus, ProgressStatus};
use crate::domain::catalog::{CatalogKey, EntryText};
use crate::domain::feedback::{FeedbackAction, FeedbackDocument, FeedbackStatus};
use crate::domain::hiring::{ApplicationStatus, ExternalRef, RequisitionStatus, Stage};
use crate::domain::language::Translations;
use crate::domain::{
    ActionId, ApplicationId, AuditEventId, EmployeeId, FeedbackId, FollowUpId, RequisitionId,
};

/// One entry of a tenant's competency or reason-code catalog.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CatalogEntry {
    pub key: CatalogKey,
    pub name: String,
    pub description: String,
    pub translations: Json<Translations<EntryText>>,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A requisition row; its people are in `requisition_people`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequisitionRow {
    pub id: RequisitionId,
    pub external_ref: Option<ExternalRef>,
    pub title: String,
    pub department: String,
    pub status: RequisitionStatus,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A requisition with its hiring managers and HR partners (sorted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requisition {
    pub row: RequisitionRow,
    pub hiring_manager_ids: Vec<EmployeeId>,
    pub hr_partner_ids: Vec<EmployeeId>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Application {
    pub id: ApplicationId,
    pub requisition_id: RequisitionId,
    pub candidate_id: EmployeeId,
    pub external_ref: Option<ExternalRef>,
    pub status: ApplicationStatus,
    pub stage_reached: Stage,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<EmployeeId>,
    /// A rejection's feedback due date (the tenant's local day), fixed at the decision.
    pub feedback_due_date: Option<NaiveDate>,
    /// When that day ends.
    pub feedback_due_at: Option<DateTime<Utc>>,
    /// When the candidate last asked for their feedback.
    pub feedback_requested_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An application as its candidate sees it, with the requisition's public fields.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OwnApplication {
    pub id: ApplicationId,
    pub requisition_title: String,
    pub requisition_department: String,
    pub status: ApplicationStatus,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub feedback_due_date: Option<NaiveDate>,
    pub feedback_due_at: Option<DateTime<Utc>>,
    pub feedback_requested_at: Option<DateTime<Utc>>,
    /// The status of its feedback, if any is written (never its content).
    pub feedback_status: Option<FeedbackStatus>,
}

/// A feedback document with its workflow state.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Feedback {
    pub id: FeedbackId,
    pub application_id: ApplicationId,
    pub requisition_id: RequisitionId,
    pub candidate_id: EmployeeId,
    pub author_id: EmployeeId,
    pub status: FeedbackStatus,
    pub revision: i32,
    pub document: Json<FeedbackDocument>,
    pub internal_notes: String,
    pub review_comment: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub released_at: Option<DateTime<Utc>>,
    /// Its application's feedback due day and when it ends (fixed at the rejection).
    pub feedback_due_date: Option<NaiveDate>,
    pub feedback_due_at: Option<DateTime<Utc>>,
    /// When the candidate last asked for it.
    pub feedback_requested_at: Option<DateTime<Utc>>,
    /// The version of the tenant's catalogs when this row was read (keys the catalog cache).
    pub catalog_version: i64,
}

/// One workflow step.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FeedbackEvent {
    pub action: FeedbackAction,
    pub from_status: Option<FeedbackStatus>,
    pub to_status: FeedbackStatus,
    pub actor: EmployeeId,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

/// A released revision, as the candidate was shown it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FeedbackRevision {
    pub revision: i32,
    pub document: Json<FeedbackDocument>,
    pub internal_notes: String,
    pub note: Option<String>,
    pub created_by: EmployeeId,
    pub created_at: DateTime<Utc>,
}

/// The candidate's acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Acknowledgement {
    pub usefulness_rating: Option<i32>,
    pub comment: Option<String>,
    pub acknowledged_at: DateTime<Utc>,
}

/// Progress on one development action.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Deserialize)]
pub struct ActionProgress {
    pub action_id: ActionId,
    pub status: ProgressStatus,
    pub note: String,
    pub updated_at: DateTime<Utc>,
}

/// A follow-up request.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub feedback_id: FeedbackId,
    pub requisition_id: RequisitionId,
    pub candidate_id: EmployeeId,
    pub addressee: Addressee,
    pub message: String,
    pub preferred_times: Json<Vec<String>>,
    pub status: FollowUpStatus,
    pub answer_note: Option<String>,
    pub answered_by: Option<EmployeeId>,
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Released feedback with the public fields of its requisition, for the candidate.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReleasedFeedback {
    pub id: FeedbackId,
    pub application_id: ApplicationId,
    pub requisition_id: RequisitionId,
    pub candidate_id: EmployeeId,
    pub requisition_title: String,
    pub requisition_department: String,
    pub revision: i32,
    pub document: Json<FeedbackDocument>,
    pub released_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub at: DateTime<Utc>,
    pub actor: EmployeeId,
    /// Comma-separated roles (`employee,hr`), or `system`.
    pub actor_roles: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub candidate_id: Option<EmployeeId>,
    pub request_id: Option<String>,
    pub details: Json<serde_json::Value>,
}

/// The stored first response of a create made with an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredResponse {
    pub request_hash: String,
    pub status: i32,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: String,
}
