//! Privacy: what is held about a subject, anonymisation, legal holds and retention.
//!
//! Anonymising an application deletes every free text hanging off it (the feedback document's
//! prose, internal notes, review comments, revision notes, workflow comments, the candidate's
//! acknowledgement comment, progress notes and follow-up messages) and replaces the candidate's
//! identifier with a pseudonym, everywhere including the audit trail. Structured data (statuses,
//! stages, dates, reason codes, competency levels, action kinds) stays, so aggregates survive.
//! The pseudonym is recorded in `erasures`; the audit table's trigger accepts exactly one kind of
//! update: an identifier replaced by such a pseudonym, every other column unchanged.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::AssertSqlSafe;

use crate::domain::feedback::FeedbackDocument;
use crate::domain::privacy::ErasureReason;
use crate::domain::{ApplicationId, EmployeeId, FeedbackId, FollowUpId, TenantId};

use super::feedback::FEEDBACK_COLUMNS;
use super::rows::{Application, Feedback};
use super::{on_db, Db, StorageResult};

/// A legal hold on an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalHold {
    pub reason: String,
    pub placed_by: EmployeeId,
    pub placed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct HoldRow {
    legal_hold_reason: Option<String>,
    legal_hold_by: Option<EmployeeId>,
    legal_hold_at: Option<DateTime<Utc>>,
}

impl HoldRow {
    fn hold(self) -> Option<LegalHold> {
        Some(LegalHold {
            reason: self.legal_hold_reason?,
            placed_by: self.legal_hold_by?,
            placed_at: self.legal_hold_at?,
        })
    }
}

/// An application of the subject with the public fields of its requisition.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubjectApplication {
    #[sqlx(flatten)]
    pub application: Application,
    pub requisition_title: String,
    pub requisition_department: String,
    #[sqlx(flatten)]
    hold: HoldRow,
}

impl SubjectApplication {
    pub fn legal_hold(&self) -> Option<LegalHold> {
        self.hold.clone().hold()
    }
}

/// The rows about one subject: applications and feedback documents.
#[derive(Debug, Clone)]
pub struct SubjectRecords {
    pub applications: Vec<SubjectApplication>,
    pub feedback: Vec<Feedback>,
}

/// What anonymising one application changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Anonymised {
    pub feedback: u64,
    pub follow_ups: u64,
    pub audit_events: u64,
}

/// What an erasure changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ErasureCounts {
    pub applications: u64,
    pub feedback: u64,
    pub follow_ups: u64,
    pub audit_events: u64,
    pub idempotency_records: u64,
}

impl ErasureCounts {
    pub fn add(&mut self, anonymised: Anonymised) {
        self.applications += 1;
        self.feedback += anonymised.feedback;
        self.follow_ups += anonymised.follow_ups;
        self.audit_events += anonymised.audit_events;
    }
}

impl Db<'_> {
    /// The legal hold on an application: `None` if there is no such application,
    /// `Some(None)` if it is not held.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn legal_hold(
        &mut self,
        tenant: &TenantId,
        application: ApplicationId,
    ) -> StorageResult<Option<Option<LegalHold>>> {
        let row = on_db!(self, c => sqlx::query_as::<_, HoldRow>(
                "select legal_hold_reason, legal_hold_by, legal_hold_at from applications
                 where tenant_id = $1 and id = $2")
            .bind(tenant)
            .bind(application)
            .fetch_optional(&mut *c)
            .await)?;
        Ok(row.map(HoldRow::hold))
    }

    /// Places (or replaces) the hold; the application's candidate, or `None` if there is no
    /// such application.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn place_legal_hold(
        &mut self,
        tenant: &TenantId,
        application: ApplicationId,
        hold: &LegalHold,
    ) -> StorageResult<Option<EmployeeId>> {
        Ok(on_db!(self, c => sqlx::query_scalar::<_, EmployeeId>(
                "update applications set legal_hold_reason = $3, legal_hold_by = $4, legal_hold_at = $5
                 where tenant_id = $1 and id = $2
                 returning candidate_id")
            .bind(tenant)
            .bind(application)
            .bind(hold.reason.as_str())
            .bind(&hold.placed_by)
            .bind(hold.placed_at)
            .fetch_optional(&mut *c)
            .await)?)
    }

    /// Lifts the hold; the application's candidate, or `None` if there is no such application
    /// or it was not held.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn lift_legal_hold(
        &mut self,
        tenant: &TenantId,
        application: ApplicationId,
    ) -> StorageResult<Option<EmployeeId>> {
        Ok(on_db!(self, c => sqlx::query_scalar::<_, EmployeeId>(
                "update applications set legal_hold_reason = null, legal_hold_by = null, legal_hold_at = null
                 where tenant_id = $1 and id = $2 and legal_hold_at is not null
                 returning candidate_id")
            .bind(tenant)
            .bind(application)
            .fetch_optional(&mut *c)
            .await)?)
    }

    /// The subject's applications (with requisition and hold) and feedback documents.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn subject_records(
        &mut self,
        tenant: &TenantId,
        subject: &EmployeeId,
    ) -> StorageResult<SubjectRecords> {
        let applications = on_db!(self, c => sqlx::query_as::<_, SubjectApplication>(
                "select a.id, a.requisition_id, a.candidate_id, a.external_ref, a.status, a.stage_reached,
                        a.decided_at, a.decided_by, a.feedback_due_date, a.feedback_due_at,
                        a.feedback_requested_at, a.version, a.created_at, a.updated_at,
                        r.title as requisition_title, r.department as requisition_department,
                        a.legal_hold_reason, a.legal_hold_by, a.legal_hold_at
                 from applications a join requisitions r on r.id = a.requisition_id
                 where a.tenant_id = $1 and a.candidate_id = $2
                 order by a.id")
            .bind(tenant)
            .bind(subject)
            .fetch_all(&mut *c)
            .await)?;
        let sql = format!(
            "select {FEEDBACK_COLUMNS} from feedback where tenant_id = $1 and candidate_id = $2 order by id"
        );
        let feedback = on_db!(self, c => sqlx::query_as::<_, Feedback>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(subject)
            .fetch_all(&mut *c)
            .await)?;
        Ok(SubjectRecords {
            applications,
            feedback,
        })
    }

    /// Records a pseudonym (which the audit trigger then accepts as a replacement).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn record_erasure(
        &mut self,
        tenant: &TenantId,
        pseudonym: &EmployeeId,
        reason: ErasureReason,
        by: &EmployeeId,
        at: DateTime<Utc>,
    ) -> StorageResult<()> {
        on_db!(self, c => sqlx::query(
                "insert into erasures (pseudonym, tenant_id, reason, erased_by, erased_at)
                 values ($1, $2, $3, $4, $5)")
            .bind(pseudonym)
            .bind(tenant)
            .bind(reason)
            .bind(by)
            .bind(at)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The subject's applications and whether each is under legal hold.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn subject_applications(
        &mut self,
        tenant: &TenantId,
        subject: &EmployeeId,
    ) -> StorageResult<Vec<(ApplicationId, bool)>> {
        Ok(
            on_db!(self, c => sqlx::query_as::<_, (ApplicationId, bool)>(
                "select id, legal_hold_at is not null from applications
                 where tenant_id = $1 and candidate_id = $2 order by id")
            .bind(tenant)
            .bind(subject)
            .fetch_all(&mut *c)
            .await)?,
        )
    }

    /// Anonymises one application and everything hanging off it (see the module docs): free
    /// text deleted, `subject` replaced by `pseudonym`, also in the audit events about these
    /// records. `None` when the application is held or already anonymised: the claim comes
    /// first, so its row lock also holds off a legal hold placed meanwhile.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn anonymise_application(
        &mut self,
        tenant: &TenantId,
        application: ApplicationId,
        subject: &EmployeeId,
        pseudonym: &EmployeeId,
        at: DateTime<Utc>,
    ) -> StorageResult<Option<Anonymised>> {
        let claimed = on_db!(self, c => sqlx::query(
                "update applications
                 set candidate_id = $3, external_ref = null, anonymised_at = $4, version = version + 1, updated_at = $4
                 where tenant_id = $1 and id = $2 and legal_hold_at is null and anonymised_at is null")
            .bind(tenant)
            .bind(application)
            .bind(pseudonym)
            .bind(at)
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected()))?;
        if claimed == 0 {
            return Ok(None);
        }
        let mut resources = vec![application.to_string()];
        let mut counts = Anonymised::default();
        let documents = on_db!(self, c => sqlx::query_as::<_, (FeedbackId, Json<FeedbackDocument>)>(
                "select id, document from feedback where tenant_id = $1 and application_id = $2")
            .bind(tenant)
            .bind(application)
            .fetch_all(&mut *c)
            .await)?;
        for (feedback, document) in &documents {
            self.anonymise_feedback(tenant, *feedback, &document.0, pseudonym, at)
                .await?;
            let follow_ups = self
                .anonymise_follow_ups(tenant, *feedback, pseudonym)
                .await?;
            counts.feedback += 1;
            counts.follow_ups += follow_ups.len() as u64;
            resources.push(feedback.to_string());
            resources.extend(follow_ups.iter().map(FollowUpId::to_string));
        }
        for resource in &resources {
            counts.audit_events += on_db!(self, c => sqlx::query(
                    "update audit_events
                     set candidate_id = $4, actor = case when actor = $3 then $4 else actor end
                     where tenant_id = $1 and candidate_id = $3 and resource_id = $2")
                .bind(tenant)
                .bind(resource.as_str())
                .bind(subject)
                .bind(pseudonym)
                .execute(&mut *c)
                .await
                .map(|done| done.rows_affected()))?;
        }
        Ok(Some(counts))
    }

    /// The prose of one feedback document and of everything recorded about it, deleted.
    async fn anonymise_feedback(
        &mut self,
        tenant: &TenantId,
        feedback: FeedbackId,
        document: &FeedbackDocument,
        pseudonym: &EmployeeId,
        at: DateTime<Utc>,
    ) -> StorageResult<()> {
        on_db!(self, c => sqlx::query(
                "update feedback set document = $3, internal_notes = '', review_comment = null,
                        candidate_id = $4, version = version + 1, updated_at = $5
                 where tenant_id = $1 and id = $2")
            .bind(tenant)
            .bind(feedback)
            .bind(Json(document.without_free_text()))
            .bind(pseudonym)
            .bind(at)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
        let revisions = on_db!(self, c => sqlx::query_as::<_, (i32, Json<FeedbackDocument>)>(
                "select revision, document from feedback_revisions where tenant_id = $1 and feedback_id = $2")
            .bind(tenant)
            .bind(feedback)
            .fetch_all(&mut *c)
            .await)?;
        for (revision, document) in &revisions {
            on_db!(self, c => sqlx::query(
                    "update feedback_revisions set document = $3, internal_notes = '', note = null
                     where feedback_id = $1 and revision = $2")
                .bind(feedback)
                .bind(revision)
                .bind(Json(document.0.without_free_text()))
                .execute(&mut *c)
                .await
                .map(|_| ()))?;
        }
        for sql in [
            "update feedback_events set comment = null where feedback_id = $1",
            "update action_progress set note = '' where feedback_id = $1",
        ] {
            on_db!(self, c => sqlx::query(sql)
                .bind(feedback)
                .execute(&mut *c)
                .await
                .map(|_| ()))?;
        }
        on_db!(self, c => sqlx::query(
                "update feedback_acknowledgements set comment = null, candidate_id = $2 where feedback_id = $1")
            .bind(feedback)
            .bind(pseudonym)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The follow-ups of one feedback document, their prose deleted; their ids.
    async fn anonymise_follow_ups(
        &mut self,
        tenant: &TenantId,
        feedback: FeedbackId,
        pseudonym: &EmployeeId,
    ) -> StorageResult<Vec<FollowUpId>> {
        Ok(on_db!(self, c => sqlx::query_scalar::<_, FollowUpId>(
                "update follow_up_requests
                 set message = '', preferred_times = $3, answer_note = null, candidate_id = $4
                 where tenant_id = $1 and feedback_id = $2
                 returning id")
            .bind(tenant)
            .bind(feedback)
            .bind(Json(Vec::<String>::new()))
            .bind(pseudonym)
            .fetch_all(&mut *c)
            .await)?)
    }

    /// Every remaining audit event about `subject` re-pointed to `pseudonym` (events about
    /// the subject as such, like exports).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn repoint_audit_events(
        &mut self,
        tenant: &TenantId,
        subject: &EmployeeId,
        pseudonym: &EmployeeId,
    ) -> StorageResult<u64> {
        Ok(on_db!(self, c => sqlx::query(
                "update audit_events
                 set candidate_id = $3,
                     actor = case when actor = $2 then $3 else actor end,
                     resource_id = case when resource_id = $2 then $3 else resource_id end
                 where tenant_id = $1 and candidate_id = $2")
            .bind(tenant)
            .bind(subject)
            .bind(pseudonym)
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected()))?)
    }

    /// Remembered create responses made by or about `subject`, deleted.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_subject_keys(
        &mut self,
        tenant: &TenantId,
        subject: &EmployeeId,
    ) -> StorageResult<u64> {
        Ok(on_db!(self, c => sqlx::query(
                "delete from idempotency_keys where tenant_id = $1 and (caller = $2 or subject_id = $2)")
            .bind(tenant)
            .bind(subject)
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected()))?)
    }
}
