//! The candidate's side: released feedback, acknowledgements, progress, follow-ups.

use sqlx::AssertSqlSafe;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use crate::domain::candidate::{
    Acknowledging, Addressee, FollowUpAnswer, FollowUpRequest, FollowUpStatus,
};
use crate::domain::{EmployeeId, FeedbackId, FollowUpId, ResourceId, TenantId};

use super::resources::Resource;
use super::rows::{Acknowledgement, ActionProgress, FollowUp, ReleasedFeedback};
use super::{on_db, placeholders, Db, LabelVersions, On, StorageResult};

/// A row about one feedback document, with the document's id.
#[derive(Debug, sqlx::FromRow)]
struct Keyed<T> {
    feedback_id: FeedbackId,
    #[sqlx(flatten)]
    row: T,
}

/// Progress of one released document as a JSON array, per backend (SQLite keeps UUIDs as
/// 16-byte blobs, which JSON cannot hold: hex, which `Uuid` parses).
const PROGRESS_POSTGRES: &str = "(select coalesce(json_agg(json_build_object(
        'action_id', p.action_id, 'status', p.status, 'note', p.note,
        'updated_at', p.updated_at)), '[]'::json)
      from action_progress p where p.tenant_id = f.tenant_id and p.feedback_id = f.id)";
const PROGRESS_SQLITE: &str = "(select json_group_array(json_object(
        'action_id', lower(hex(p.action_id)), 'status', p.status, 'note', p.note,
        'updated_at', p.updated_at))
      from action_progress p where p.tenant_id = f.tenant_id and p.feedback_id = f.id)";

/// A released document with its requisition, acknowledgement and progress, in one row.
#[derive(Debug, sqlx::FromRow)]
struct ReleasedRow {
    #[sqlx(flatten)]
    feedback: ReleasedFeedback,
    ack_rating: Option<i32>,
    ack_comment: Option<String>,
    ack_at: Option<DateTime<Utc>>,
    progress: Json<Vec<ActionProgress>>,
    catalog_version: i64,
    language_settings_version: i64,
}

/// Which released feedback to read.
#[derive(Debug, Clone, Copy)]
pub enum Released {
    One(FeedbackId),
    /// Newest first, before the cursor.
    Page {
        before: Option<FeedbackId>,
        limit: u32,
    },
}

/// Released feedback with the candidate's acknowledgement and progress.
#[derive(Debug, Clone)]
pub struct WithActivity {
    pub feedback: ReleasedFeedback,
    pub acknowledgement: Option<Acknowledgement>,
    pub progress: Vec<ActionProgress>,
    /// The library resources the development actions name, retired ones too, in id order.
    pub resources: Vec<Resource>,
    /// The versions of the tenant's catalogs and languages when this was read.
    pub labels: LabelVersions,
}

const RELEASED_COLUMNS: &str = "f.id, f.application_id, f.requisition_id, f.candidate_id, r.title as requisition_title, \
                                r.department as requisition_department, f.revision, f.document, f.released_at, f.updated_at";
const FOLLOW_UP_COLUMNS: &str =
    "id, feedback_id, requisition_id, candidate_id, addressee, message, preferred_times, \
                                 status, answer_note, answered_by, answered_at, created_at";

/// What a follow-up request asks, on which feedback.
#[derive(Debug, Clone)]
pub struct NewFollowUp<'a> {
    pub feedback: &'a ReleasedFeedback,
    pub request: &'a FollowUpRequest,
    pub at: DateTime<Utc>,
}

/// Filters of the follow-up list.
#[derive(Debug, Clone, Default)]
pub struct FollowUpFilter {
    pub status: Option<FollowUpStatus>,
    pub addressee: Option<Addressee>,
    /// Only requests on requisitions that list this employee as hiring manager.
    pub hiring_manager: Option<EmployeeId>,
    pub feedback_id: Option<FeedbackId>,
    pub candidate_id: Option<EmployeeId>,
    pub after: Option<FollowUpId>,
}

impl Db<'_> {
    /// Released feedback of `candidate`, with each document's acknowledgement and progress.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn released_with_activity(
        &mut self,
        tenant: &TenantId,
        candidate: &EmployeeId,
        which: Released,
    ) -> StorageResult<Vec<WithActivity>> {
        let (filter, limit, position) = match which {
            Released::One(id) => ("f.id = $3", 1, Some(id)),
            Released::Page { before, limit } => ("($3 is null or f.id < $3)", limit, before),
        };
        // One statement: the documents, their requisitions, acknowledgements and progress
        // (aggregated per document as JSON, ordered in Rust: uuid order is byte order on both).
        let progress = match self.on {
            On::Postgres(_) => PROGRESS_POSTGRES,
            On::Sqlite(_) => PROGRESS_SQLITE,
        };
        let sql = format!(
            "select {RELEASED_COLUMNS},
                    a.usefulness_rating as ack_rating, a.comment as ack_comment,
                    a.acknowledged_at as ack_at, {progress} as progress,
                    t.catalog_version, t.language_settings_version
               from feedback f join requisitions r on r.id = f.requisition_id
               join tenants t on t.id = f.tenant_id
               left join feedback_acknowledgements a
                 on a.feedback_id = f.id and a.tenant_id = f.tenant_id
             where f.tenant_id = $1 and f.candidate_id = $2 and f.status = 'released' and {filter}
             order by f.id desc
             limit $4"
        );
        let rows = on_db!(self, c => sqlx::query_as::<_, ReleasedRow>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(candidate)
            .bind(position)
            .bind(i64::from(limit))
            .fetch_all(&mut *c)
            .await)?;
        let named: HashSet<ResourceId> = rows
            .iter()
            .flat_map(|r| r.feedback.document.0.resource_ids())
            .collect();
        let library = if named.is_empty() {
            Vec::new()
        } else {
            self.resources(tenant, &named).await?
        };
        Ok(rows
            .into_iter()
            .map(|row| {
                let feedback = row.feedback;
                let own: HashSet<ResourceId> = feedback.document.0.resource_ids().collect();
                let mut progress = row.progress.0;
                progress.sort_by_key(|p| p.action_id);
                WithActivity {
                    labels: LabelVersions {
                        catalog: row.catalog_version,
                        languages: row.language_settings_version,
                    },
                    acknowledgement: row.ack_at.map(|acknowledged_at| Acknowledgement {
                        usefulness_rating: row.ack_rating,
                        comment: row.ack_comment,
                        acknowledged_at,
                    }),
                    progress,
                    resources: library
                        .iter()
                        .filter(|r| own.contains(&r.id))
                        .cloned()
                        .collect(),
                    feedback,
                }
            })
            .collect())
    }

    /// One released feedback of `candidate`; anything else (a draft, someone else's, unknown)
    /// is `None`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn released_feedback(
        &mut self,
        tenant: &TenantId,
        candidate: &EmployeeId,
        id: FeedbackId,
    ) -> StorageResult<Option<ReleasedFeedback>> {
        let sql = format!(
            "select {RELEASED_COLUMNS} from feedback f join requisitions r on r.id = f.requisition_id
             where f.tenant_id = $1 and f.candidate_id = $2 and f.status = 'released' and f.id = $3"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, ReleasedFeedback>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(candidate)
            .bind(id)
            .fetch_optional(&mut *c)
            .await)?,
        )
    }

    /// The acknowledgements of several feedback documents, in one statement.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn acknowledgements(
        &mut self,
        tenant: &TenantId,
        ids: &[FeedbackId],
    ) -> StorageResult<HashMap<FeedbackId, Acknowledgement>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "select feedback_id, usefulness_rating, comment, acknowledged_at from feedback_acknowledgements
             where tenant_id = $1 and feedback_id in ({})",
            placeholders(2, ids.len())
        );
        let rows = on_db!(self, c => {
            let mut query = sqlx::query_as::<_, Keyed<Acknowledgement>>(AssertSqlSafe(sql.as_str())).bind(tenant);
            for id in ids {
                query = query.bind(id);
            }
            query.fetch_all(&mut *c).await
        })?;
        Ok(rows.into_iter().map(|k| (k.feedback_id, k.row)).collect())
    }

    pub async fn acknowledgement(
        &mut self,
        tenant: &TenantId,
        feedback: FeedbackId,
    ) -> StorageResult<Option<Acknowledgement>> {
        Ok(self
            .acknowledgements(tenant, &[feedback])
            .await?
            .remove(&feedback))
    }

    /// The progress on several feedback documents' actions (by action id), in one statement.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn progress(
        &mut self,
        tenant: &TenantId,
        ids: &[FeedbackId],
    ) -> StorageResult<HashMap<FeedbackId, Vec<ActionProgress>>> {
        let mut progress: HashMap<FeedbackId, Vec<ActionProgress>> = HashMap::new();
        if ids.is_empty() {
            return Ok(progress);
        }
        let sql = format!(
            "select feedback_id, action_id, status, note, updated_at from action_progress
             where tenant_id = $1 and feedback_id in ({}) order by feedback_id, action_id",
            placeholders(2, ids.len())
        );
        let rows = on_db!(self, c => {
            let mut query = sqlx::query_as::<_, Keyed<ActionProgress>>(AssertSqlSafe(sql.as_str())).bind(tenant);
            for id in ids {
                query = query.bind(id);
            }
            query.fetch_all(&mut *c).await
        })?;
        for keyed in rows {
            progress
                .entry(keyed.feedback_id)
                .or_default()
                .push(keyed.row);
        }
        Ok(progress)
    }

    pub async fn action_progress(
        &mut self,
        tenant: &TenantId,
        feedback: FeedbackId,
    ) -> StorageResult<Vec<ActionProgress>> {
        Ok(self
            .progress(tenant, &[feedback])
            .await?
            .remove(&feedback)
            .unwrap_or_default())
    }

    /// Records the acknowledgement unless there is one; `true` when this call recorded it.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn insert_acknowledgement(
        &mut self,
        tenant: &TenantId,
        feedback: FeedbackId,
        candidate: &EmployeeId,
        ack: &Acknowledging,
        at: DateTime<Utc>,
    ) -> StorageResult<bool> {
        let inserted = on_db!(self, c => sqlx::query(
                "insert into feedback_acknowledgements
                   (feedback_id, tenant_id, candidate_id, usefulness_rating, comment, acknowledged_at)
                 values ($1, $2, $3, $4, $5, $6) on conflict (feedback_id) do nothing")
            .bind(feedback)
            .bind(tenant)
            .bind(candidate)
            .bind(ack.rating)
            .bind(ack.comment.as_deref())
            .bind(at)
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(inserted == 1)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn upsert_progress(
        &mut self,
        tenant: &TenantId,
        feedback: FeedbackId,
        progress: &ActionProgress,
    ) -> StorageResult<()> {
        on_db!(self, c => sqlx::query(
                "insert into action_progress (feedback_id, action_id, tenant_id, status, note, updated_at)
                 values ($1, $2, $3, $4, $5, $6)
                 on conflict (feedback_id, action_id) do update set status = $4, note = $5, updated_at = $6")
            .bind(feedback)
            .bind(progress.action_id)
            .bind(tenant)
            .bind(progress.status)
            .bind(progress.note.as_str())
            .bind(progress.updated_at)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Opens a follow-up request on released feedback.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn insert_follow_up(
        &mut self,
        tenant: &TenantId,
        new: NewFollowUp<'_>,
    ) -> StorageResult<FollowUp> {
        let sql = format!(
            "insert into follow_up_requests (id, tenant_id, feedback_id, requisition_id, candidate_id, addressee,
                                             message, preferred_times, status, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             returning {FOLLOW_UP_COLUMNS}"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, FollowUp>(AssertSqlSafe(sql.as_str()))
            .bind(FollowUpId::generate())
            .bind(tenant)
            .bind(new.feedback.id)
            .bind(new.feedback.requisition_id)
            .bind(&new.feedback.candidate_id)
            .bind(new.request.addressee)
            .bind(new.request.message.as_str())
            .bind(Json(&new.request.preferred_times))
            .bind(FollowUpStatus::Open)
            .bind(new.at)
            .fetch_one(&mut *c)
            .await)?,
        )
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_follow_up(
        &mut self,
        tenant: &TenantId,
        id: FollowUpId,
    ) -> StorageResult<Option<FollowUp>> {
        let sql = format!(
            "select {FOLLOW_UP_COLUMNS} from follow_up_requests where tenant_id = $1 and id = $2"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, FollowUp>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(id)
            .fetch_optional(&mut *c)
            .await)?,
        )
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_follow_ups(
        &mut self,
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
        Ok(
            on_db!(self, c => sqlx::query_as::<_, FollowUp>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(filter.status)
            .bind(filter.addressee)
            .bind(filter.hiring_manager.as_ref())
            .bind(filter.feedback_id)
            .bind(filter.candidate_id.as_ref())
            .bind(filter.after)
            .bind(i64::from(limit))
            .fetch_all(&mut *c)
            .await)?,
        )
    }

    /// Answers an open request; `None` if it is no longer open (or missing).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn answer_follow_up(
        &mut self,
        tenant: &TenantId,
        id: FollowUpId,
        answer: FollowUpAnswer,
        note: &str,
        by: &EmployeeId,
        at: DateTime<Utc>,
    ) -> StorageResult<Option<FollowUp>> {
        let sql = format!(
            "update follow_up_requests set status = $3, answer_note = $4, answered_by = $5, answered_at = $6
             where tenant_id = $1 and id = $2 and status = 'open'
             returning {FOLLOW_UP_COLUMNS}"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, FollowUp>(AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(id)
            .bind(answer.status())
            .bind(note)
            .bind(by)
            .bind(at)
            .fetch_optional(&mut *c)
            .await)?,
        )
    }
}
