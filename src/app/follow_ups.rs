//! The addressees' side of follow-up requests, and what candidates did with their feedback.

use crate::auth::policy::Operation;
use crate::domain::candidate::{Addressee, FollowUpAnswer, FollowUpStatus};
use crate::domain::{Checked, FeedbackId, FollowUpId, Principal, Role};
use crate::storage::{now, Acknowledgement, ActionProgress, FollowUp, FollowUpFilter};

use super::feedback::on_visible_requisition;
use super::{
    audit_reads, authorize, ensure_requisition_visible, record, App, AppError, AppResult, Page,
    PageRequest,
};

pub struct FollowUps<'a>(pub(super) &'a App);

/// What the candidate did with released feedback, for its managers and HR.
#[derive(Debug, Clone)]
pub struct Activity {
    pub acknowledgement: Option<Acknowledgement>,
    pub progress: Vec<ActionProgress>,
    pub follow_ups: Vec<FollowUp>,
}

/// At most this many follow-ups are shown with a candidate's activity.
const ACTIVITY_FOLLOW_UPS: u32 = 100;

impl FollowUps<'_> {
    /// Requests addressed to the caller: HR sees all of the tenant; a hiring manager those
    /// addressed to the manager on their requisitions.
    pub async fn list(
        &self,
        principal: &Principal,
        status: Option<FollowUpStatus>,
        page: Checked<PageRequest<FollowUpId>>,
    ) -> AppResult<Page<FollowUp>> {
        authorize(principal, Operation::ListFollowUps)?;
        let page = page?;
        let manager = !principal.has(Role::Hr);
        let filter = FollowUpFilter {
            status,
            addressee: manager.then_some(Addressee::Manager),
            hiring_manager: manager.then(|| principal.sub().clone()),
            after: page.after,
            ..FollowUpFilter::default()
        };
        let mut connection = self.0.connection(principal.tenant()).await?;
        let rows = connection
            .db()
            .list_follow_ups(principal.tenant(), &filter, page.fetch())
            .await?;
        Ok(Page::of(rows, page.limit))
    }

    /// Answers an open request: HR any request; a hiring manager those addressed to the
    /// manager on their requisitions.
    pub async fn answer(
        &self,
        principal: &Principal,
        id: FollowUpId,
        answer: FollowUpAnswer,
        note: Checked<String>,
    ) -> AppResult<FollowUp> {
        authorize(principal, Operation::AnswerFollowUp)?;
        let note = note?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(principal.tenant()).await?;
        let request = connection
            .db()
            .get_follow_up(tenant, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !principal.has(Role::Hr) {
            if request.addressee != Addressee::Manager {
                return Err(AppError::NotFound);
            }
            ensure_requisition_visible(&mut connection.db(), principal, request.requisition_id)
                .await?;
        }
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        let Some(answered) = db
            .answer_follow_up(tenant, id, answer, &note, principal.sub(), now())
            .await?
        else {
            return Err(AppError::Conflict(format!(
                "The request is already {}.",
                request.status
            )));
        };
        record(
            &mut db,
            principal,
            "follow_up.answer",
            &answered,
            serde_json::json!({"status": answered.status}),
        )
        .await?;
        tx.commit().await?;
        Ok(answered)
    }

    /// The candidate's acknowledgement, progress and follow-up requests on one feedback
    /// document (its requisition's hiring managers, HR). The read is audited.
    pub async fn activity(&self, principal: &Principal, id: FeedbackId) -> AppResult<Activity> {
        authorize(principal, Operation::ReadCandidateActivity)?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let feedback = on_visible_requisition(&mut db, principal, id).await?;
        let read = [(feedback.id.to_string(), &feedback.candidate_id)];
        audit_reads(
            &mut db,
            principal,
            "feedback.activity.read",
            "feedback",
            read,
        )
        .await?;
        let filter = FollowUpFilter {
            feedback_id: Some(feedback.id),
            ..FollowUpFilter::default()
        };
        Ok(Activity {
            acknowledgement: db.acknowledgement(tenant, feedback.id).await?,
            progress: db.action_progress(tenant, feedback.id).await?,
            follow_ups: db
                .list_follow_ups(tenant, &filter, ACTIVITY_FOLLOW_UPS)
                .await?,
        })
    }
}
