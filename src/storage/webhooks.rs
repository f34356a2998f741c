//! Webhook subscriptions, the delivery queue and the delivery log.
//!
//! A delivery row is queued with its event (`insert_event`). The dispatcher of every `serve`
//! process claims due rows (`claim_deliveries`: `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
//! two processes never claim the same row), which moves `next_attempt_at` to the end of the
//! claim's lease: a process that dies mid-delivery leaves a row that falls due again when its
//! lease ends. A completion names its claim, so a process whose lease ran out cannot overwrite
//! what the process that took over recorded.

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use crate::domain::events::EventType;
use crate::domain::webhooks::DisabledReason;
use crate::domain::{SubscriptionId, TenantId};

use super::{on_db, Db, StorageResult};

/// A stored subscription, with its secrets (never shown after creation or rotation).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Subscription {
    pub id: SubscriptionId,
    pub url: String,
    pub description: String,
    pub event_types: Json<Vec<EventType>>,
    pub enabled: bool,
    pub disabled_reason: Option<DisabledReason>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub failing_since: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A subscription's fields as they are to be written (create, update).
pub struct SubscriptionFields<'a> {
    pub url: &'a str,
    pub description: &'a str,
    pub event_types: &'a [EventType],
    pub disabled: Option<DisabledReason>,
}

/// The columns a `Subscription` is read from, once for every statement (a literal, so that
/// the statements stay static strings).
macro_rules! subscription_columns {
    () => {
        "id, url, description, event_types, enabled, disabled_reason, secret, previous_secret,
         previous_secret_until, failing_since, version, created_at, updated_at"
    };
}

/// A write that answers the subscription as it now is.
macro_rules! subscription_sql {
    ($($part:literal),+) => {
        concat!($($part),+, " returning ", subscription_columns!())
    };
}

impl Db<'_> {
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn insert_subscription(
        &mut self,
        tenant: &TenantId,
        fields: &SubscriptionFields<'_>,
        secret: &str,
        at: DateTime<Utc>,
    ) -> StorageResult<Subscription> {
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Subscription>(subscription_sql!(
            "insert into webhook_subscriptions (id, tenant_id, url, description, event_types,
                 enabled, disabled_reason, secret, version, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)"
        ))
        .bind(SubscriptionId::generate())
        .bind(tenant)
        .bind(fields.url)
        .bind(fields.description)
        .bind(Json(fields.event_types))
        .bind(fields.disabled.is_none())
        .bind(fields.disabled)
        .bind(secret)
        .bind(at)
        .fetch_one(&mut *c)
        .await)?,
        )
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_subscription(
        &mut self,
        tenant: &TenantId,
        id: SubscriptionId,
    ) -> StorageResult<Option<Subscription>> {
        const SQL: &str = concat!(
            "select ",
            subscription_columns!(),
            " from webhook_subscriptions where tenant_id = $1 and id = $2"
        );
        Ok(on_db!(self, c => sqlx::query_as::<_, Subscription>(SQL)
            .bind(tenant)
            .bind(id)
            .fetch_optional(&mut *c)
            .await)?)
    }

    /// A page of `tenant`'s subscriptions in id (creation) order.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_subscriptions(
        &mut self,
        tenant: &TenantId,
        after: Option<SubscriptionId>,
        limit: u32,
    ) -> StorageResult<Vec<Subscription>> {
        const SQL: &str = concat!(
            "select ",
            subscription_columns!(),
            " from webhook_subscriptions
              where tenant_id = $1 and ($2 is null or id > $2)
              order by id limit $3"
        );
        Ok(on_db!(self, c => sqlx::query_as::<_, Subscription>(SQL)
            .bind(tenant)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&mut *c)
            .await)?)
    }

    /// Writes `fields` if the subscription is still at `version`; `None` otherwise (stale or
    /// missing). Enabling clears the failure record.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_subscription(
        &mut self,
        tenant: &TenantId,
        id: SubscriptionId,
        version: i64,
        fields: &SubscriptionFields<'_>,
        at: DateTime<Utc>,
    ) -> StorageResult<Option<Subscription>> {
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Subscription>(subscription_sql!(
            "update webhook_subscriptions
                set url = $4, description = $5, event_types = $6, enabled = $7,
                    disabled_reason = $8,
                    failing_since = case when $7 then null else failing_since end,
                    version = version + 1, updated_at = $9
              where tenant_id = $1 and id = $2 and version = $3"
        ))
        .bind(tenant)
        .bind(id)
        .bind(version)
        .bind(fields.url)
        .bind(fields.description)
        .bind(Json(fields.event_types))
        .bind(fields.disabled.is_none())
        .bind(fields.disabled)
        .bind(at)
        .fetch_optional(&mut *c)
        .await)?,
        )
    }

    /// Replaces the secret; the old one signs too until `grace_until`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn rotate_secret(
        &mut self,
        tenant: &TenantId,
        id: SubscriptionId,
        secret: &str,
        grace_until: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> StorageResult<Option<Subscription>> {
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Subscription>(subscription_sql!(
            "update webhook_subscriptions
                set previous_secret = secret, previous_secret_until = $4, secret = $3,
                    version = version + 1, updated_at = $5
              where tenant_id = $1 and id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .bind(secret)
        .bind(grace_until)
        .bind(at)
        .fetch_optional(&mut *c)
        .await)?,
        )
    }

    /// Deletes a subscription with its queue and log; whether it existed.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_subscription(
        &mut self,
        tenant: &TenantId,
        id: SubscriptionId,
    ) -> StorageResult<bool> {
        Ok(on_db!(self, c => sqlx::query(
            "delete from webhook_subscriptions where tenant_id = $1 and id = $2")
        .bind(tenant)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|done| done.rows_affected() > 0))?)
    }
}
