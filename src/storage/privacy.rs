//! Privacy: what is held about a subject (access export), anonymisation (erasure on request and
//! retention after the decision), legal holds that block both, and the tenant's retention policy.
//!
//! Anonymising an application deletes every free text hanging off it (the feedback document's
//! prose, internal notes, review comments, revision notes, workflow comments, the candidate's
//! acknowledgement comment, progress notes and follow-up messages) and replaces the candidate's
//! identifier with a pseudonym, everywhere including the audit trail. Structured data (statuses,
//! stages, dates, reason codes, competency levels, action kinds) stays, so aggregates survive.
//! The pseudonym is recorded in `erasures`; the audit table's trigger accepts exactly one kind of
//! update: an identifier replaced by such a pseudonym, every other column unchanged.

use chrono::{DateTime, Months, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::audit::{audit_event, AuditContext, AuditEvent, AuditFilter};
use super::rows::{
    Acknowledgement, ActionProgress, Application, Feedback, FeedbackEvent, FeedbackRevision,
    FollowUp,
};
use super::{now, on_pool, BeginWrite, FollowUpFilter, StorageError, StorageResult, Store};
use crate::domain::feedback::FeedbackDocument;
use crate::domain::{SubjectId, TenantId};

/// Why a record was anonymised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureReason {
    /// The subject asked (GDPR Art. 17), through HR.
    SubjectRequest,
    /// The tenant's retention period after the decision ran out.
    Retention,
}

impl ErasureReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SubjectRequest => "subject_request",
            Self::Retention => "retention",
        }
    }
}

/// A legal hold on an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalHold {
    pub reason: String,
    pub placed_by: String,
    pub placed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct HoldRow {
    legal_hold_reason: Option<String>,
    legal_hold_by: Option<String>,
    legal_hold_at: Option<DateTime<Utc>>,
}

impl HoldRow {
    fn hold(&self) -> Option<LegalHold> {
        Some(LegalHold {
            reason: self.legal_hold_reason.clone()?,
            placed_by: self.legal_hold_by.clone()?,
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
        self.hold.hold()
    }
}

/// A feedback document about the subject with everything hanging off it.
#[derive(Debug, Clone)]
pub struct SubjectFeedback {
    pub feedback: Feedback,
    pub events: Vec<FeedbackEvent>,
    pub revisions: Vec<FeedbackRevision>,
    pub acknowledgement: Option<Acknowledgement>,
    pub progress: Vec<ActionProgress>,
    pub follow_ups: Vec<FollowUp>,
}

/// Everything held about one subject in one tenant.
#[derive(Debug, Clone)]
pub struct SubjectRecords {
    pub applications: Vec<SubjectApplication>,
    pub feedback: Vec<SubjectFeedback>,
    pub audit_events: Vec<AuditEvent>,
}

impl SubjectRecords {
    pub fn is_empty(&self) -> bool {
        self.applications.is_empty() && self.feedback.is_empty() && self.audit_events.is_empty()
    }
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

/// The outcome of an erasure request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Erasure {
    Done {
        pseudonym: String,
        counts: ErasureCounts,
    },
    /// Applications under legal hold block it; nothing was changed.
    Held(Vec<Uuid>),
    /// Nothing is held about the subject in this tenant.
    NothingHeld,
}

/// An application whose retention period has run out.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RetentionItem {
    pub tenant_id: String,
    pub application_id: Uuid,
    pub decided_at: DateTime<Utc>,
    /// Under legal hold: kept, and listed so that operators see why.
    pub held: bool,
}

const PAGE: u32 = 1000;

/// A pseudonym that cannot be mistaken for an employee id someone could hold (`erased:` is
/// not a prefix any identity provider issues) and links nothing.
fn pseudonym() -> String {
    format!("erased:{}", Uuid::now_v7())
}

/// Anonymises one application and everything hanging off it inside the transaction `$tx`:
/// free text deleted, `$subject` replaced by `$pseudonym` (also in the audit events about
/// these records). Evaluates to `(feedback, follow_ups, audit_events)` counts.
macro_rules! anonymise_application {
    ($tx:expr, $tenant:expr, $application:expr, $subject:expr, $pseudonym:expr, $at:expr) => {{
        // Claimed first: the row lock also holds off a legal hold placed meanwhile, and a hold
        // committed before it makes this refuse.
        let claimed = sqlx::query(
            "update applications
             set candidate_id = $3, external_ref = null, anonymised_at = $4, version = version + 1, updated_at = $4
             where tenant_id = $1 and id = $2 and legal_hold_at is null and anonymised_at is null",
        )
        .bind($tenant.as_str())
        .bind($application)
        .bind($pseudonym)
        .bind($at)
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Err(StorageError::Conflict(format!(
                "application {} is under legal hold or already anonymised",
                $application
            )));
        }
        let mut resources: Vec<String> = vec![$application.to_string()];
        let mut follow_ups = 0u64;
        let documents: Vec<(Uuid, Json<FeedbackDocument>)> = sqlx::query_as(
            "select id, document from feedback where tenant_id = $1 and application_id = $2",
        )
        .bind($tenant.as_str())
        .bind($application)
        .fetch_all(&mut *$tx)
        .await?;
        for (feedback, document) in &documents {
            sqlx::query(
                "update feedback set document = $3, internal_notes = '', review_comment = null,
                        candidate_id = $4, version = version + 1, updated_at = $5
                 where tenant_id = $1 and id = $2",
            )
            .bind($tenant.as_str())
            .bind(feedback)
            .bind(Json(document.0.without_free_text()))
            .bind($pseudonym)
            .bind($at)
            .execute(&mut *$tx)
            .await?;
            let revisions: Vec<(i32, Json<FeedbackDocument>)> = sqlx::query_as(
                "select revision, document from feedback_revisions where tenant_id = $1 and feedback_id = $2",
            )
            .bind($tenant.as_str())
            .bind(feedback)
            .fetch_all(&mut *$tx)
            .await?;
            for (revision, document) in &revisions {
                sqlx::query(
                    "update feedback_revisions set document = $3, internal_notes = '', note = null
                     where feedback_id = $1 and revision = $2",
                )
                .bind(feedback)
                .bind(revision)
                .bind(Json(document.0.without_free_text()))
                .execute(&mut *$tx)
                .await?;
            }
            sqlx::query("update feedback_events set comment = null where feedback_id = $1")
                .bind(feedback)
                .execute(&mut *$tx)
                .await?;
            sqlx::query(
                "update feedback_acknowledgements set comment = null, candidate_id = $2 where feedback_id = $1",
            )
            .bind(feedback)
            .bind($pseudonym)
            .execute(&mut *$tx)
            .await?;
            sqlx::query("update action_progress set note = '' where feedback_id = $1")
                .bind(feedback)
                .execute(&mut *$tx)
                .await?;
            let answered: Vec<(Uuid,)> = sqlx::query_as(
                "update follow_up_requests
                 set message = '', preferred_times = $3, answer_note = null, candidate_id = $4
                 where tenant_id = $1 and feedback_id = $2
                 returning id",
            )
            .bind($tenant.as_str())
            .bind(feedback)
            .bind(Json(Vec::<String>::new()))
            .bind($pseudonym)
            .fetch_all(&mut *$tx)
            .await?;
            follow_ups += answered.len() as u64;
            resources.push(feedback.to_string());
            resources.extend(answered.into_iter().map(|(id,)| id.to_string()));
        }
        let mut audit_events = 0u64;
        for resource in &resources {
            audit_events += sqlx::query(
                "update audit_events
                 set candidate_id = $4, actor = case when actor = $3 then $4 else actor end
                 where tenant_id = $1 and candidate_id = $3 and resource_id = $2",
            )
            .bind($tenant.as_str())
            .bind(resource.as_str())
            .bind($subject)
            .bind($pseudonym)
            .execute(&mut *$tx)
            .await?
            .rows_affected();
        }
        (documents.len() as u64, follow_ups, audit_events)
    }};
}

macro_rules! record_erasure {
    ($tx:expr, $tenant:expr, $pseudonym:expr, $reason:expr, $by:expr, $at:expr) => {
        sqlx::query(
            "insert into erasures (pseudonym, tenant_id, reason, erased_by, erased_at) values ($1, $2, $3, $4, $5)",
        )
        .bind($pseudonym)
        .bind($tenant.as_str())
        .bind($reason.as_str())
        .bind($by)
        .bind($at)
        .execute(&mut *$tx)
        .await?
    };
}

impl Store {
    /// The legal hold on an application: `None` if there is no such application,
    /// `Some(None)` if it is not held.
    pub async fn legal_hold(
        &self,
        tenant: &TenantId,
        application: Uuid,
    ) -> StorageResult<Option<Option<LegalHold>>> {
        let row = on_pool!(self, pool => sqlx::query_as::<_, HoldRow>(
                "select legal_hold_reason, legal_hold_by, legal_hold_at from applications
                 where tenant_id = $1 and id = $2")
            .bind(tenant.as_str())
            .bind(application)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(|row| row.hold()))
    }

    /// Places (or replaces) the legal hold on an application; `None` if there is none.
    pub async fn place_legal_hold(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        application: Uuid,
        reason: &str,
    ) -> StorageResult<Option<LegalHold>> {
        let at = now();
        on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let held: Option<(String,)> = sqlx::query_as(
                "update applications set legal_hold_reason = $3, legal_hold_by = $4, legal_hold_at = $5
                 where tenant_id = $1 and id = $2
                 returning candidate_id",
            )
            .bind(tenant.as_str())
            .bind(application)
            .bind(reason)
            .bind(audit.actor.as_str())
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((candidate,)) = held else {
                return Ok(None);
            };
            audit_event!(tx, tenant, audit, "legal_hold.place", "application", application, Some(candidate.as_str()),
                         serde_json::json!({}));
            tx.commit().await?;
            Ok::<_, StorageError>(Some(LegalHold {
                reason: reason.to_owned(),
                placed_by: audit.actor.clone(),
                placed_at: at,
            }))
        }.await)
    }

    /// Lifts the legal hold; `false` if there is no such application or it was not held.
    pub async fn release_legal_hold(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        application: Uuid,
    ) -> StorageResult<bool> {
        on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let released: Option<(String,)> = sqlx::query_as(
                "update applications set legal_hold_reason = null, legal_hold_by = null, legal_hold_at = null
                 where tenant_id = $1 and id = $2 and legal_hold_at is not null
                 returning candidate_id",
            )
            .bind(tenant.as_str())
            .bind(application)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((candidate,)) = released else {
                return Ok(false);
            };
            audit_event!(tx, tenant, audit, "legal_hold.release", "application", application, Some(candidate.as_str()),
                         serde_json::json!({}));
            tx.commit().await?;
            Ok::<_, StorageError>(true)
        }.await)
    }

    /// Months after the decision that the tenant keeps an application; `None`: indefinitely.
    pub async fn retention_policy(&self, tenant: &TenantId) -> StorageResult<Option<u32>> {
        let months = on_pool!(self, pool => sqlx::query_scalar::<_, Option<i32>>(
                "select retention_months from tenants where id = $1")
            .bind(tenant.as_str())
            .fetch_optional(pool)
            .await)?;
        Ok(months.flatten().and_then(|m| u32::try_from(m).ok()))
    }

    pub async fn set_retention_policy(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        months: Option<u32>,
    ) -> StorageResult<()> {
        let months = months.map(|m| i32::try_from(m).unwrap_or(i32::MAX));
        on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            sqlx::query("update tenants set retention_months = $2 where id = $1")
                .bind(tenant.as_str())
                .bind(months)
                .execute(&mut *tx)
                .await?;
            audit_event!(tx, tenant, audit, "retention_policy.update", "tenant", tenant.as_str(), None::<&str>,
                         serde_json::json!({"months_after_decision": months}));
            tx.commit().await?;
            Ok::<(), StorageError>(())
        }.await)
    }

    /// Everything held about `subject` in the tenant: applications, every feedback document
    /// with its workflow log, revisions, acknowledgement, progress and follow-ups, and every
    /// audit event about them. Nothing about other candidates.
    pub async fn subject_records(
        &self,
        tenant: &TenantId,
        subject: &SubjectId,
    ) -> StorageResult<SubjectRecords> {
        let applications = on_pool!(self, pool => sqlx::query_as::<_, SubjectApplication>(
                "select a.id, a.requisition_id, a.candidate_id, a.external_ref, a.status, a.stage_reached,
                        a.decided_at, a.decided_by, a.version, a.created_at, a.updated_at,
                        r.title as requisition_title, r.department as requisition_department,
                        a.legal_hold_reason, a.legal_hold_by, a.legal_hold_at
                 from applications a join requisitions r on r.id = a.requisition_id
                 where a.tenant_id = $1 and a.candidate_id = $2
                 order by a.id")
            .bind(tenant.as_str())
            .bind(subject.as_str())
            .fetch_all(pool)
            .await)?;
        let documents = on_pool!(self, pool => sqlx::query_as::<_, Feedback>(
                "select id, application_id, requisition_id, candidate_id, author_id, status, revision,
                        document, internal_notes, review_comment, version, created_at, updated_at, released_at
                 from feedback where tenant_id = $1 and candidate_id = $2
                 order by id")
            .bind(tenant.as_str())
            .bind(subject.as_str())
            .fetch_all(pool)
            .await)?;
        let mut feedback = Vec::with_capacity(documents.len());
        for document in documents {
            let id = document.id;
            feedback.push(SubjectFeedback {
                events: self.feedback_events(tenant, id).await?,
                revisions: self.feedback_revisions(tenant, id).await?,
                acknowledgement: self.acknowledgement(tenant, id).await?,
                progress: self.action_progress(tenant, id).await?,
                follow_ups: self
                    .all_pages(
                        |after| {
                            let filter = FollowUpFilter {
                                feedback_id: Some(id),
                                after,
                                ..FollowUpFilter::default()
                            };
                            async move { self.list_follow_ups(tenant, &filter, PAGE).await }
                        },
                        |f: &FollowUp| f.id,
                    )
                    .await?,
                feedback: document,
            });
        }
        let audit_events = self
            .all_pages(
                |after| {
                    let filter = AuditFilter {
                        candidate_id: Some(subject.as_str().to_owned()),
                        after,
                        ..AuditFilter::default()
                    };
                    async move { self.list_audit_events(tenant, &filter, PAGE).await }
                },
                |e: &AuditEvent| e.id,
            )
            .await?;
        Ok(SubjectRecords {
            applications,
            feedback,
            audit_events,
        })
    }

    /// Every page of a keyset-paginated list.
    async fn all_pages<T, F, Fut>(&self, page: F, key: fn(&T) -> Uuid) -> StorageResult<Vec<T>>
    where
        F: Fn(Option<Uuid>) -> Fut,
        Fut: std::future::Future<Output = StorageResult<Vec<T>>>,
    {
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let items = page(after).await?;
            let full = items.len() >= PAGE as usize;
            after = items.last().map(key);
            all.extend(items);
            if !full {
                return Ok(all);
            }
        }
    }

    /// Erases the subject in the tenant (GDPR Art. 17): every application of theirs is
    /// anonymised under one pseudonym, the audit events about them are re-pointed to it, and
    /// remembered create responses that name them are deleted. A legal hold on any of their
    /// applications refuses the whole request, changing nothing.
    pub async fn erase_subject(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        subject: &SubjectId,
    ) -> StorageResult<Erasure> {
        let pseudonym = pseudonym();
        let at = now();
        let reason = ErasureReason::SubjectRequest;
        on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            // The first statement writes, so the transaction holds the write lock from here on.
            record_erasure!(tx, tenant, pseudonym.as_str(), reason, audit.actor.as_str(), at);
            let applications: Vec<(Uuid, bool)> = sqlx::query_as(
                "select id, legal_hold_at is not null from applications
                 where tenant_id = $1 and candidate_id = $2 order by id",
            )
            .bind(tenant.as_str())
            .bind(subject.as_str())
            .fetch_all(&mut *tx)
            .await?;
            let held: Vec<Uuid> = applications.iter().filter(|(_, held)| *held).map(|(id, _)| *id).collect();
            if !held.is_empty() {
                tx.rollback().await?;
                return Ok(Erasure::Held(held));
            }
            let mut counts = ErasureCounts::default();
            for (application, _) in &applications {
                let (feedback, follow_ups, audit_events) =
                    anonymise_application!(tx, tenant, *application, subject.as_str(), pseudonym.as_str(), at);
                counts.applications += 1;
                counts.feedback += feedback;
                counts.follow_ups += follow_ups;
                counts.audit_events += audit_events;
            }
            counts.audit_events += sqlx::query(
                "update audit_events
                 set candidate_id = $3,
                     actor = case when actor = $2 then $3 else actor end,
                     resource_id = case when resource_id = $2 then $3 else resource_id end
                 where tenant_id = $1 and candidate_id = $2",
            )
            .bind(tenant.as_str())
            .bind(subject.as_str())
            .bind(pseudonym.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            counts.idempotency_records = sqlx::query(
                "delete from idempotency_keys where tenant_id = $1 and (caller = $2 or subject_id = $2)",
            )
            .bind(tenant.as_str())
            .bind(subject.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if counts == ErasureCounts::default() {
                tx.rollback().await?;
                return Ok(Erasure::NothingHeld);
            }
            audit_event!(tx, tenant, audit, "subject.erase", "subject", pseudonym.as_str(), Some(pseudonym.as_str()),
                         serde_json::json!({
                             "applications": counts.applications,
                             "feedback": counts.feedback,
                             "follow_ups": counts.follow_ups,
                             "audit_events": counts.audit_events,
                             "idempotency_records": counts.idempotency_records,
                         }));
            tx.commit().await?;
            Ok::<_, StorageError>(Erasure::Done { pseudonym: pseudonym.clone(), counts })
        }.await)
    }

    /// Applications whose retention period has run out at `at`, in every tenant with a
    /// policy, oldest decision first: those under legal hold (`held`), or the others.
    pub async fn retention_due(
        &self,
        at: DateTime<Utc>,
        held: bool,
        limit: u32,
    ) -> StorageResult<Vec<RetentionItem>> {
        let policies: Vec<(String, i32)> = on_pool!(self, pool => sqlx::query_as(
                "select id, retention_months from tenants where retention_months is not null order by id")
            .fetch_all(pool)
            .await)?;
        let mut due = Vec::new();
        for (tenant, months) in policies {
            let Some(cutoff) = u32::try_from(months)
                .ok()
                .and_then(|m| at.checked_sub_months(Months::new(m)))
            else {
                continue;
            };
            let remaining = limit.saturating_sub(u32::try_from(due.len()).unwrap_or(u32::MAX));
            if remaining == 0 {
                break;
            }
            let items = on_pool!(self, pool => sqlx::query_as::<_, RetentionItem>(
                    "select tenant_id, id as application_id, decided_at, legal_hold_at is not null as held
                     from applications
                     where tenant_id = $1 and anonymised_at is null and decided_at is not null and decided_at < $2
                       and (legal_hold_at is not null) = $3
                     order by decided_at, id
                     limit $4")
                .bind(tenant.as_str())
                .bind(cutoff)
                .bind(held)
                .bind(i64::from(remaining))
                .fetch_all(pool)
                .await)?;
            due.extend(items);
        }
        Ok(due)
    }

    /// Anonymises one application whose retention period ran out, under its own pseudonym.
    /// Checks again inside the transaction: `false` if it is held, already anonymised, or no
    /// longer due (the policy changed).
    pub async fn anonymise_expired(
        &self,
        item: &RetentionItem,
        at: DateTime<Utc>,
    ) -> StorageResult<bool> {
        let tenant = TenantId::parse(&item.tenant_id)
            .map_err(|e| StorageError::Other(format!("stored tenant id: {e}")))?;
        let system = AuditContext::system("retention");
        let pseudonym = pseudonym();
        let reason = ErasureReason::Retention;
        let result = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            record_erasure!(tx, tenant, pseudonym.as_str(), reason, system.actor.as_str(), at);
            let row: Option<(String, Option<i32>)> = sqlx::query_as(
                "select a.candidate_id, t.retention_months from applications a join tenants t on t.id = a.tenant_id
                 where a.tenant_id = $1 and a.id = $2 and a.anonymised_at is null and a.legal_hold_at is null
                   and a.decided_at is not null",
            )
            .bind(tenant.as_str())
            .bind(item.application_id)
            .fetch_optional(&mut *tx)
            .await?;
            let due = row.as_ref().and_then(|(_, months)| *months).and_then(|m| u32::try_from(m).ok())
                .and_then(|m| at.checked_sub_months(Months::new(m)))
                .is_some_and(|cutoff| item.decided_at < cutoff);
            let Some((subject, _)) = row.filter(|_| due) else {
                tx.rollback().await?;
                return Ok(false);
            };
            let (feedback, follow_ups, audit_events) =
                anonymise_application!(tx, tenant, item.application_id, subject.as_str(), pseudonym.as_str(), at);
            audit_event!(tx, tenant, system, "retention.anonymise", "application", item.application_id, Some(pseudonym.as_str()),
                         serde_json::json!({
                             "decided_at": item.decided_at,
                             "feedback": feedback,
                             "follow_ups": follow_ups,
                             "audit_events": audit_events,
                         }));
            tx.commit().await?;
            Ok::<_, StorageError>(true)
        }.await);
        match result {
            // Held or anonymised by another replica meanwhile: nothing to do.
            Err(StorageError::Conflict(_)) => Ok(false),
            other => other,
        }
    }

    /// Deletes remembered create responses whose 24 hours are over.
    pub async fn purge_expired_idempotency_keys(&self, at: DateTime<Utc>) -> StorageResult<u64> {
        Ok(
            on_pool!(self, pool => sqlx::query("delete from idempotency_keys where expires_at <= $1")
            .bind(at)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?,
        )
    }
}
