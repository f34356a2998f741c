//! The candidate's side: released feedback, acknowledgements, progress, follow-ups.

use std::collections::HashMap;

use sqlx::types::Json;
use uuid::Uuid;

use super::audit::{audit_event, AuditContext};
use super::idempotency::{with_idempotency, IdempotencyClaim};
use super::rows::{Acknowledgement, ActionProgress, FollowUp, ReleasedFeedback};
use super::{now, on_pool, BeginWrite, StorageError, StorageResult, Store};
use crate::domain::candidate::{Addressee, FollowUpAnswer, FollowUpStatus, ProgressStatus};
use crate::domain::{SubjectId, TenantId};

/// A row about one feedback document, with the document's id.
#[derive(Debug, sqlx::FromRow)]
struct Keyed<T> {
    feedback_id: Uuid,
    #[sqlx(flatten)]
    row: T,
}

/// `$first, $first+1, …` (`count` of them).
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The acknowledgements of the feedback documents `$ids` (a slice), on `$executor`.
macro_rules! acknowledgements_on {
    ($executor:expr, $tenant:expr, $ids:expr) => {
        async {
            if $ids.is_empty() {
                return Ok(HashMap::new());
            }
            let sql = format!(
                "select feedback_id, usefulness_rating, comment, acknowledged_at from feedback_acknowledgements
                 where tenant_id = $1 and feedback_id in ({})",
                placeholders(2, $ids.len())
            );
            let mut query = sqlx::query_as::<_, Keyed<Acknowledgement>>(&sql).bind($tenant.as_str());
            for id in $ids {
                query = query.bind(id);
            }
            let rows = query.fetch_all($executor).await?;
            Ok::<_, sqlx::Error>(rows.into_iter().map(|k| (k.feedback_id, k.row)).collect::<HashMap<_, _>>())
        }
        .await
    };
}

/// The progress on the actions of the feedback documents `$ids` (a slice), on `$executor`.
macro_rules! progress_on {
    ($executor:expr, $tenant:expr, $ids:expr) => {
        async {
            let mut progress: HashMap<Uuid, Vec<ActionProgress>> = HashMap::new();
            if $ids.is_empty() {
                return Ok(progress);
            }
            let sql = format!(
                "select feedback_id, action_id, status, note, updated_at from action_progress
                 where tenant_id = $1 and feedback_id in ({}) order by feedback_id, action_id",
                placeholders(2, $ids.len())
            );
            let mut query = sqlx::query_as::<_, Keyed<ActionProgress>>(&sql).bind($tenant.as_str());
            for id in $ids {
                query = query.bind(id);
            }
            for keyed in query.fetch_all($executor).await? {
                progress
                    .entry(keyed.feedback_id)
                    .or_default()
                    .push(keyed.row);
            }
            Ok::<_, sqlx::Error>(progress)
        }
        .await
    };
}

/// Which released feedback to read.
#[derive(Debug, Clone, Copy)]
pub enum Released {
    One(Uuid),
    /// Newest first, before the cursor.
    Page {
        before: Option<Uuid>,
        limit: u32,
    },
}

/// Released feedback with the candidate's acknowledgement and progress.
#[derive(Debug, Clone)]
pub struct WithActivity {
    pub feedback: ReleasedFeedback,
    pub acknowledgement: Option<Acknowledgement>,
    pub progress: Vec<ActionProgress>,
}

const RELEASED_COLUMNS: &str = "f.id, f.application_id, f.candidate_id, r.title as requisition_title, \
                                r.department as requisition_department, f.revision, f.document, f.released_at, f.updated_at";
const FOLLOW_UP_COLUMNS: &str =
    "id, feedback_id, requisition_id, candidate_id, addressee, message, preferred_times, \
                                 status, answer_note, answered_by, answered_at, created_at";

/// What a follow-up request asks.
#[derive(Debug, Clone)]
pub struct NewFollowUp<'a> {
    pub requisition_id: Uuid,
    pub addressee: Addressee,
    pub message: &'a str,
    pub preferred_times: &'a [String],
}

/// Filters of the follow-up list.
#[derive(Debug, Clone, Default)]
pub struct FollowUpFilter {
    pub status: Option<FollowUpStatus>,
    pub addressee: Option<Addressee>,
    /// Only requests on requisitions that list this employee as hiring manager.
    pub hiring_manager: Option<String>,
    pub feedback_id: Option<Uuid>,
    pub candidate_id: Option<String>,
    pub after: Option<Uuid>,
}

impl Store {
    /// Released feedback of `candidate` with each document's acknowledgement and progress. The
    /// three statements run on one connection: sqlx tests every connection it takes back into
    /// the pool with a round trip, so one acquire instead of three saves two round trips per
    /// request on the busiest path (bench/run.sh).
    pub async fn released_with_activity(
        &self,
        tenant: &TenantId,
        candidate: &str,
        which: Released,
    ) -> StorageResult<Vec<WithActivity>> {
        let (filter, limit, before, id) = match which {
            Released::One(id) => ("f.id = $3", 1, None, Some(id)),
            Released::Page { before, limit } => ("($3 is null or f.id < $3)", limit, before, None),
        };
        let sql = format!(
            "select {RELEASED_COLUMNS} from feedback f join requisitions r on r.id = f.requisition_id
             where f.tenant_id = $1 and f.candidate_id = $2 and f.status = 'released' and {filter}
             order by f.id desc
             limit $4"
        );
        let (rows, mut acknowledgements, mut progress) = on_pool!(self, pool => async {
            let mut connection = pool.acquire().await?;
            let rows = sqlx::query_as::<_, ReleasedFeedback>(&sql)
                .bind(tenant.as_str())
                .bind(candidate)
                .bind(id.or(before))
                .bind(i64::from(limit))
                .fetch_all(&mut *connection)
                .await?;
            let ids: Vec<Uuid> = rows.iter().map(|f| f.id).collect();
            let acknowledgements = acknowledgements_on!(&mut *connection, tenant, &ids)?;
            let progress = progress_on!(&mut *connection, tenant, &ids)?;
            Ok::<_, sqlx::Error>((rows, acknowledgements, progress))
        }.await)?;
        Ok(rows
            .into_iter()
            .map(|feedback| WithActivity {
                acknowledgement: acknowledgements.remove(&feedback.id),
                progress: progress.remove(&feedback.id).unwrap_or_default(),
                feedback,
            })
            .collect())
    }

    /// One released feedback of `candidate`; anything else (a draft, someone else's, unknown)
    /// is `None`.
    pub async fn get_released_feedback(
        &self,
        tenant: &TenantId,
        candidate: &str,
        id: Uuid,
    ) -> StorageResult<Option<ReleasedFeedback>> {
        let sql = format!(
            "select {RELEASED_COLUMNS} from feedback f join requisitions r on r.id = f.requisition_id
             where f.tenant_id = $1 and f.candidate_id = $2 and f.status = 'released' and f.id = $3"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ReleasedFeedback>(&sql)
            .bind(tenant.as_str())
            .bind(candidate)
            .bind(id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    pub async fn acknowledgement(
        &self,
        tenant: &TenantId,
        feedback: Uuid,
    ) -> StorageResult<Option<Acknowledgement>> {
        Ok(self
            .acknowledgements(tenant, &[feedback])
            .await?
            .remove(&feedback))
    }

    /// The acknowledgements of several feedback documents, in one statement.
    pub async fn acknowledgements(
        &self,
        tenant: &TenantId,
        feedback: &[Uuid],
    ) -> StorageResult<HashMap<Uuid, Acknowledgement>> {
        Ok(on_pool!(self, pool => acknowledgements_on!(pool, tenant, feedback))?)
    }

    /// Records the acknowledgement once; a second call keeps the first and returns it.
    pub async fn acknowledge(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        feedback: Uuid,
        candidate: &SubjectId,
        rating: Option<i32>,
        comment: Option<&str>,
    ) -> StorageResult<Acknowledgement> {
        on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let inserted = sqlx::query(
                "insert into feedback_acknowledgements (feedback_id, tenant_id, candidate_id, usefulness_rating, comment, acknowledged_at)
                 values ($1, $2, $3, $4, $5, $6) on conflict (feedback_id) do nothing")
                .bind(feedback)
                .bind(tenant.as_str())
                .bind(candidate.as_str())
                .bind(rating)
                .bind(comment)
                .bind(now())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if inserted == 1 {
                audit_event!(tx, tenant, audit, "feedback.acknowledge", "feedback", feedback, Some(candidate.as_str()),
                             serde_json::json!({"usefulness_rating": rating}));
            }
            tx.commit().await?;
            Ok::<(), StorageError>(())
        }.await)?;
        self.acknowledgement(tenant, feedback)
            .await?
            .ok_or_else(|| StorageError::Other("acknowledgement vanished".into()))
    }

    pub async fn action_progress(
        &self,
        tenant: &TenantId,
        feedback: Uuid,
    ) -> StorageResult<Vec<ActionProgress>> {
        Ok(self
            .progress(tenant, &[feedback])
            .await?
            .remove(&feedback)
            .unwrap_or_default())
    }

    /// The progress on several feedback documents' actions (by action id), in one statement.
    pub async fn progress(
        &self,
        tenant: &TenantId,
        feedback: &[Uuid],
    ) -> StorageResult<HashMap<Uuid, Vec<ActionProgress>>> {
        Ok(on_pool!(self, pool => progress_on!(pool, tenant, feedback))?)
    }

    pub async fn set_action_progress(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        feedback: Uuid,
        action: Uuid,
        status: ProgressStatus,
        note: &str,
    ) -> StorageResult<ActionProgress> {
        let updated_at = now();
        on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "insert into action_progress (feedback_id, action_id, tenant_id, status, note, updated_at)
                 values ($1, $2, $3, $4, $5, $6)
                 on conflict (feedback_id, action_id) do update set status = $4, note = $5, updated_at = $6")
                .bind(feedback)
                .bind(action)
                .bind(tenant.as_str())
                .bind(status.as_str())
                .bind(note)
                .bind(updated_at)
                .execute(&mut *tx)
                .await?;
            audit_event!(tx, tenant, audit, "development_action.progress", "feedback", feedback, Some(audit.actor.as_str()),
                         serde_json::json!({"action_id": action, "status": status.as_str()}));
            tx.commit().await?;
            Ok::<(), StorageError>(())
        }.await)?;
        Ok(ActionProgress {
            action_id: action,
            status: status.as_str().to_owned(),
            note: note.to_owned(),
            updated_at,
        })
    }

    /// Opens a follow-up request on released feedback.
    pub async fn create_follow_up(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        feedback: &ReleasedFeedback,
        request: &NewFollowUp<'_>,
        claim: Option<IdempotencyClaim<FollowUp>>,
    ) -> StorageResult<FollowUp> {
        let now = now();
        let follow_up = FollowUp {
            id: Uuid::now_v7(),
            feedback_id: feedback.id,
            requisition_id: request.requisition_id,
            candidate_id: feedback.candidate_id.clone(),
            addressee: request.addressee.as_str().to_owned(),
            message: request.message.to_owned(),
            preferred_times: Json(request.preferred_times.to_vec()),
            status: FollowUpStatus::Open.as_str().to_owned(),
            answer_note: None,
            answered_by: None,
            answered_at: None,
            created_at: now,
        };
        let claim = claim.as_ref();
        on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let created = with_idempotency!(tx, tenant, claim, now, {
                sqlx::query(
                    "insert into follow_up_requests (id, tenant_id, feedback_id, requisition_id, candidate_id, addressee, message,
                                                     preferred_times, status, created_at)
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(follow_up.id)
                .bind(tenant.as_str())
                .bind(follow_up.feedback_id)
                .bind(follow_up.requisition_id)
                .bind(follow_up.candidate_id.as_str())
                .bind(follow_up.addressee.as_str())
                .bind(follow_up.message.as_str())
                .bind(&follow_up.preferred_times)
                .bind(follow_up.status.as_str())
                .bind(follow_up.created_at)
                .execute(&mut *tx)
                .await?;
                audit_event!(tx, tenant, audit, "follow_up.create", "follow_up", follow_up.id, Some(follow_up.candidate_id.as_str()),
                             serde_json::json!({"feedback_id": follow_up.feedback_id, "addressee": follow_up.addressee}));
                follow_up.clone()
            });
            tx.commit().await?;
            Ok::<FollowUp, StorageError>(created)
        }.await)
    }

    pub async fn get_follow_up(
        &self,
        tenant: &TenantId,
        id: Uuid,
    ) -> StorageResult<Option<FollowUp>> {
        let sql = format!(
            "select {FOLLOW_UP_COLUMNS} from follow_up_requests where tenant_id = $1 and id = $2"
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, FollowUp>(&sql)
            .bind(tenant.as_str())
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn list_follow_ups(
        &self,
        tenant: &TenantId,
        filter: &FollowUpFilter,
        limit: u32,
    ) -> StorageResult<Vec<FollowUp>> {
        let sql = format!(
            "select {FOLLOW_UP_COLUMNS} from follow_up_requests u
             where u.tenant_id = $1
               and ($2 is null or u.status = $2)
               and ($3 is null or u.addressee = $3)
               and ($4 is null or exists (
                     select 1 from requisition_people p
                     where p.requisition_id = u.requisition_id and p.relation = 'hiring_manager' and p.person_id = $4))
               and ($5 is null or u.feedback_id = $5)
               and ($6 is null or u.candidate_id = $6)
               and ($7 is null or u.id > $7)
             order by u.id
             limit $8"
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, FollowUp>(&sql)
            .bind(tenant.as_str())
            .bind(filter.status.map(FollowUpStatus::as_str))
            .bind(filter.addressee.map(Addressee::as_str))
            .bind(filter.hiring_manager.as_deref())
            .bind(filter.feedback_id)
            .bind(filter.candidate_id.as_deref())
            .bind(filter.after)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)?)
    }

    /// Answers an open request; `None` if it is no longer open (or missing).
    pub async fn answer_follow_up(
        &self,
        tenant: &TenantId,
        audit: &AuditContext,
        id: Uuid,
        answer: FollowUpAnswer,
        note: &str,
        by: &SubjectId,
    ) -> StorageResult<Option<FollowUp>> {
        let sql = format!(
            "update follow_up_requests set status = $3, answer_note = $4, answered_by = $5, answered_at = $6
             where tenant_id = $1 and id = $2 and status = 'open'
             returning {FOLLOW_UP_COLUMNS}"
        );
        Ok(on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let row = sqlx::query_as::<_, FollowUp>(&sql)
                .bind(tenant.as_str())
                .bind(id)
                .bind(answer.status().as_str())
                .bind(note)
                .bind(by.as_str())
                .bind(now())
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(row) = &row {
                audit_event!(tx, tenant, audit, "follow_up.answer", "follow_up", id, Some(row.candidate_id.as_str()),
                             serde_json::json!({"status": row.status}));
            }
            tx.commit().await?;
            Ok::<_, StorageError>(row)
        }.await)?)
    }
}
