//! Feedback documents, their workflow log and their released revisions.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::AssertSqlSafe;

use crate::domain::feedback::{FeedbackAction, FeedbackDocument, FeedbackStatus};
use crate::domain::{AuditEventId, EmployeeId, FeedbackId, RequisitionId, TenantId};

use super::rows::{Application, Feedback, FeedbackEvent, FeedbackRevision};
use super::{now, on_db, AuditContext, AuditRecord, Connection, Db, StorageResult};

/// The columns of `Feedback`, with its application's due day (the subqueries' unqualified
/// `application_id` is the feedback row's: applications have no column of that name).
pub(super) const FEEDBACK_COLUMNS: &str = "id, application_id, requisition_id, candidate_id, author_id, status, revision, \
     document, internal_notes, review_comment, version, created_at, updated_at, released_at, \
     (select a.feedback_due_date from applications a where a.id = application_id) as feedback_due_date, \
     (select a.feedback_due_at from applications a where a.id = application_id) as feedback_due_at, \
     (select a.feedback_requested_at from applications a where a.id = application_id) as feedback_requested_at, \
     (select t.catalog_version from tenants t where t.id = tenant_id) as catalog_version";

/// Filters of the feedback list.
#[derive(Debug, Clone, Default)]
pub struct FeedbackFilter {
    pub status: Option<FeedbackStatus>,
    pub requisition_id: Option<RequisitionId>,
    /// Only feedback on requisitions that list this employee as a hiring manager.
    pub hiring_manager: Option<EmployeeId>,
    /// Only feedback last changed before this instant (how long it has waited).
    pub updated_before: Option<DateTime<Utc>>,
    pub after: Option<FeedbackId>,
}

/// A new draft: the application it is about, who writes it, what it says.
#[derive(Debug, Clone)]
pub struct NewFeedback<'a> {
    pub application: &'a Application,
    pub author: &'a EmployeeId,
    pub document: &'a FeedbackDocument,
    pub internal_notes: &'a str,
    pub at: DateTime<Utc>,
}

/// One workflow step, for the log.
#[derive(Debug, Clone, Copy)]
pub struct FeedbackUpdate<'a> {
    pub action: FeedbackAction,
    pub from: Option<FeedbackStatus>,
    pub actor: &'a EmployeeId,
    /// The HR comment of a return, or the note of an amendment.
    pub comment: Option<&'a str>,
}

impl Db<'_> {
    /// Starts the draft for an application (at most one per application).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn insert_feedback(
        &mut self,
        tenant: &TenantId,
        new: NewFeedback<'_>,
    ) -> StorageResult<Feedback> {
        let sql = format!(
            "insert into feedback (id, tenant_id, application_id, requisition_id, candidate_id, author_id, status,
                                   revision, document, internal_notes, version, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, 1, $10, $10)
             returning {FEEDBACK_COLUMNS}"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Feedback>(AssertSqlSafe(sql.as_str()))
            .bind(FeedbackId::generate())
            .bind(tenant)
            .bind(new.application.id)
            .bind(new.application.requisition_id)
            .bind(&new.application.candidate_id)
            .bind(new.author)
            .bind(FeedbackStatus::Draft)
            .bind(Json(new.document))
            .bind(new.internal_notes)
            .bind(new.at)
            .fetch_one(&mut *c)
            .await)?,
        )
    }

    /// The feedback, if `manager` is `None` (the whole tenant) or a hiring manager of its
    /// requisition: one statement for the record and the caller's right to it.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_feedback(
        &mut self,
        tenant: &TenantId,
        id: FeedbackId,
        manager: Option<&EmployeeId>,
    ) -> StorageResult<Option<Feedback>> {
        let sql = format!(
            "select {FEEDBACK_COLUMNS} from feedback f
             where f.tenant_id = $1 and f.id = $2
               and ($3 is null or exists (
                     select 1 from requisition_people p
                     where p.requisition_id = f.requisition_id and p.relation = 'hiring_manager' and p.person_id = $3))"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Feedback>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(id)
            .bind(manager)
            .fetch_optional(&mut *c)
            .await)?,
        )
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_feedback(
        &mut self,
        tenant: &TenantId,
        filter: &FeedbackFilter,
        limit: u32,
    ) -> StorageResult<Vec<Feedback>> {
        let sql = format!(
            "select {FEEDBACK_COLUMNS} from feedback f
             where f.tenant_id = $1
               and ($2 is null or f.status = $2)
               and ($3 is null or f.requisition_id = $3)
               and ($4 is null or exists (
                     select 1 from requisition_people p
                     where p.requisition_id = f.requisition_id and p.relation = 'hiring_manager' and p.person_id = $4))
               and ($5 is null or f.updated_at < $5)
               and ($6 is null or f.id > $6)
             order by f.id
             limit $7"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Feedback>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(filter.status)
            .bind(filter.requisition_id)
            .bind(filter.hiring_manager.as_ref())
            .bind(filter.updated_before)
            .bind(filter.after)
            .bind(i64::from(limit))
            .fetch_all(&mut *c)
            .await)?,
        )
    }

    /// Writes `next` over the row if it is still at `version`; `false` if it is not.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn replace_feedback(
        &mut self,
        tenant: &TenantId,
        version: i64,
        next: &Feedback,
    ) -> StorageResult<bool> {
        let changed = on_db!(self, c => sqlx::query(
                "update feedback
                 set status = $4, revision = $5, document = $6, internal_notes = $7, review_comment = $8,
                     version = $9, updated_at = $10, released_at = $11
                 where tenant_id = $1 and id = $2 and version = $3")
            .bind(tenant)
            .bind(next.id)
            .bind(version)
            .bind(next.status)
            .bind(next.revision)
            .bind(&next.document)
            .bind(next.internal_notes.as_str())
            .bind(next.review_comment.as_deref())
            .bind(next.version)
            .bind(next.updated_at)
            .bind(next.released_at)
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(changed == 1)
    }

    /// Logs a workflow step of `feedback` (who, what, when).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn record_step(
        &mut self,
        tenant: &TenantId,
        feedback: &Feedback,
        step: FeedbackUpdate<'_>,
    ) -> StorageResult<()> {
        on_db!(self, c => sqlx::query(
                "insert into feedback_events (id, tenant_id, feedback_id, action, from_status, to_status, actor, comment, at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(uuid::Uuid::now_v7())
            .bind(tenant)
            .bind(feedback.id)
            .bind(step.action)
            .bind(step.from)
            .bind(feedback.status)
            .bind(step.actor)
            .bind(step.comment)
            .bind(feedback.updated_at)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Keeps a snapshot of what the candidate is shown at `feedback.revision`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn insert_revision(
        &mut self,
        tenant: &TenantId,
        feedback: &Feedback,
        note: Option<&str>,
        by: &EmployeeId,
    ) -> StorageResult<()> {
        on_db!(self, c => sqlx::query(
                "insert into feedback_revisions
                   (feedback_id, revision, tenant_id, document, internal_notes, note, created_by, created_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(feedback.id)
            .bind(feedback.revision)
            .bind(tenant)
            .bind(&feedback.document)
            .bind(feedback.internal_notes.as_str())
            .bind(note)
            .bind(by)
            .bind(feedback.updated_at)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn feedback_events(
        &mut self,
        tenant: &TenantId,
        id: FeedbackId,
    ) -> StorageResult<Vec<FeedbackEvent>> {
        Ok(on_db!(self, c => sqlx::query_as::<_, FeedbackEvent>(
                "select action, from_status, to_status, actor, comment, at from feedback_events
                 where tenant_id = $1 and feedback_id = $2 order by id")
            .bind(tenant)
            .bind(id)
            .fetch_all(&mut *c)
            .await)?)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn feedback_revisions(
        &mut self,
        tenant: &TenantId,
        id: FeedbackId,
    ) -> StorageResult<Vec<FeedbackRevision>> {
        Ok(on_db!(self, c => sqlx::query_as::<_, FeedbackRevision>(
                "select revision, document, internal_notes, note, created_by, created_at from feedback_revisions
                 where tenant_id = $1 and feedback_id = $2 order by revision")
            .bind(tenant)
            .bind(id)
            .fetch_all(&mut *c)
            .await)?)
    }
}

/// A workflow step written whole: the record at its new version, the step's workflow event and
/// its audit row.
pub struct RecordedStep<'a> {
    pub version: i64,
    pub next: &'a Feedback,
    pub update: FeedbackUpdate<'a>,
    pub audit: &'a AuditContext,
    pub record: AuditRecord<'a>,
}

impl Connection {
    /// Writes `step` if the record is still at `step.version`; `false` when it is not (nothing
    /// written). On PostgreSQL one statement (data-modifying CTEs: atomic without `BEGIN` and
    /// `COMMIT`, so one round trip instead of five); on SQLite the same three statements in one
    /// transaction (in-process, where a round trip costs no network).
    pub async fn write_step(
        &mut self,
        tenant: &TenantId,
        step: RecordedStep<'_>,
    ) -> StorageResult<bool> {
        if self.is_postgres() {
            return self.db().write_step_at_once(tenant, &step).await;
        }
        let mut tx = self.begin().await?;
        let mut db = tx.db();
        if !db.replace_feedback(tenant, step.version, step.next).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        db.record_step(tenant, step.next, step.update).await?;
        db.record_audit(tenant, step.audit, step.record).await?;
        tx.commit().await?;
        Ok(true)
    }
}

impl Db<'_> {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn write_step_at_once(
        &mut self,
        tenant: &TenantId,
        step: &RecordedStep<'_>,
    ) -> StorageResult<bool> {
        let (next, update, audit, record) = (step.next, &step.update, step.audit, &step.record);
        let written = on_db!(self, c => sqlx::query_scalar::<_, i64>(
                "with updated as (
                   update feedback
                      set status = $4, revision = $5, document = $6, internal_notes = $7,
                          review_comment = $8, version = $9, updated_at = $10, released_at = $11
                    where tenant_id = $1 and id = $2 and version = $3
                   returning id
                 ), step as (
                   insert into feedback_events
                     (id, tenant_id, feedback_id, action, from_status, to_status, actor, comment, at)
                   select $12, $1, id, $13, $14, $4, $15, $16, $10 from updated
                 ), audit as (
                   insert into audit_events
                     (id, tenant_id, at, actor, actor_roles, action, resource_type, resource_id,
                      candidate_id, request_id, details)
                   select $17, $1, $18, $19, $20, $21, $22, $23, $24, $25, $26 from updated
                 )
                 select count(*) from updated")
            .bind(tenant)
            .bind(next.id)
            .bind(step.version)
            .bind(next.status)
            .bind(next.revision)
            .bind(&next.document)
            .bind(next.internal_notes.as_str())
            .bind(next.review_comment.as_deref())
            .bind(next.version)
            .bind(next.updated_at)
            .bind(next.released_at)
            .bind(uuid::Uuid::now_v7())
            .bind(update.action)
            .bind(update.from)
            .bind(update.actor)
            .bind(update.comment)
            .bind(AuditEventId::generate())
            .bind(now())
            .bind(&audit.actor)
            .bind(audit.roles.as_str())
            .bind(record.action)
            .bind(record.resource_type)
            .bind(record.resource_id.as_str())
            .bind(record.candidate)
            .bind(audit.request_id.as_deref())
            .bind(Json(&record.details))
            .fetch_one(&mut *c)
            .await)?;
        Ok(written == 1)
    }
}
