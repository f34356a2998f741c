//! Feedback documents, their workflow log and their released revisions.

use std::collections::HashSet;

use sqlx::types::Json;
use uuid::Uuid;

use super::audit::{audit_event, AuditContext};
use super::hiring::Transition;
use super::idempotency::{with_idempotency, IdempotencyClaim};
use super::rows::{Application, Feedback, FeedbackEvent, FeedbackRevision};
use super::{now, on_pool, BeginWrite, StorageError, StorageResult, Store};
use crate::domain::catalog::CatalogKind;
use crate::domain::feedback::{
    transition, FeedbackAction, FeedbackDocument, FeedbackStatus, ReviewPolicy,
};
use crate::domain::{SubjectId, TenantId};

const FEEDBACK_COLUMNS: &str = "id, application_id, requisition_id, candidate_id, author_id, status, revision, \
                                document, internal_notes, review_comment, version, created_at, updated_at, released_at";

/// Filters of the feedback list.
#[derive(Debug, Clone, Default)]
pub struct FeedbackFilter {
    pub status: Option<FeedbackStatus>,
    pub requisition_id: Option<Uuid>,
    /// Only feedback on requisitions that list this employee as a hiring manager.
    pub hiring_manager: Option<String>,
    /// Only feedback last changed before this instant (how long it has waited).
    pub updated_before: Option<chrono::DateTime<chrono::Utc>>,
    pub after: Option<Uuid>,
}

/// A workflow step to apply.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    pub action: FeedbackAction,
    pub actor: &'a SubjectId,
    /// The version the caller saw (`If-Match`), for edits.
    pub expected_version: Option<i64>,
    /// New content, for edits and amendments.
    pub document: Option<&'a FeedbackDocument>,
    pub internal_notes: Option<&'a str>,
    /// The HR comment of a return, or the note of an amendment.
    pub comment: Option<&'a str>,
    pub policy: ReviewPolicy,
}

impl<'a> Step<'a> {
    /// `action` by `actor`, with nothing else: no version check, no content, no comment, and
    /// the default review policy.
    pub fn new(action: FeedbackAction, actor: &'a SubjectId) -> Self {
        Self {
            action,
            actor,
            expected_version: None,
            document: None,
            internal_notes: None,
            comment: None,
            policy: ReviewPolicy::default(),
        }
    }
}

macro_rules! record_event {
    ($tx:expr, $tenant:expr, $feedback:expr, $action:expr, $from:expr, $to:expr, $actor:expr, $comment:expr, $at:expr) => {
        sqlx::query(
            "insert into feedback_events (id, tenant_id, feedback_id, action, from_status, to_status, actor, comment, at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(Uuid::now_v7())
        .bind($tenant.as_str())
        .bind($feedback)
        .bind($action)
        .bind($from)
        .bind($to)
        .bind($actor)
        .bind($comment)
        .bind($at)
        .execute(&mut *$tx)
        .await?
    };
}

impl Store {
    pub async fn review_policy(&self, tenant: &TenantId) -> StorageResult<ReviewPolicy> {
        let skip = on_pool!(self, pool => sqlx::query_scalar::<_, bool>("select skip_hr_review from tenants where id = $1")
            .bind(tenant.as_str())
            .fetch_optional(pool)
            .await)?;
        Ok(ReviewPolicy {
            skip_hr_review: skip.unwrap_or(false),
        })
    }

    pub async fn set_review_policy(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        policy: ReviewPolicy,
    ) -> StorageResult<()> {
        on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            sqlx::query("update tenants set skip_hr_review = $2 where id = $1")
                .bind(tenant.as_str())
                .bind(policy.skip_hr_review)
                .execute(&mut *tx)
                .await?;
            audit_event!(tx, tenant, audit, "review_policy.update", "tenant", tenant.as_str(), None::<&str>,
                         serde_json::json!({"skip_hr_review": policy.skip_hr_review}));
            tx.commit().await?;
            Ok::<(), StorageError>(())
        }.await)?;
        Ok(())
    }

    /// Starts the draft for an application (at most one per application).
    pub async fn create_feedback(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        application: &Application,
        document: &FeedbackDocument,
        internal_notes: &str,
        claim: Option<IdempotencyClaim<Feedback>>,
    ) -> StorageResult<Feedback> {
        let now = now();
        let feedback = Feedback {
            id: Uuid::now_v7(),
            application_id: application.id,
            requisition_id: application.requisition_id,
            candidate_id: application.candidate_id.clone(),
            // The author is whoever starts the draft.
            author_id: audit.actor.clone(),
            status: FeedbackStatus::Draft.as_str().to_owned(),
            revision: 0,
            document: Json(document.clone()),
            internal_notes: internal_notes.to_owned(),
            review_comment: None,
            version: 1,
            created_at: now,
            updated_at: now,
            released_at: None,
        };
        let claim = claim.as_ref();
        let result: StorageResult<Feedback> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let created = with_idempotency!(tx, tenant, claim, now, {
                sqlx::query(
                    "insert into feedback (id, tenant_id, application_id, requisition_id, candidate_id, author_id, status,
                                           revision, document, internal_notes, version, created_at, updated_at)
                     values ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, 1, $10, $10)",
                )
                .bind(feedback.id)
                .bind(tenant.as_str())
                .bind(feedback.application_id)
                .bind(feedback.requisition_id)
                .bind(feedback.candidate_id.as_str())
                .bind(feedback.author_id.as_str())
                .bind(feedback.status.as_str())
                .bind(&feedback.document)
                .bind(feedback.internal_notes.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
                record_event!(tx, tenant, feedback.id, FeedbackAction::Create.as_str(), None::<&str>,
                              FeedbackStatus::Draft.as_str(), audit.actor.as_str(), None::<&str>, now);
                audit_event!(tx, tenant, audit, "feedback.create", "feedback", feedback.id,
                             Some(feedback.candidate_id.as_str()), serde_json::json!({"application_id": feedback.application_id}));
                feedback.clone()
            });
            tx.commit().await?;
            Ok(created)
        }.await);
        result.map_err(|e| match e {
            StorageError::Conflict(_) => {
                StorageError::Conflict("this application already has feedback".into())
            }
            other => other,
        })
    }

    pub async fn get_feedback(
        &self,
        tenant: &TenantId,
        id: Uuid,
    ) -> StorageResult<Option<Feedback>> {
        let sql =
            format!("select {FEEDBACK_COLUMNS} from feedback where tenant_id = $1 and id = $2");
        Ok(on_pool!(self, pool => sqlx::query_as::<_, Feedback>(&sql)
            .bind(tenant.as_str())
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }

    /// The feedback, if `manager` is `None` (the whole tenant) or a hiring manager of its
    /// requisition: one statement for the record and the caller's right to it.
    pub async fn get_feedback_for(
        &self,
        tenant: &TenantId,
        id: Uuid,
        manager: Option<&str>,
    ) -> StorageResult<Option<Feedback>> {
        let sql = format!(
            "select {FEEDBACK_COLUMNS} from feedback f
             where f.tenant_id = $1 and f.id = $2
               and ($3 is null or exists (
                     select 1 from requisition_people p
                     where p.requisition_id = f.requisition_id and p.relation = 'hiring_manager' and p.person_id = $3))"
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, Feedback>(&sql)
            .bind(tenant.as_str())
            .bind(id)
            .bind(manager)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn list_feedback(
        &self,
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
        Ok(on_pool!(self, pool => sqlx::query_as::<_, Feedback>(&sql)
            .bind(tenant.as_str())
            .bind(filter.status.map(FeedbackStatus::as_str))
            .bind(filter.requisition_id)
            .bind(filter.hiring_manager.as_deref())
            .bind(filter.updated_before)
            .bind(filter.after)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)?)
    }

    /// Applies a workflow step, with its event (and, on release or amendment, a revision
    /// snapshot) in one transaction. A concurrent change makes an edit stale; other steps are
    /// re-evaluated against the new state.
    /// `read` is the record as the caller just read it (to authorize and validate); it is
    /// read again only when a concurrent change made it stale.
    pub async fn apply_feedback_step(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        read: Feedback,
        step: &Step<'_>,
    ) -> StorageResult<Transition<Feedback>> {
        let id = read.id;
        let mut known = Some(read);
        for _ in 0..3 {
            let current = match known.take() {
                Some(current) => current,
                None => match self.get_feedback(tenant, id).await? {
                    Some(current) => current,
                    None => return Ok(Transition::NotFound),
                },
            };
            if step.expected_version.is_some_and(|v| v != current.version) {
                return Ok(Transition::Stale);
            }
            let from = FeedbackStatus::parse(&current.status).ok_or_else(|| {
                StorageError::Other(format!("unknown feedback status {:?}", current.status))
            })?;
            let Ok(to) = transition(from, step.action, step.policy) else {
                return Ok(Transition::Illegal(current));
            };
            let now = now();
            let mut next = current.clone();
            next.status = to.as_str().to_owned();
            next.version += 1;
            next.updated_at = now;
            if let Some(document) = step.document {
                next.document = Json(document.clone());
            }
            if let Some(notes) = step.internal_notes {
                next.internal_notes = notes.to_owned();
            }
            match step.action {
                FeedbackAction::Return => next.review_comment = step.comment.map(str::to_owned),
                FeedbackAction::Release => {
                    next.revision = 1;
                    next.released_at = Some(now);
                }
                FeedbackAction::Amend => next.revision += 1,
                _ => {}
            }
            let snapshot = matches!(step.action, FeedbackAction::Release | FeedbackAction::Amend);
            let updated: bool = on_pool!(self, pool => async {
                let mut tx = pool.begin_write().await?;
                let changed = sqlx::query(
                    "update feedback
                     set status = $4, revision = $5, document = $6, internal_notes = $7, review_comment = $8,
                         version = $9, updated_at = $10, released_at = $11
                     where tenant_id = $1 and id = $2 and version = $3",
                )
                .bind(tenant.as_str())
                .bind(id)
                .bind(current.version)
                .bind(next.status.as_str())
                .bind(next.revision)
                .bind(&next.document)
                .bind(next.internal_notes.as_str())
                .bind(next.review_comment.as_deref())
                .bind(next.version)
                .bind(now)
                .bind(next.released_at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed == 0 {
                    tx.rollback().await?;
                    return Ok::<bool, StorageError>(false);
                }
                record_event!(tx, tenant, id, step.action.as_str(), Some(from.as_str()), to.as_str(),
                              step.actor.as_str(), step.comment, now);
                audit_event!(tx, tenant, audit, format!("feedback.{}", step.action.as_str()), "feedback", id,
                             Some(current.candidate_id.as_str()),
                             serde_json::json!({"from": from.as_str(), "to": to.as_str(), "revision": next.revision}));
                if snapshot {
                    sqlx::query(
                        "insert into feedback_revisions
                           (feedback_id, revision, tenant_id, document, internal_notes, note, created_by, created_at)
                         values ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(id)
                    .bind(next.revision)
                    .bind(tenant.as_str())
                    .bind(&next.document)
                    .bind(next.internal_notes.as_str())
                    .bind(step.comment)
                    .bind(step.actor.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(true)
            }.await)?;
            if updated {
                return Ok(Transition::Done(next));
            }
            if step.expected_version.is_some() {
                return Ok(Transition::Stale);
            }
        }
        Ok(Transition::Stale)
    }

    pub async fn feedback_events(
        &self,
        tenant: &TenantId,
        id: Uuid,
    ) -> StorageResult<Vec<FeedbackEvent>> {
        Ok(on_pool!(self, pool => sqlx::query_as::<_, FeedbackEvent>(
                "select action, from_status, to_status, actor, comment, at from feedback_events
                 where tenant_id = $1 and feedback_id = $2 order by id")
            .bind(tenant.as_str())
            .bind(id)
            .fetch_all(pool)
            .await)?)
    }

    pub async fn feedback_revisions(
        &self,
        tenant: &TenantId,
        id: Uuid,
    ) -> StorageResult<Vec<FeedbackRevision>> {
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, FeedbackRevision>(
                "select revision, document, internal_notes, note, created_by, created_at from feedback_revisions
                 where tenant_id = $1 and feedback_id = $2 order by revision")
            .bind(tenant.as_str())
            .bind(id)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// The keys of both catalogs that are active now: (reason codes, competencies).
    pub async fn active_keys(
        &self,
        tenant: &TenantId,
    ) -> StorageResult<(HashSet<String>, HashSet<String>)> {
        let rows: Vec<(String, String)> = on_pool!(self, pool => sqlx::query_as(
                "select kind, key from catalog_entries where tenant_id = $1 and active = $2")
            .bind(tenant.as_str())
            .bind(true)
            .fetch_all(pool)
            .await)?;
        let (mut reasons, mut competencies) = (HashSet::new(), HashSet::new());
        for (kind, key) in rows {
            if kind == CatalogKind::ReasonCodes.as_str() {
                reasons.insert(key);
            } else if kind == CatalogKind::Competencies.as_str() {
                competencies.insert(key);
            }
        }
        Ok((reasons, competencies))
    }
}
