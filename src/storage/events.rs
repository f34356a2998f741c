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

/// On PostgreSQL the event carries the writing transaction's id; SQLite writes one
/// transaction at a time (0). With the event, one delivery is queued for every enabled webhook
/// subscription of the tenant that takes its type (`[]`: every type): in the same statement on
/// PostgreSQL, in a second one on SQLite.
const INSERT_POSTGRES: &str = "with event as (
         insert into events (id, tenant_id, tx, type, occurred_at, candidate_id, author_id, data)
         values ($1, $2, pg_current_xact_id()::text::bigint, $3, $4, $5, $6, $7)
         returning id, tenant_id, type, occurred_at)
     insert into webhook_deliveries (subscription_id, event_id, tenant_id, state, attempts,
         next_attempt_at, created_at)
     select s.id, event.id, event.tenant_id, 'pending', 0, event.occurred_at, event.occurred_at
       from event join webhook_subscriptions s on s.tenant_id = event.tenant_id
      where s.enabled
        and (s.event_types = '[]'::jsonb or s.event_types @> jsonb_build_array(event.type))";
const INSERT_SQLITE: &str =
    "insert into events (id, tenant_id, tx, type, occurred_at, candidate_id, author_id, data)
     values ($1, $2, 0, $3, $4, $5, $6, $7)";
const QUEUE_SQLITE: &str = "insert into webhook_deliveries (subscription_id, event_id, tenant_id,
         state, attempts, next_attempt_at, created_at)
     select s.id, $1, $2, 'pending', 0, $4, $4 from webhook_subscriptions s
      where s.tenant_id = $2 and s.enabled
        and (s.event_types = '[]'
             or exists (select 1 from json_each(s.event_types) where value = $3))";

/// Settled events after a position, of some types (`$5`, a JSON array; `$4`: all), in order.
/// On PostgreSQL "settled" is below the oldest write transaction still running, in the same
/// statement's snapshot: an event that commits late can no longer join what was returned.
macro_rules! feed_sql {
    ($settled:literal, $types:literal) => {
        concat!(
            "select id, tx, type, occurred_at, candidate_id, author_id, data from events
             where tenant_id = $1",
            $settled,
            "
               and (tx > $2 or (tx = $2 and ($3 is null or id > $3)))
               and ($5 or type in (",
            $types,
            "))
             order by tx, id
             limit $6"
        )
    };
}
const FEED_POSTGRES: &str = feed_sql!(
    " and tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
    "select jsonb_array_elements_text($4::jsonb)"
);
const FEED_SQLITE: &str = feed_sql!("", "select value from json_each($4)");

impl Db<'_> {
    /// Records `event` (inside the change's transaction).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn insert_event(
        &mut self,
        tenant: &TenantId,
        event: NewEvent<'_>,
        at: DateTime<Utc>,
    ) -> StorageResult<EventId> {
        let id = EventId::generate();
        let sql = match self.on {
            On::Postgres(_) => INSERT_POSTGRES,
            On::Sqlite(_) => INSERT_SQLITE,
        };
        on_db!(self, c => sqlx::query(sql)
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
        if let On::Sqlite(_) = self.on {
            on_db!(self, c => sqlx::query(QUEUE_SQLITE)
                .bind(id)
                .bind(tenant)
                .bind(event.kind)
                .bind(at)
                .execute(&mut *c)
                .await
                .map(|_| ()))?;
        }
        Ok(id)
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
        let (after_tx, after_id) = after.map_or((-1, None), |(tx, id)| (tx, Some(id)));
        let types: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
        let types = serde_json::to_string(&types).unwrap_or_else(|_| "[]".into());
        let sql = match self.on {
            On::Postgres(_) => FEED_POSTGRES,
            On::Sqlite(_) => FEED_SQLITE,
        };
        Ok(on_db!(self, c => sqlx::query_as::<_, Event>(sql)
            .bind(tenant)
            .bind(after_tx)
            .bind(after_id)
            .bind(types.as_str())
            .bind(types == "[]")
            .bind(i64::from(limit))
            .fetch_all(&mut *c)
            .await)?)
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

    /// Deletes `tenant`'s events that occurred before `before`, with their deliveries, and the
    /// delivery log's entries of that age.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn purge_events(
        &mut self,
        tenant: &TenantId,
        before: DateTime<Utc>,
    ) -> StorageResult<u64> {
        on_db!(self, c => sqlx::query(
            "delete from webhook_attempts where tenant_id = $1 and attempted_at < $2")
            .bind(tenant)
            .bind(before)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
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

impl Db<'_> {
    /// One event of `tenant`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn event(&mut self, tenant: &TenantId, id: EventId) -> StorageResult<Option<Event>> {
        Ok(on_db!(self, c => sqlx::query_as::<_, Event>(
            "select id, tx, type, occurred_at, candidate_id, author_id, data from events
              where tenant_id = $1 and id = $2")
            .bind(tenant)
            .bind(id)
            .fetch_optional(&mut *c)
            .await)?)
    }
}
