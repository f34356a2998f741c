//! The candidate's side: their released feedback, acknowledgement, the development plan and
//! follow-up requests; and the HR portal reading released feedback on an employee's behalf.
//! Everything here is released feedback only, and `FeedbackDocument` has no internal field:
//! the redaction is a property of the type, not a filter that could be forgotten.

use chrono::{DateTime, Utc};

use crate::auth::policy::Operation;
use crate::domain::candidate::{urgency, Acknowledging, FollowUpRequest, ProgressStatus, Urgency};
use crate::domain::feedback::{DevelopmentAction, Horizon};
use crate::domain::{ActionId, Checked, EmployeeId, FeedbackId, FollowUpId, Principal};
use crate::storage::{
    now, Acknowledgement, ActionProgress, Db, FollowUp, FollowUpFilter, NewFollowUp, Released,
    ReleasedFeedback, Resource, WithActivity,
};

use super::idempotency::{create_once, Created, Once};
use super::languages::Localized;
use super::{audit_reads, authorize, record, App, AppError, AppResult, Page, PageRequest};

pub struct Candidate<'a>(pub(super) &'a App);

/// One action of the plan with its progress.
#[derive(Debug, Clone)]
pub struct PlanItem {
    pub action: DevelopmentAction,
    pub status: ProgressStatus,
    pub note: String,
    pub updated_at: Option<DateTime<Utc>>,
    pub urgency: Urgency,
    /// The library resources the action names, in the action's order (retired ones too).
    pub resources: Vec<Resource>,
}

/// The development plan: actions grouped by horizon, with what is due or overdue.
#[derive(Debug, Clone)]
pub struct Plan {
    pub feedback_id: FeedbackId,
    pub short_term: Vec<PlanItem>,
    pub long_term: Vec<PlanItem>,
    pub done: usize,
    pub total: usize,
    pub overdue: usize,
    pub due_soon: usize,
}

impl Plan {
    fn of(feedback: WithActivity, today: chrono::NaiveDate) -> Self {
        let mut plan = Plan {
            feedback_id: feedback.feedback.id,
            short_term: Vec::new(),
            long_term: Vec::new(),
            done: 0,
            total: 0,
            overdue: 0,
            due_soon: 0,
        };
        for action in feedback.feedback.document.0.development_actions {
            let recorded = feedback
                .progress
                .iter()
                .find(|p| Some(p.action_id) == action.id);
            let status = recorded.map_or(ProgressStatus::NotStarted, |p| p.status);
            let resources = action
                .resources
                .iter()
                .filter_map(|id| feedback.resources.iter().find(|r| r.id == *id).cloned())
                .collect();
            let item = PlanItem {
                resources,
                urgency: urgency(action.target_date, status, today),
                status,
                note: recorded.map(|p| p.note.clone()).unwrap_or_default(),
                updated_at: recorded.map(|p| p.updated_at),
                action,
            };
            plan.total += 1;
            plan.done += usize::from(status == ProgressStatus::Done);
            plan.overdue += usize::from(item.urgency == Urgency::Overdue);
            plan.due_soon += usize::from(item.urgency == Urgency::DueSoon);
            match item.action.horizon {
                Horizon::ShortTerm => plan.short_term.push(item),
                Horizon::LongTerm => plan.long_term.push(item),
            }
        }
        plan
    }
}

impl Candidate<'_> {
    /// The caller's released feedback, newest first.
    /// `accept_language` is the caller's `Accept-Language`, as for every read here.
    pub async fn list_own(
        &self,
        principal: &Principal,
        page: Checked<PageRequest<FeedbackId>>,
        accept_language: Option<&str>,
    ) -> AppResult<Localized<Page<WithActivity>>> {
        authorize(principal, Operation::ListOwnFeedback)?;
        let page = page?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let value = page_of(&mut db, principal, principal.sub(), page).await?;
        let known = value.items.first().map(|r| r.labels);
        let labeller = (self.0)
            .labeller(&mut db, principal.tenant(), accept_language, known)
            .await?;
        Ok(Localized { value, labeller })
    }

    /// One of the caller's released feedback documents: the latest revision.
    pub async fn get_own(
        &self,
        principal: &Principal,
        id: FeedbackId,
        accept_language: Option<&str>,
    ) -> AppResult<Localized<WithActivity>> {
        authorize(principal, Operation::ReadOwnFeedback)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let value = released_one(&mut db, principal, principal.sub(), id).await?;
        let labeller = (self.0)
            .labeller(
                &mut db,
                principal.tenant(),
                accept_language,
                Some(value.labels),
            )
            .await?;
        Ok(Localized { value, labeller })
    }

    /// Acknowledges the caller's feedback, once (a second call returns the first).
    pub async fn acknowledge(
        &self,
        principal: &Principal,
        id: FeedbackId,
        ack: Checked<Acknowledging>,
    ) -> AppResult<Acknowledgement> {
        authorize(principal, Operation::AcknowledgeFeedback)?;
        let ack = ack?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(principal.tenant()).await?;
        let feedback = own(&mut connection.db(), principal, id).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        if db
            .insert_acknowledgement(tenant, feedback.id, principal.sub(), &ack, now())
            .await?
        {
            record(
                &mut db,
                principal,
                "feedback.acknowledge",
                &("feedback", feedback.id.to_string(), Some(principal.sub())),
                serde_json::json!({"usefulness_rating": ack.rating}),
            )
            .await?;
        }
        let stored = db.acknowledgement(tenant, feedback.id).await?;
        tx.commit().await?;
        stored.ok_or_else(|| AppError::Internal("acknowledgement vanished".into()))
    }

    /// Records the caller's progress on one development action of their feedback.
    pub async fn set_progress(
        &self,
        principal: &Principal,
        id: FeedbackId,
        action: ActionId,
        status: ProgressStatus,
        note: Checked<String>,
    ) -> AppResult<ActionProgress> {
        authorize(principal, Operation::UpdateActionProgress)?;
        let note = note?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let feedback = own(&mut connection.db(), principal, id).await?;
        let known = feedback
            .document
            .0
            .development_actions
            .iter()
            .any(|a| a.id == Some(action));
        if !known {
            return Err(AppError::NotFound);
        }
        let progress = ActionProgress {
            action_id: action,
            status,
            note,
            updated_at: now(),
        };
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        db.upsert_progress(principal.tenant(), feedback.id, &progress)
            .await?;
        record(
            &mut db,
            principal,
            "development_action.progress",
            &("feedback", feedback.id.to_string(), Some(principal.sub())),
            serde_json::json!({"action_id": action, "status": status}),
        )
        .await?;
        tx.commit().await?;
        Ok(progress)
    }

    /// The caller's development plan for one feedback document.
    pub async fn plan(
        &self,
        principal: &Principal,
        id: FeedbackId,
        accept_language: Option<&str>,
    ) -> AppResult<Localized<Plan>> {
        authorize(principal, Operation::ReadOwnPlan)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let feedback = released_one(&mut db, principal, principal.sub(), id).await?;
        let labeller = (self.0)
            .labeller(
                &mut db,
                principal.tenant(),
                accept_language,
                Some(feedback.labels),
            )
            .await?;
        Ok(Localized {
            value: Plan::of(feedback, Utc::now().date_naive()),
            labeller,
        })
    }

    /// Asks for a follow-up conversation with the hiring manager or HR.
    pub async fn request_follow_up(
        &self,
        principal: &Principal,
        id: FeedbackId,
        request: Checked<FollowUpRequest>,
        once: Option<Once<'_, FollowUp>>,
    ) -> AppResult<Created<FollowUp>> {
        authorize(principal, Operation::RequestFollowUp)?;
        let request = request?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let feedback = own(&mut connection.db(), principal, id).await?;
        tracing::info!(addressee = %request.addressee, "follow-up requested");
        create_once(&mut connection, principal, once, async |db| {
            let new = NewFollowUp {
                feedback: &feedback,
                request: &request,
                at: now(),
            };
            let created = db.insert_follow_up(principal.tenant(), new).await?;
            record(db, principal, "follow_up.create", &created,
                   serde_json::json!({"feedback_id": created.feedback_id, "addressee": created.addressee}))
                .await?;
            Ok(created)
        })
        .await
    }

    /// The caller's follow-up requests and their answers.
    pub async fn list_own_follow_ups(
        &self,
        principal: &Principal,
        page: Checked<PageRequest<FollowUpId>>,
    ) -> AppResult<Page<FollowUp>> {
        authorize(principal, Operation::ListOwnFollowUps)?;
        let page = page?;
        let filter = FollowUpFilter {
            candidate_id: Some(principal.sub().clone()),
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

    /// An employee's released feedback, read by the HR portal on their behalf (the same view
    /// the employee gets; every such read is audited). An id that cannot exist finds nothing.
    pub async fn list_for(
        &self,
        principal: &Principal,
        employee: Option<EmployeeId>,
        page: Checked<PageRequest<FeedbackId>>,
        accept_language: Option<&str>,
    ) -> AppResult<Localized<Page<WithActivity>>> {
        authorize(principal, Operation::ListFeedbackOnBehalf)?;
        let page = page?;
        let employee = employee.ok_or(AppError::NotFound)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let value = page_of(&mut db, principal, &employee, page).await?;
        let known = value.items.first().map(|r| r.labels);
        let labeller = (self.0)
            .labeller(&mut db, principal.tenant(), accept_language, known)
            .await?;
        tracing::info!(reader = %principal.sub(), "released feedback listed on an employee's behalf");
        Ok(Localized { value, labeller })
    }

    pub async fn get_for(
        &self,
        principal: &Principal,
        employee: Option<EmployeeId>,
        id: FeedbackId,
        accept_language: Option<&str>,
    ) -> AppResult<Localized<WithActivity>> {
        authorize(principal, Operation::ReadFeedbackOnBehalf)?;
        let employee = employee.ok_or(AppError::NotFound)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let record = released_one(&mut db, principal, &employee, id).await?;
        let read = [(
            record.feedback.id.to_string(),
            &record.feedback.candidate_id,
        )];
        audit_reads(&mut db, principal, "feedback.read", "feedback", read).await?;
        let labeller = (self.0)
            .labeller(
                &mut db,
                principal.tenant(),
                accept_language,
                Some(record.labels),
            )
            .await?;
        tracing::info!(feedback = %record.feedback.id, reader = %principal.sub(), "released feedback read on an employee's behalf");
        Ok(Localized {
            value: record,
            labeller,
        })
    }
}

/// The caller's own released feedback, or the same `NotFound` for anything else.
async fn own(
    db: &mut Db<'_>,
    principal: &Principal,
    id: FeedbackId,
) -> AppResult<ReleasedFeedback> {
    db.released_feedback(principal.tenant(), principal.sub(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// One released feedback of `candidate`, with its activity, or `NotFound`.
async fn released_one(
    db: &mut Db<'_>,
    principal: &Principal,
    candidate: &EmployeeId,
    id: FeedbackId,
) -> AppResult<WithActivity> {
    db.released_with_activity(principal.tenant(), candidate, Released::One(id))
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

async fn page_of(
    db: &mut Db<'_>,
    principal: &Principal,
    candidate: &EmployeeId,
    page: PageRequest<FeedbackId>,
) -> AppResult<Page<WithActivity>> {
    let which = Released::Page {
        before: page.after,
        limit: page.fetch(),
    };
    let rows = db
        .released_with_activity(principal.tenant(), candidate, which)
        .await?;
    let page = Page::of(rows, page.limit);
    let reads = page
        .items
        .iter()
        .map(|r| (r.feedback.id.to_string(), &r.feedback.candidate_id));
    audit_reads(db, principal, "feedback.read", "feedback", reads).await?;
    Ok(page)
}
