//! What the feedback endpoints read and answer.

use actix_web::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::FeedbackHistory as History;
use crate::auth::policy;
use crate::domain::feedback::quality::Finding;
use crate::domain::feedback::{
    FeedbackAction, FeedbackDocument, FeedbackStatus, QualityEnforcement,
};
use crate::domain::{non_null, ApplicationId, EmployeeId, FeedbackId, Principal, RequisitionId};
use crate::storage::{Feedback, FeedbackEvent, FeedbackRevision, ResponseToStore};

use crate::http::respond::document;

/// Feedback as its author, the requisition's hiring managers and HR see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackView {
    #[schema(value_type = uuid::Uuid)]
    pub id: FeedbackId,
    #[schema(value_type = uuid::Uuid)]
    pub application_id: ApplicationId,
    #[schema(value_type = uuid::Uuid)]
    pub requisition_id: RequisitionId,
    pub candidate_id: EmployeeId,
    pub author_id: EmployeeId,
    pub status: FeedbackStatus,
    /// Released revisions: 0 before release, 1 at release, more after amendments.
    pub revision: i32,
    /// Amended after release.
    pub amended: bool,
    pub document: FeedbackDocument,
    /// Notes for HR and the author; never shown to the candidate. Absent for other readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_notes: Option<String>,
    /// HR's comment when it returned the feedback; for HR and the author.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_comment: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub released_at: Option<DateTime<Utc>>,
    /// The application's feedback due day (the tenant's local day, fixed when it was
    /// rejected; release stops the clock).
    pub due_date: Option<NaiveDate>,
    /// When that day ends.
    pub due_at: Option<DateTime<Utc>>,
    /// When the candidate last asked for their feedback.
    pub requested_at: Option<DateTime<Utc>>,
    /// What the quality checks find on it now (when the feedback is read on its own: the
    /// review view; not in lists or workflow answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<Finding>>,
}

impl FeedbackView {
    /// The feedback as `reader` may see it: internal notes and review comments only for HR
    /// and the author.
    pub fn new(feedback: &Feedback, reader: &Principal) -> Self {
        let privileged = policy::sees_internal_notes(reader, &feedback.author_id);
        Self {
            id: feedback.id,
            application_id: feedback.application_id,
            requisition_id: feedback.requisition_id,
            candidate_id: feedback.candidate_id.clone(),
            author_id: feedback.author_id.clone(),
            status: feedback.status,
            revision: feedback.revision,
            amended: feedback.revision > 1,
            document: feedback.document.0.clone(),
            internal_notes: privileged.then(|| feedback.internal_notes.clone()),
            review_comment: feedback.review_comment.clone().filter(|_| privileged),
            version: feedback.version,
            created_at: feedback.created_at,
            updated_at: feedback.updated_at,
            released_at: feedback.released_at,
            due_date: feedback.feedback_due_date,
            due_at: feedback.feedback_due_at,
            requested_at: feedback.feedback_requested_at,
            findings: None,
        }
    }

    /// The response with the feedback's `ETag` (and `Location` when created).
    pub fn render(status: StatusCode, feedback: &Feedback, reader: &Principal) -> ResponseToStore {
        let location = format!("/v1/feedback/{}", feedback.id);
        document(
            status,
            &Self::new(feedback, reader),
            feedback.version,
            Some(location),
        )
    }
}

/// A page of feedback, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackPage {
    pub items: Vec<FeedbackView>,
    pub next_cursor: Option<String>,
}

/// The content a hiring manager writes. Drafts may be incomplete.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackDraft {
    #[serde(default)]
    pub document: FeedbackDocument,
    /// Notes for HR and the author only, up to 5000 characters.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub internal_notes: String,
}

/// HR sends the feedback back to its author.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnBody {
    /// What to change, 1–2000 characters.
    #[schema(min_length = 1, max_length = 2000)]
    pub comment: String,
}

/// HR amends released feedback: a new revision the candidate sees, marked as amended.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmendBody {
    pub document: FeedbackDocument,
    /// Replaces the internal notes when given.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "non_null"
    )]
    #[schema(nullable = false, max_length = 5000)]
    pub internal_notes: Option<String>,
    /// Why it was amended, 1–1000 characters (kept in the history).
    #[schema(min_length = 1, max_length = 1000)]
    pub note: String,
}

/// One step of the workflow.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackEventView {
    pub action: FeedbackAction,
    pub from_status: Option<FeedbackStatus>,
    pub to_status: FeedbackStatus,
    pub actor: EmployeeId,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<FeedbackEvent> for FeedbackEventView {
    fn from(e: FeedbackEvent) -> Self {
        Self {
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
            actor: e.actor,
            comment: e.comment,
            at: e.at,
        }
    }
}

/// A released revision, as the candidate was shown it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackRevisionView {
    pub revision: i32,
    pub document: FeedbackDocument,
    pub internal_notes: String,
    /// The amendment note.
    pub note: Option<String>,
    pub created_by: EmployeeId,
    pub created_at: DateTime<Utc>,
}

impl From<FeedbackRevision> for FeedbackRevisionView {
    fn from(r: FeedbackRevision) -> Self {
        Self {
            revision: r.revision,
            document: r.document.0,
            internal_notes: r.internal_notes,
            note: r.note,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

/// The workflow log and every released revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackHistory {
    pub events: Vec<FeedbackEventView>,
    pub revisions: Vec<FeedbackRevisionView>,
}

impl From<History> for FeedbackHistory {
    fn from(history: History) -> Self {
        Self {
            events: history.events.into_iter().map(Into::into).collect(),
            revisions: history.revisions.into_iter().map(Into::into).collect(),
        }
    }
}

/// The tenant's review policy.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewPolicyView {
    /// When true, submitting approves at once (no HR review step).
    pub skip_hr_review: bool,
    /// What `error` findings of the quality checks do to a submit: `block` refuses it (422,
    /// listing them; the default), `warn_only` lets it through.
    #[serde(default)]
    pub quality_checks: QualityEnforcement,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FeedbackPath {
    /// The feedback's id.
    #[param(value_type = uuid::Uuid)]
    pub id: FeedbackId,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ApplicationFeedbackPath {
    /// The application's id.
    #[param(value_type = uuid::Uuid)]
    pub id: ApplicationId,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedbackFilterParams {
    pub status: Option<FeedbackStatus>,
    #[param(value_type = Option<uuid::Uuid>)]
    pub requisition_id: Option<RequisitionId>,
    /// Only feedback unchanged since before this instant (the review queue's oldest first).
    pub updated_before: Option<DateTime<Utc>>,
}
