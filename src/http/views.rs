//! Views shared by several resources: released feedback as the candidate sees it, the
//! candidate's acknowledgement and progress, and follow-up requests.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::candidate::{Addressee, FollowUpStatus, ProgressStatus};
use crate::domain::feedback::FeedbackDocument;
use crate::domain::labels::{Labeller, Labels};
use crate::domain::{
    ActionId, ApplicationId, EmployeeId, FeedbackId, FollowUpId, EMPLOYEE_ID_PATTERN,
};
use crate::storage::{Acknowledgement, ActionProgress, FollowUp, WithActivity};

use super::resources::PlanResourceView;

/// The candidate's acknowledgement.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcknowledgementView {
    /// How useful the feedback was, 1–5.
    pub usefulness_rating: Option<i32>,
    pub comment: Option<String>,
    pub acknowledged_at: DateTime<Utc>,
}

impl From<Acknowledgement> for AcknowledgementView {
    fn from(a: Acknowledgement) -> Self {
        Self {
            usefulness_rating: a.usefulness_rating,
            comment: a.comment,
            acknowledged_at: a.acknowledged_at,
        }
    }
}

/// Progress on one development action.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressView {
    #[schema(value_type = uuid::Uuid)]
    pub action_id: ActionId,
    pub status: ProgressStatus,
    pub note: String,
    pub updated_at: DateTime<Utc>,
}

impl From<ActionProgress> for ProgressView {
    fn from(p: ActionProgress) -> Self {
        Self {
            action_id: p.action_id,
            status: p.status,
            note: p.note,
            updated_at: p.updated_at,
        }
    }
}

/// Released feedback as the candidate (or the HR portal on their behalf) sees it: the latest
/// revision, never internal notes or review comments.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateFeedbackView {
    #[schema(value_type = uuid::Uuid)]
    pub id: FeedbackId,
    #[schema(value_type = uuid::Uuid)]
    pub application_id: ApplicationId,
    pub requisition_title: String,
    pub requisition_department: String,
    pub released_at: Option<DateTime<Utc>>,
    /// 1 when released, more after amendments.
    pub revision: i32,
    /// HR amended the feedback after it was first released.
    pub amended: bool,
    pub updated_at: DateTime<Utc>,
    pub document: FeedbackDocument,
    pub acknowledgement: Option<AcknowledgementView>,
    pub progress: Vec<ProgressView>,
    /// The library resources the development actions name (`development_actions[].resources`),
    /// retired ones too.
    pub resources: Vec<PlanResourceView>,
    /// The names of the catalog keys and fixed names the document uses, in the language
    /// negotiated from `Accept-Language` (the managers' own words are not translated).
    pub labels: Labels,
}

impl CandidateFeedbackView {
    pub fn of(record: WithActivity, labeller: &Labeller) -> Self {
        let feedback = record.feedback;
        Self {
            labels: labeller.labels(
                &feedback.document.0,
                record.resources.iter().map(|r| r.kind),
            ),
            acknowledgement: record.acknowledgement.map(Into::into),
            progress: record.progress.into_iter().map(Into::into).collect(),
            resources: record
                .resources
                .iter()
                .map(|r| PlanResourceView::of(r, labeller))
                .collect(),
            id: feedback.id,
            application_id: feedback.application_id,
            requisition_title: feedback.requisition_title,
            requisition_department: feedback.requisition_department,
            released_at: feedback.released_at,
            revision: feedback.revision,
            amended: feedback.revision > 1,
            updated_at: feedback.updated_at,
            document: feedback.document.0,
        }
    }
}

/// A page of released feedback, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateFeedbackPage {
    pub items: Vec<CandidateFeedbackView>,
    pub next_cursor: Option<String>,
}

/// A follow-up request and its answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpView {
    #[schema(value_type = uuid::Uuid)]
    pub id: FollowUpId,
    #[schema(value_type = uuid::Uuid)]
    pub feedback_id: FeedbackId,
    pub candidate_id: EmployeeId,
    pub addressee: Addressee,
    pub message: String,
    pub preferred_times: Vec<String>,
    pub status: FollowUpStatus,
    pub answer_note: Option<String>,
    pub answered_by: Option<EmployeeId>,
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<FollowUp> for FollowUpView {
    fn from(f: FollowUp) -> Self {
        Self {
            id: f.id,
            feedback_id: f.feedback_id,
            candidate_id: f.candidate_id,
            addressee: f.addressee,
            message: f.message,
            preferred_times: f.preferred_times.0,
            status: f.status,
            answer_note: f.answer_note,
            answered_by: f.answered_by,
            answered_at: f.answered_at,
            created_at: f.created_at,
        }
    }
}

/// A page of follow-up requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpPage {
    pub items: Vec<FollowUpView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EmployeePath {
    /// The employee's id.
    #[param(pattern = "^([!-~]{3,128}|[!-\\-/-~][!-~]?|\\.[!-\\-/-~])$")]
    pub employee_id: String,
}

impl EmployeePath {
    /// An id that cannot exist names nobody.
    pub fn employee(&self) -> Option<EmployeeId> {
        debug_assert_eq!(
            EMPLOYEE_ID_PATTERN,
            "^([!-~]{3,128}|[!-\\-/-~][!-~]?|\\.[!-\\-/-~])$"
        );
        EmployeeId::parse(&self.employee_id).ok()
    }
}
