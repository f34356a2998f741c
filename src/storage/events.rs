//! The outbox: events written in the change's transaction, read as an ordered feed.

use chrono::{DateTime, Utc};

use crate::domain::events::EventType;
use crate::domain::{EmployeeId, EventId, TenantId};

use super::{on_db, Db, On, StorageResult};

/// One stored event.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Event {
    pub id: EventId,
    pub tx: i64,
    #[sqlx(rename = "type")]
    pub kind: EventType,
    pub occurred_at: DateTime<Utc>,
    pub candidate_id: Option<EmployeeId>,
    pub author_id: Option<EmployeeId>,
    pub data: sqlx::types::Json<serde_json::Value>,
}

/// An event to record.
pub struct NewEvent<'a> {
    pub kind: EventType,
    pub candidate: Option<&'a EmployeeId>,
    pub author: Option<&'a EmployeeId>,
    /// Ids and states only, never free text.
    pub data: serde_json::Value,
}

/// A position in a tenant's feed: after the event `(tx, id)`.
pub type FeedPosition = (i64, EventId);

const EVENT_COLUMNS: &str = "id, tx, type, occurred_at, candidate_id, author_id, data";

impl Db<'_> {
    /// Records `event` (inside the change's transaction). On PostgreSQL it carries the writing
    /// transaction's id; SQLite writes one transaction at a time.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn insert_event(
        &mut self,
        tenant: &TenantId,
        event: NewEvent<'_>,
        at: DateTime<Utc>,
    ) -> StorageResult<EventId> {
        let id = EventId::generate();
        let tx = match self.on {
            On::Postgres(_) => "pg_current_xact_id()::text::bigint",
            On::Sqlite(_) => "0",
        };
        let sql = format!(
            "insert into events (id, tenant_id, tx, type, occurred_at, candidate_id, author_id, data)
             values ($1, $2, {tx}, $3, $4, $5, $6, $7)"
        );
        on_db!(self, c => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .bind(tenant)
            .bind(event.kind)
            .bind(at)
            .bind(event.candidate)
            .bind(event.author)
            .bind(sqlx::types::Json(&event.data))
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
        Ok(id)
    }

    /// The transaction id below which every transaction has ended (PostgreSQL): events under
    /// it can no longer be joined by one that commits late. SQLite: everything is settled.
    async fn settled_before(&mut self) -> StorageResult<i64> {
        if matches!(self.on, On::Sqlite(_)) {
            return Ok(i64::MAX);
        }
        Ok(on_db!(self, c => sqlx::query_scalar::<_, i64>(
                "select pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            .fetch_one(&mut *c)
            .await)?)
    }

    /// Up to `limit` settled events of `tenant` after `after`, in feed order, of `types` (all
    /// when empty).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn events_after(
        &mut self,
        tenant: &TenantId,
        after: Option<FeedPosition>,
        types: &[EventType],
        limit: u32,
    ) -> StorageResult<Vec<Event>> {
        let settled = self.settled_before().await?;
        let (after_tx, after_id) = after.map_or((-1, None), |(tx, id)| (tx, Some(id)));
        let types: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
        let types = serde_json::to_string(&types).unwrap_or_else(|_| "[]".into());
        let filter = match self.on {
            On::Postgres(_) => "type in (select jsonb_array_elements_text($5::jsonb))",
            On::Sqlite(_) => "type in (select value from json_each($5))",
        };
        let sql = format!(
            "select {EVENT_COLUMNS} from events
             where tenant_id = $1 and tx < $2
               and (tx > $3 or (tx = $3 and ($4 is null or id > $4)))
               and ($6 or {filter})
             order by tx, id
             limit $7"
        );
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Event>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(tenant)
            .bind(settled)
            .bind(after_tx)
            .bind(after_id)
            .bind(types.as_str())
            .bind(types == "[]")
            .bind(i64::from(limit))
            .fetch_all(&mut *c)
            .await)?,
        )
    }

    /// Replaces `subject` by `pseudonym` in `tenant`'s events (erasure).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn pseudonymise_events(
        &mut self,
        tenant: &TenantId,
        subject: &EmployeeId,
        pseudonym: &EmployeeId,
    ) -> StorageResult<u64> {
        let mut changed = 0;
        for column in ["candidate_id", "author_id"] {
            let sql =
                format!("update events set {column} = $3 where tenant_id = $1 and {column} = $2");
            changed += on_db!(self, c => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant)
                .bind(subject)
                .bind(pseudonym)
                .execute(&mut *c)
                .await
                .map(|done| done.rows_affected()))?;
        }
        Ok(changed)
    }

    /// Deletes `tenant`'s events that occurred before `before`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn purge_events(
        &mut self,
        tenant: &TenantId,
        before: DateTime<Utc>,
    ) -> StorageResult<u64> {
        Ok(
            on_db!(self, c => sqlx::query("delete from events where tenant_id = $1 and occurred_at < $2")
            .bind(tenant)
            .bind(before)
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected()))?,
        )
    }
}
