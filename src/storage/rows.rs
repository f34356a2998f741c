//! Rows shared by both backends (`FromRow` decodes the same columns from either).

use chrono::{DateTime, Utc};

/// One entry of a tenant's competency or reason-code catalog.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CatalogEntry {
    pub key: String,
    pub name: String,
    pub description: String,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A requisition row; its people are in `requisition_people`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequisitionRow {
    pub id: uuid::Uuid,
    pub external_ref: Option<String>,
    pub title: String,
    pub department: String,
    pub status: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A requisition with its hiring managers and HR partners (sorted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requisition {
    pub row: RequisitionRow,
    pub hiring_manager_ids: Vec<String>,
    pub hr_partner_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonRow {
    pub requisition_id: uuid::Uuid,
    pub relation: String,
    pub person_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Application {
    pub id: uuid::Uuid,
    pub requisition_id: uuid::Uuid,
    pub candidate_id: String,
    pub external_ref: Option<String>,
    pub status: String,
    pub stage_reached: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An application as its candidate sees it, with the requisition's public fields.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OwnApplication {
    pub id: uuid::Uuid,
    pub requisition_title: String,
    pub requisition_department: String,
    pub status: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The stored first response of a create made with an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredResponse {
    pub request_hash: String,
    pub status: Option<i32>,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: Option<String>,
}

/// A feedback document with its workflow state.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Feedback {
    pub id: uuid::Uuid,
    pub application_id: uuid::Uuid,
    pub requisition_id: uuid::Uuid,
    pub candidate_id: String,
    pub author_id: String,
    pub status: String,
    pub revision: i32,
    pub document: sqlx::types::Json<crate::domain::feedback::FeedbackDocument>,
    pub internal_notes: String,
    pub review_comment: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub released_at: Option<DateTime<Utc>>,
}

/// One workflow step.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FeedbackEvent {
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: String,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

/// A released revision, as the candidate was shown it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FeedbackRevision {
    pub revision: i32,
    pub document: sqlx::types::Json<crate::domain::feedback::FeedbackDocument>,
    pub internal_notes: String,
    pub note: Option<String>,
    pub created_by: String,
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
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActionProgress {
    pub action_id: uuid::Uuid,
    pub status: String,
    pub note: String,
    pub updated_at: DateTime<Utc>,
}

/// A follow-up request.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FollowUp {
    pub id: uuid::Uuid,
    pub feedback_id: uuid::Uuid,
    pub requisition_id: uuid::Uuid,
    pub candidate_id: String,
    pub addressee: String,
    pub message: String,
    pub preferred_times: sqlx::types::Json<Vec<String>>,
    pub status: String,
    pub answer_note: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Released feedback with the public fields of its requisition, for the candidate.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReleasedFeedback {
    pub id: uuid::Uuid,
    pub application_id: uuid::Uuid,
    pub candidate_id: String,
    pub requisition_title: String,
    pub requisition_department: String,
    pub revision: i32,
    pub document: sqlx::types::Json<crate::domain::feedback::FeedbackDocument>,
    pub released_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}
