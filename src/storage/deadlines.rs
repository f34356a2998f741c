//! Feedback deadlines: the tenant's policy, the lists of feedback due, the candidate's
//! request, and the reminders sent (one row per application and step: the primary key is what
//! makes a reminder happen once, across processes and restarts).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::types::Json;

use crate::domain::deadlines::DeadlinePolicy;
use crate::domain::feedback::FeedbackStatus;
use crate::domain::{ApplicationId, EmployeeId, RequisitionId, TenantId};

use super::{on_db, Db, StorageError, StorageResult};

/// The policy as stored (JSON): what `DeadlinePolicy::parse` reads.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredDeadlinePolicy {
    pub due_business_days: u32,
    pub reminder_days_before: Vec<u32>,
    pub escalate_after_business_days: u32,
    pub time_zone: String,
    pub holidays: Vec<NaiveDate>,
}

impl From<&DeadlinePolicy> for StoredDeadlinePolicy {
    fn from(policy: &DeadlinePolicy) -> Self {
        Self {
            due_business_days: policy.due_business_days,
            reminder_days_before: policy.reminder_days_before.clone(),
            escalate_after_business_days: policy.escalate_after_business_days,
            time_zone: policy.time_zone.name().to_owned(),
            holidays: policy.holidays.iter().copied().collect(),
        }
    }
}

impl StoredDeadlinePolicy {
    fn policy(&self) -> StorageResult<DeadlinePolicy> {
        DeadlinePolicy::parse(
            self.due_business_days,
            &self.reminder_days_before,
            self.escalate_after_business_days,
            &self.time_zone,
            &self.holidays,
        )
        .map_err(|_| StorageError::Other("a stored deadline policy does not parse".into()))
    }
}

/// A rejection whose feedback is not released yet, with its due date.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DueFeedback {
    pub application_id: ApplicationId,
    pub requisition_id: RequisitionId,
    pub requisition_title: String,
    pub candidate_id: EmployeeId,
    pub feedback_due_date: NaiveDate,
    pub feedback_due_at: DateTime<Utc>,
    pub feedback_requested_at: Option<DateTime<Utc>>,
    /// `None`: no feedback written yet.
    pub feedback_status: Option<FeedbackStatus>,
}

/// Which rejections a due list shows.
#[derive(Debug, Clone, Default)]
pub struct DueFilter {
    /// Only requisitions that list this hiring manager.
    pub hiring_manager: Option<EmployeeId>,
    /// Only those whose due day ended before this instant.
    pub overdue_at: Option<DateTime<Utc>>,
    /// Keyset position: after (due instant, application id).
    pub after: Option<(DateTime<Utc>, ApplicationId)>,
}

/// The keyset position is a row comparison, `(due at, id) > ($4, $5)`, which the index
/// `applications_feedback_open (tenant_id, feedback_due_at, id)` answers as a range: a page
/// deep in a long queue costs what the first page does. (An `or` of the two comparisons was
/// a filter instead, read from the start of the index: 2 ms at 10 000 rows, 400 ms at a
/// million.) The page is taken from the applications alone, then joined: with the joins in
/// the same query, PostgreSQL misjudged a small tenant's rows and sorted all of them for
/// every page (70 ms at 10 000 rows; 1 ms now). The first page starts before every row
/// (`before_all`).
const DUE_SQL: &str =
    "select a.id as application_id, a.requisition_id, r.title as requisition_title,
            a.candidate_id, a.feedback_due_date, a.feedback_due_at, a.feedback_requested_at,
            f.status as feedback_status
       from (select a.* from applications a
              where a.tenant_id = $1 and a.status = 'rejected' and a.feedback_due_at is not null
                and a.feedback_released_at is null
                and a.candidate_id not like 'erased:%'
                and ($2 is null or exists (
                      select 1 from requisition_people p
                       where p.requisition_id = a.requisition_id and p.relation = 'hiring_manager'
                         and p.person_id = $2))
                and ($3 is null or a.feedback_due_at <= $3)
                and (a.feedback_due_at, a.id) > ($4, $5)
              order by a.feedback_due_at, a.id
              limit $6) a
       join requisitions r on r.id = a.requisition_id and r.tenant_id = a.tenant_id
       left join feedback f on f.tenant_id = a.tenant_id and f.application_id = a.id
      order by a.feedback_due_at, a.id";

/// A keyset position before every due rejection: the first page's.
fn before_all() -> (DateTime<Utc>, ApplicationId) {
    (
        DateTime::<Utc>::UNIX_EPOCH,
        ApplicationId::from_uuid(uuid::Uuid::nil()),
    )
}

impl Db<'_> {
    /// Stops an application's clock: when its feedback was released and the business days
    /// from its decision to then (`None` for an application decided before deadlines), as
    /// the due lists, the reminders and the timeliness report read them.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn record_release(
        &mut self,
        tenant: &TenantId,
        application: ApplicationId,
        at: DateTime<Utc>,
        business_days: Option<u32>,
    ) -> StorageResult<()> {
        let days = business_days.map(|days| i32::try_from(days).unwrap_or(i32::MAX));
        on_db!(self, c => sqlx::query(
            "update applications set feedback_released_at = $3, feedback_release_business_days = $4
              where tenant_id = $1 and id = $2")
            .bind(tenant)
            .bind(application)
            .bind(at)
            .bind(days)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The tenant's deadline policy (the defaults until HR sets one) and its version.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn deadline_policy(
        &mut self,
        tenant: &TenantId,
    ) -> StorageResult<(DeadlinePolicy, i64)> {
        let row = on_db!(self, c => sqlx::query_as::<_, (Option<Json<StoredDeadlinePolicy>>, i64)>(
            "select deadline_policy, deadline_policy_version from tenants where id = $1")
            .bind(tenant)
            .fetch_optional(&mut *c)
            .await)?;
        match row {
            Some((Some(stored), version)) => Ok((stored.0.policy()?, version)),
            Some((None, version)) => Ok((DeadlinePolicy::default(), version)),
            None => Ok((DeadlinePolicy::default(), 1)),
        }
    }

    /// Replaces the policy if it is still at `version`; the new version, or `None` if stale.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_deadline_policy(
        &mut self,
        tenant: &TenantId,
        policy: &DeadlinePolicy,
        version: i64,
    ) -> StorageResult<Option<i64>> {
        Ok(on_db!(self, c => sqlx::query_scalar::<_, i64>(
            "update tenants set deadline_policy = $2, deadline_policy_version = deadline_policy_version + 1
              where id = $1 and deadline_policy_version = $3
              returning deadline_policy_version")
            .bind(tenant)
            .bind(Json(StoredDeadlinePolicy::from(policy)))
            .bind(version)
            .fetch_optional(&mut *c)
            .await)?)
    }

    /// Rejections whose feedback is not released, due soonest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn feedback_due(
        &mut self,
        tenant: &TenantId,
        filter: &DueFilter,
        limit: u32,
    ) -> StorageResult<Vec<DueFeedback>> {
        let (after_at, after_id) = filter.after.unwrap_or_else(before_all);
        Ok(on_db!(self, c => sqlx::query_as::<_, DueFeedback>(DUE_SQL)
            .bind(tenant)
            .bind(filter.hiring_manager.as_ref())
            .bind(filter.overdue_at)
            .bind(after_at)
            .bind(after_id)
            .bind(i64::from(limit))
            .fetch_all(&mut *c)
            .await)?)
    }

    /// Records the candidate's request for their feedback, unless they asked since
    /// `not_since`; the request's time when recorded.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn request_feedback(
        &mut self,
        tenant: &TenantId,
        application: ApplicationId,
        candidate: &EmployeeId,
        at: DateTime<Utc>,
        not_since: DateTime<Utc>,
    ) -> StorageResult<bool> {
        Ok(on_db!(self, c => sqlx::query(
            "update applications set feedback_requested_at = $4
              where tenant_id = $1 and id = $2 and candidate_id = $3 and status = 'rejected'
                and (feedback_requested_at is null or feedback_requested_at < $5)")
            .bind(tenant)
            .bind(application)
            .bind(candidate)
            .bind(at)
            .bind(not_since)
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected() > 0))?)
    }

    /// Rejections that may still need a reminder, soonest due first from `after`: not
    /// released, not yet escalated.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn reminders_pending(
        &mut self,
        tenant: &TenantId,
        after: Option<(DateTime<Utc>, ApplicationId)>,
        limit: u32,
    ) -> StorageResult<Vec<DueFeedback>> {
        let (after_at, after_id) = after.unwrap_or_else(before_all);
        let sql = DUE_SQL.replace(
            "and ($3 is null",
            "and not exists (select 1 from feedback_reminders m
                              where m.application_id = a.id and m.step = 'escalated')
             and ($3 is null",
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, DueFeedback>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(None::<&EmployeeId>)
            .bind(None::<DateTime<Utc>>)
            .bind(after_at)
            .bind(after_id)
            .bind(i64::from(limit))
            .fetch_all(&mut *c)
            .await)?,
        )
    }

    /// Marks `step` sent for an application; `false` when it already was (by this process or
    /// another): the caller then tells no one.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn claim_reminder(
        &mut self,
        tenant: &TenantId,
        application: ApplicationId,
        step: &str,
        at: DateTime<Utc>,
    ) -> StorageResult<bool> {
        Ok(on_db!(self, c => sqlx::query(
            "insert into feedback_reminders (tenant_id, application_id, step, sent_at)
             values ($1, $2, $3, $4) on conflict (application_id, step) do nothing")
            .bind(tenant)
            .bind(application)
            .bind(step)
            .bind(at)
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected() > 0))?)
    }
}
