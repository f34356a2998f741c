//! Feedback deadlines: the tenant's policy (HR), the lists of feedback due (the hiring
//! manager's "feedback I owe", HR's overdue queue), the candidate's request for their
//! feedback, and the reminders every `serve` process sends (each once: claimed in the
//! database).

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::auth::policy::{HiringView, Operation};
use crate::domain::deadlines::{DeadlinePolicy, Due, ReminderStep};
use crate::domain::events::EventType;
use crate::domain::{ApplicationId, Checked, EmployeeId, Precondition, Principal, TenantId};
use crate::storage::{now, Db, DueFeedback, DueFilter, NewEvent, Store};

use super::settings::SettingChange;
use super::{authorize, record, App, AppError, AppResult, Page, PageRequest};

/// A candidate asks for their feedback at most once in this many days; asking again sooner
/// is answered with the earlier request.
pub const REQUEST_EVERY_DAYS: i64 = 3;

pub struct Deadlines<'a>(pub(super) &'a App);

/// A page of feedback due, with the policy its business days are counted by.
pub struct DuePage {
    pub page: Page<DueFeedback>,
    pub policy: DeadlinePolicy,
    pub now: DateTime<Utc>,
}

impl Deadlines<'_> {
    pub async fn policy(&self, principal: &Principal) -> AppResult<(DeadlinePolicy, i64)> {
        authorize(principal, Operation::ReadDeadlinePolicy)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        Ok(connection.db().deadline_policy(principal.tenant()).await?)
    }

    /// Replaces the policy at the caller's version. Due dates already set do not move.
    pub async fn set_policy(
        &self,
        principal: &Principal,
        policy: Checked<DeadlinePolicy>,
        precondition: Precondition,
    ) -> AppResult<(DeadlinePolicy, i64)> {
        let change = SettingChange {
            operation: Operation::UpdateDeadlinePolicy,
            action: "deadline_policy.update",
            value: policy,
            precondition,
        };
        let tenant = principal.tenant();
        let write = async |db: &mut Db<'_>, policy: &DeadlinePolicy, version: i64| {
            db.set_deadline_policy(tenant, policy, version).await
        };
        self.0
            .replace_setting(
                principal,
                change,
                write,
                |policy| serde_json::json!({"due_business_days": policy.due_business_days}),
            )
            .await
    }

    /// Rejections whose feedback is not released, due soonest first: a hiring manager's own
    /// requisitions, or the whole tenant for HR; `overdue`: only those past their due day.
    pub async fn due(
        &self,
        principal: &Principal,
        overdue: bool,
        page: Checked<PageRequest<(DateTime<Utc>, ApplicationId)>>,
    ) -> AppResult<DuePage> {
        authorize(principal, Operation::ListFeedbackDue)?;
        let page = page?;
        let at = now();
        let hiring_manager = match HiringView::of(principal) {
            HiringView::Tenant => None,
            HiringView::ManagedBy(manager) => Some(manager.clone()),
            HiringView::Nothing => return Err(AppError::NotFound),
        };
        let filter = DueFilter {
            hiring_manager,
            overdue_at: overdue.then_some(at),
            after: page.after,
        };
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let (policy, _) = db.deadline_policy(principal.tenant()).await?;
        let rows = db
            .feedback_due(principal.tenant(), &filter, page.fetch())
            .await?;
        Ok(DuePage {
            page: Page::of(rows, page.limit),
            policy,
            now: at,
        })
    }

    /// The candidate asks for the feedback on their rejected application. Idempotent: asking
    /// again within `REQUEST_EVERY_DAYS` days records nothing and tells no one; `true` when
    /// this call recorded a request. Another person's application, or one not rejected, is
    /// not found.
    pub async fn request(
        &self,
        principal: &Principal,
        id: ApplicationId,
    ) -> AppResult<(bool, DateTime<Utc>)> {
        authorize(principal, Operation::RequestFeedback)?;
        let tenant = principal.tenant();
        let at = now();
        let mut connection = self.0.connection(tenant).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        let application = db
            .get_application(tenant, id)
            .await?
            .filter(|a| principal.is(&a.candidate_id))
            .filter(|a| a.feedback_due_at.is_some())
            .ok_or(AppError::NotFound)?;
        let since = at - chrono::Duration::days(REQUEST_EVERY_DAYS);
        if !db
            .request_feedback(tenant, id, principal.sub(), at, since)
            .await?
        {
            tx.rollback().await?;
            return Ok((false, application.feedback_requested_at.unwrap_or(at)));
        }
        let notify = people_to_tell(&mut db, tenant, &application.requisition_id, false).await?;
        record(
            &mut db,
            principal,
            "feedback.request",
            &application,
            serde_json::json!({
                "due_date": application.feedback_due_date,
                "notify": notify,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok((true, at))
    }
}

/// The hiring managers of a requisition (and its HR partners, when `hr`), to notify.
async fn people_to_tell(
    db: &mut Db<'_>,
    tenant: &TenantId,
    requisition: &crate::domain::RequisitionId,
    hr: bool,
) -> AppResult<Vec<EmployeeId>> {
    let Some(requisition) = db.get_requisition(tenant, *requisition).await? else {
        return Ok(Vec::new());
    };
    let mut people = requisition.hiring_manager_ids;
    if hr {
        people.extend(requisition.hr_partner_ids);
    }
    Ok(people)
}

/// Rejections examined per tenant and round.
const REMINDER_BATCH: u32 = 500;

/// Sends the reminders that have fallen due, in every tenant: `feedback.due_soon` (before and
/// on the due day, skipped once overdue), `feedback.overdue`, `feedback.escalated`. Each step
/// of each rejection is claimed in the database with its event in one transaction, so it is
/// told once whichever process gets there first. Returns how many were sent.
pub async fn send_reminders(store: &Store, at: DateTime<Utc>) -> AppResult<usize> {
    let tenants = {
        let mut connection = store.acquire().await?;
        connection.db().tenant_ids().await?
    };
    let mut sent = 0;
    for tenant in tenants {
        let mut connection = store.acquire_for(&tenant).await?;
        let (policy, _) = connection.db().deadline_policy(&tenant).await?;
        // Soonest due first, page by page, until a rejection has no step due yet: the steps
        // of the ones due later (same policy) are later still.
        let mut after = None;
        'pages: loop {
            let pending = connection
                .db()
                .reminders_pending(&tenant, after, REMINDER_BATCH)
                .await?;
            let Some(last) = pending.last() else {
                break;
            };
            let full = pending.len() == REMINDER_BATCH as usize;
            after = Some((last.feedback_due_at, last.application_id));
            for due in pending {
                let (date, ends) = (due.feedback_due_date, due.feedback_due_at);
                let steps = policy.schedule(&Due { date, ends });
                if steps.iter().all(|(_, _, when)| *when > at) {
                    break 'pages;
                }
                sent += remind(&mut connection, &tenant, &policy, &due, &steps, at).await?;
            }
            if !full {
                break;
            }
        }
    }
    Ok(sent)
}

/// Sends the steps of one rejection that have fallen due and were not sent yet; how many.
async fn remind(
    connection: &mut crate::storage::Connection,
    tenant: &TenantId,
    policy: &DeadlinePolicy,
    due: &DueFeedback,
    steps: &[(ReminderStep, u32, DateTime<Utc>)],
    at: DateTime<Utc>,
) -> AppResult<usize> {
    let mut sent = 0;
    let (date, ends) = (due.feedback_due_date, due.feedback_due_at);
    let overdue = at >= ends;
    for &(step, days, when) in steps {
        if when > at || (step == ReminderStep::DueSoon && overdue) {
            continue;
        }
        let key = match step {
            ReminderStep::DueSoon => format!("due_soon:{days}"),
            other => other.as_str().to_owned(),
        };
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        if !db
            .claim_reminder(tenant, due.application_id, &key, at)
            .await?
        {
            tx.rollback().await?;
            continue;
        }
        let escalated = step == ReminderStep::Escalated;
        let notify = people_to_tell(&mut db, tenant, &due.requisition_id, escalated).await?;
        let kind = match step {
            ReminderStep::DueSoon => EventType::FeedbackDueSoon,
            ReminderStep::Overdue => EventType::FeedbackOverdue,
            ReminderStep::Escalated => EventType::FeedbackEscalated,
        };
        let event = NewEvent {
            kind,
            candidate: Some(&due.candidate_id),
            author: None,
            data: serde_json::json!({
                "application_id": due.application_id,
                "requisition_id": due.requisition_id,
                "due_date": date,
                "business_days": days,
                "days_overdue": policy.days_overdue(date, at),
                "feedback_status": due.feedback_status,
                "notify": notify,
            }),
        };
        db.insert_event(tenant, event, at).await?;
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// Runs `send_reminders` every `interval` until the process stops.
pub async fn run_periodically(store: Store, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match send_reminders(&store, now()).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "feedback reminders sent"),
            Err(error) => {
                tracing::warn!(%error, "feedback reminders failed; retrying at the next interval")
            }
        }
    }
}
