//! The webhook delivery queue and the delivery log (see `webhooks` for how a delivery is
//! queued, claimed and completed).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::events::EventType;
use crate::domain::webhooks::DeliveryState;
use crate::domain::{AttemptId, EventId, SubscriptionId, TenantId};

use super::{on_db, Db, On, StorageResult};

/// A delivery claimed by this process, to attempt now.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ClaimedDelivery {
    pub tenant_id: TenantId,
    pub subscription_id: SubscriptionId,
    pub event_id: EventId,
    /// This attempt's number (1 for the first).
    pub attempts: i32,
}

/// One event's delivery to one subscription.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Delivery {
    pub event_id: EventId,
    #[sqlx(rename = "type")]
    pub kind: EventType,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// One entry of the delivery log.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Attempt {
    pub id: AttemptId,
    pub event_id: Option<EventId>,
    pub webhook_id: String,
    pub attempt: i32,
    pub attempted_at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    pub error: Option<String>,
    pub response_body: Option<String>,
}

/// The queue as `/metrics` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Default, sqlx::FromRow)]
pub struct QueueStats {
    pub pending: i64,
    pub oldest_pending: Option<DateTime<Utc>>,
}

/// Claims up to `$3` due deliveries: each moves to the end of the lease (`$2`) under the claim
/// `$4` and counts one more attempt.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "update webhook_deliveries
                set next_attempt_at = $2, claim = $4, attempts = attempts + 1
              where (subscription_id, event_id) in (
                    select subscription_id, event_id from webhook_deliveries
                     where state = 'pending' and next_attempt_at <= $1
                     order by next_attempt_at
                     limit $3",
            $lock,
            ")
             returning tenant_id, subscription_id, event_id, attempts"
        )
    };
}
const CLAIM_POSTGRES: &str = claim_sql!(" for update skip locked");
const CLAIM_SQLITE: &str = claim_sql!("");

impl Db<'_> {
    /// Claims up to `limit` due deliveries of every tenant for `claim`, until `lease_until`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn claim_deliveries(
        &mut self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
        claim: Uuid,
    ) -> StorageResult<Vec<ClaimedDelivery>> {
        let sql = match self.on {
            On::Postgres(_) => CLAIM_POSTGRES,
            On::Sqlite(_) => CLAIM_SQLITE,
        };
        Ok(on_db!(self, c => sqlx::query_as::<_, ClaimedDelivery>(sql)
            .bind(now)
            .bind(lease_until)
            .bind(i64::from(limit))
            .bind(claim)
            .fetch_all(&mut *c)
            .await)?)
    }

    /// Records how a claimed delivery ended (`next_attempt_at`: when it is due again, for a
    /// pending one); `false` when the claim is no longer this process's.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn finish_delivery(
        &mut self,
        delivery: &ClaimedDelivery,
        claim: Uuid,
        state: DeliveryState,
        next_attempt_at: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> StorageResult<bool> {
        Ok(on_db!(self, c => sqlx::query(
            "update webhook_deliveries
                set state = $4, next_attempt_at = $5, claim = null,
                    finished_at = case when $4 = 'pending' then null else $6 end
              where subscription_id = $1 and event_id = $2 and claim = $3")
        .bind(delivery.subscription_id)
        .bind(delivery.event_id)
        .bind(claim)
        .bind(state)
        .bind(next_attempt_at)
        .bind(at)
        .execute(&mut *c)
        .await
        .map(|done| done.rows_affected() > 0))?)
    }

    /// Gives back what `claim` still holds (a stopping process): due now, the attempt it had
    /// counted not made.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn release_claim(&mut self, claim: Uuid, now: DateTime<Utc>) -> StorageResult<u64> {
        Ok(on_db!(self, c => sqlx::query(
            "update webhook_deliveries
                set claim = null, next_attempt_at = $2, attempts = attempts - 1
              where claim = $1 and state = 'pending'")
        .bind(claim)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|done| done.rows_affected()))?)
    }

    /// Appends to a subscription's delivery log.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn insert_attempt(
        &mut self,
        tenant: &TenantId,
        subscription: SubscriptionId,
        attempt: &Attempt,
    ) -> StorageResult<()> {
        on_db!(self, c => sqlx::query(
            "insert into webhook_attempts (id, tenant_id, subscription_id, event_id, webhook_id,
                 attempt, attempted_at, status_code, latency_ms, error, response_body)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(attempt.id)
        .bind(tenant)
        .bind(subscription)
        .bind(attempt.event_id)
        .bind(&attempt.webhook_id)
        .bind(attempt.attempt)
        .bind(attempt.attempted_at)
        .bind(attempt.status_code)
        .bind(attempt.latency_ms)
        .bind(&attempt.error)
        .bind(&attempt.response_body)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Notes an attempt's outcome on the subscription: a success clears its failure record; a
    /// failure starts one (if none) and, once it is older than `disable_before`, disables the
    /// subscription. Returns whether this call disabled it.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn note_endpoint_health(
        &mut self,
        tenant: &TenantId,
        id: SubscriptionId,
        succeeded: bool,
        now: DateTime<Utc>,
        disable_before: DateTime<Utc>,
    ) -> StorageResult<bool> {
        if succeeded {
            on_db!(self, c => sqlx::query(
                "update webhook_subscriptions set failing_since = null
                  where tenant_id = $1 and id = $2 and failing_since is not null")
            .bind(tenant)
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
            return Ok(false);
        }
        on_db!(self, c => sqlx::query(
            "update webhook_subscriptions set failing_since = coalesce(failing_since, $3)
              where tenant_id = $1 and id = $2")
        .bind(tenant)
        .bind(id)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
        Ok(on_db!(self, c => sqlx::query(
            "update webhook_subscriptions
                set enabled = false, disabled_reason = 'failing', version = version + 1,
                    updated_at = $3
              where tenant_id = $1 and id = $2 and enabled and failing_since <= $4")
        .bind(tenant)
        .bind(id)
        .bind(now)
        .bind(disable_before)
        .execute(&mut *c)
        .await
        .map(|done| done.rows_affected() > 0))?)
    }

    /// A subscription's deliveries, newest event first, optionally in one state.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_deliveries(
        &mut self,
        tenant: &TenantId,
        subscription: SubscriptionId,
        state: Option<DeliveryState>,
        before: Option<EventId>,
        limit: u32,
    ) -> StorageResult<Vec<Delivery>> {
        Ok(on_db!(self, c => sqlx::query_as::<_, Delivery>(
            "select d.event_id, e.type, d.state, d.attempts,
                    case when d.state = 'pending' then d.next_attempt_at end as next_attempt_at,
                    d.created_at, d.finished_at
               from webhook_deliveries d join events e on e.id = d.event_id
              where d.tenant_id = $1 and e.tenant_id = $1 and d.subscription_id = $2
                and ($3 is null or d.state = $3) and ($4 is null or d.event_id < $4)
              order by d.event_id desc limit $5")
        .bind(tenant)
        .bind(subscription)
        .bind(state)
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&mut *c)
        .await)?)
    }

    /// Queues `event` for `subscription` again (or for the first time): pending, due now, its
    /// attempts counted afresh. `false` when the event is not the tenant's.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn requeue_delivery(
        &mut self,
        tenant: &TenantId,
        subscription: SubscriptionId,
        event: EventId,
        now: DateTime<Utc>,
    ) -> StorageResult<bool> {
        Ok(on_db!(self, c => sqlx::query(
            "insert into webhook_deliveries (subscription_id, event_id, tenant_id, state,
                 attempts, next_attempt_at, created_at)
             select $2, e.id, $1, 'pending', 0, $4, $4 from events e
              where e.tenant_id = $1 and e.id = $3
             on conflict (subscription_id, event_id) do update
                set state = 'pending', attempts = 0, next_attempt_at = $4, claim = null,
                    finished_at = null")
        .bind(tenant)
        .bind(subscription)
        .bind(event)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|done| done.rows_affected() > 0))?)
    }

    /// A page of a subscription's delivery log, newest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_attempts(
        &mut self,
        tenant: &TenantId,
        subscription: SubscriptionId,
        before: Option<AttemptId>,
        limit: u32,
    ) -> StorageResult<Vec<Attempt>> {
        Ok(on_db!(self, c => sqlx::query_as::<_, Attempt>(
            "select id, event_id, webhook_id, attempt, attempted_at, status_code, latency_ms,
                    error, response_body
               from webhook_attempts
              where tenant_id = $1 and subscription_id = $2 and ($3 is null or id < $3)
              order by id desc limit $4")
        .bind(tenant)
        .bind(subscription)
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&mut *c)
        .await)?)
    }

    /// How many deliveries wait, and since when the oldest (every tenant).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delivery_queue(&mut self) -> StorageResult<QueueStats> {
        Ok(on_db!(self, c => sqlx::query_as::<_, QueueStats>(
            "select count(*) as pending, min(created_at) as oldest_pending
               from webhook_deliveries where state = 'pending'")
        .fetch_one(&mut *c)
        .await)?)
    }
}
