//! Webhook subscriptions (HR and the HR portal, per tenant): where the tenant's events are
//! delivered, signed with a secret shown once, with a delivery log, manual redelivery and a
//! test ping. The deliveries themselves are the dispatcher's (`dispatch`).

mod dispatch;
mod log;
mod send;

use std::sync::atomic::{AtomicU64, Ordering};

use crate::auth::policy::Operation;
use crate::domain::webhooks::{
    signature_header, DeliveryState, DisabledReason, NewSubscription, SigningSecret,
    SubscriptionChange,
};
use crate::domain::{AttemptId, Checked, EventId, Precondition, Principal, SubscriptionId};
use crate::storage::{now, Attempt, Subscription, SubscriptionFields};

use super::{authorize, expected_version, record, App, AppError, AppResult, Page, PageRequest};

pub use dispatch::DISPATCH_BATCH;
pub use send::{Outcome, Sender, RESPONSE_KEPT_BYTES};

pub struct Webhooks<'a>(pub(super) &'a App);

/// A subscription just created or whose secret was just rotated: the only time its secret is
/// shown.
#[derive(Debug)]
pub struct WithSecret {
    pub subscription: Subscription,
    pub secret: String,
}

/// Deliveries by how their attempt ended, since the process started (for `/metrics`).
#[derive(Debug, Default)]
pub struct DeliveryCounters {
    pub delivered: AtomicU64,
    /// Failed, to be tried again.
    pub retrying: AtomicU64,
    /// Failed for the last time.
    pub failed: AtomicU64,
    /// Not attempted: the subscription was disabled or deleted, or the event purged.
    pub cancelled: AtomicU64,
}

impl DeliveryCounters {
    fn count(&self, state: DeliveryState) {
        let counter = match state {
            DeliveryState::Delivered => &self.delivered,
            DeliveryState::Pending => &self.retrying,
            DeliveryState::Failed => &self.failed,
            DeliveryState::Cancelled => &self.cancelled,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

fn fields<'a>(
    url: &'a str,
    description: &'a str,
    event_types: &'a [crate::domain::events::EventType],
    enabled: bool,
    was: Option<DisabledReason>,
) -> SubscriptionFields<'a> {
    SubscriptionFields {
        url,
        description,
        event_types,
        disabled: match (enabled, was) {
            (true, _) => None,
            (false, Some(reason)) => Some(reason),
            (false, None) => Some(DisabledReason::Manual),
        },
    }
}

fn about(
    id: SubscriptionId,
) -> (
    &'static str,
    String,
    Option<&'static crate::domain::EmployeeId>,
) {
    ("webhook_subscription", id.to_string(), None)
}

fn generated_secret() -> AppResult<SigningSecret> {
    SigningSecret::generate().map_err(|why| AppError::Internal(why.into()))
}

impl Webhooks<'_> {
    /// Whether endpoints on loopback, private or link-local addresses (and plain http) are
    /// allowed: what a URL is checked against.
    pub fn allow_local_destinations(&self) -> bool {
        self.0.webhooks.allow_local_destinations
    }

    pub fn counters(&self) -> &DeliveryCounters {
        &self.0.deliveries
    }

    /// The delivery queue of every tenant and process (for `/metrics`).
    pub async fn queue(&self) -> AppResult<crate::storage::QueueStats> {
        let mut connection = self.0.store().acquire().await?;
        Ok(connection.db().delivery_queue().await?)
    }

    pub async fn create(
        &self,
        principal: &Principal,
        new: Checked<NewSubscription>,
    ) -> AppResult<WithSecret> {
        authorize(principal, Operation::CreateWebhook)?;
        let new = new?;
        let secret = generated_secret()?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(tenant).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        let fields = fields(
            new.url.as_str(),
            &new.description,
            &new.event_types,
            new.enabled,
            None,
        );
        let subscription = db
            .insert_subscription(tenant, &fields, secret.expose(), now())
            .await?;
        record(
            &mut db,
            principal,
            "webhook_subscription.create",
            &about(subscription.id),
            serde_json::json!({"enabled": subscription.enabled}),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(subscription = %subscription.id, "webhook subscription created");
        Ok(WithSecret {
            subscription,
            secret: secret.expose().to_owned(),
        })
    }

    pub async fn list(
        &self,
        principal: &Principal,
        page: Checked<PageRequest<SubscriptionId>>,
    ) -> AppResult<Page<Subscription>> {
        authorize(principal, Operation::ListWebhooks)?;
        let page = page?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let rows = connection
            .db()
            .list_subscriptions(principal.tenant(), page.after, page.fetch())
            .await?;
        Ok(Page::of(rows, page.limit))
    }

    /// `id` did not parse: it names nothing.
    pub async fn get(
        &self,
        principal: &Principal,
        id: Option<SubscriptionId>,
    ) -> AppResult<Subscription> {
        authorize(principal, Operation::ReadWebhook)?;
        let id = id.ok_or(AppError::NotFound)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        connection
            .db()
            .get_subscription(principal.tenant(), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Changes a subscription at the caller's version. Enabling one Debrief disabled starts
    /// its endpoint's record afresh; deliveries cancelled meanwhile stay so (redeliver them).
    pub async fn update(
        &self,
        principal: &Principal,
        id: Option<SubscriptionId>,
        change: Checked<SubscriptionChange>,
        precondition: Precondition,
    ) -> AppResult<Subscription> {
        authorize(principal, Operation::UpdateWebhook)?;
        let id = id.ok_or(AppError::NotFound)?;
        let change = change?;
        let version = expected_version(precondition)?;
        let tenant = principal.tenant();
        let mut connection = self.0.connection(tenant).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        let current = db
            .get_subscription(tenant, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if current.version != version {
            return Err(AppError::Stale);
        }
        let url = change
            .url
            .as_ref()
            .map_or(current.url.as_str(), |url| url.as_str());
        let description = change
            .description
            .as_deref()
            .unwrap_or(&current.description);
        let event_types = change
            .event_types
            .as_deref()
            .unwrap_or(&current.event_types.0);
        let enabled = change.enabled.unwrap_or(current.enabled);
        let unchanged = url == current.url
            && description == current.description
            && event_types == current.event_types.0.as_slice()
            && enabled == current.enabled;
        if unchanged {
            tx.rollback().await?;
            return Ok(current);
        }
        let fields = fields(
            url,
            description,
            event_types,
            enabled,
            current.disabled_reason,
        );
        let updated = db
            .update_subscription(tenant, id, version, &fields, now())
            .await?
            .ok_or(AppError::Stale)?;
        record(
            &mut db,
            principal,
            "webhook_subscription.update",
            &about(id),
            serde_json::json!({"version": updated.version, "enabled": updated.enabled}),
        )
        .await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes a subscription, its queue and its log.
    pub async fn delete(&self, principal: &Principal, id: Option<SubscriptionId>) -> AppResult<()> {
        authorize(principal, Operation::DeleteWebhook)?;
        let id = id.ok_or(AppError::NotFound)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        if !db.delete_subscription(principal.tenant(), id).await? {
            return Err(AppError::NotFound);
        }
        record(
            &mut db,
            principal,
            "webhook_subscription.delete",
            &about(id),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A new secret, shown once; the old one keeps signing beside it for `grace` (the
    /// configured default when `None`), so receivers can switch without losing a message.
    pub async fn rotate_secret(
        &self,
        principal: &Principal,
        id: Option<SubscriptionId>,
        grace: Option<std::time::Duration>,
    ) -> AppResult<WithSecret> {
        authorize(principal, Operation::RotateWebhookSecret)?;
        let id = id.ok_or(AppError::NotFound)?;
        let grace = grace.unwrap_or(self.0.webhooks.secret_grace);
        let grace = chrono::Duration::from_std(grace)
            .map_err(|_| AppError::field("grace_period_seconds", "too long"))?;
        let secret = generated_secret()?;
        let at = now();
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        let subscription = db
            .rotate_secret(principal.tenant(), id, secret.expose(), at + grace, at)
            .await?
            .ok_or(AppError::NotFound)?;
        record(
            &mut db,
            principal,
            "webhook_subscription.rotate_secret",
            &about(id),
            serde_json::json!({"version": subscription.version}),
        )
        .await?;
        tx.commit().await?;
        Ok(WithSecret {
            subscription,
            secret: secret.expose().to_owned(),
        })
    }

    /// Sends a `webhook.ping` now, signed like any delivery, and logs it: whether the endpoint
    /// is reachable and verifies signatures. It works on a disabled subscription too.
    pub async fn ping(
        &self,
        principal: &Principal,
        id: Option<SubscriptionId>,
    ) -> AppResult<Attempt> {
        authorize(principal, Operation::PingWebhook)?;
        let id = id.ok_or(AppError::NotFound)?;
        let tenant = principal.tenant();
        let subscription = {
            let mut connection = self.0.connection(tenant).await?;
            let found = connection.db().get_subscription(tenant, id).await?;
            found.ok_or(AppError::NotFound)?
        };
        let attempt_id = AttemptId::generate();
        let at = now();
        let body = serde_json::json!({
            "id": attempt_id,
            "type": "webhook.ping",
            "timestamp": at,
            "data": {"subscription_id": id},
        });
        let webhook_id = format!("ping_{attempt_id}");
        let outcome = self
            .send(
                &subscription,
                &webhook_id,
                at,
                body.to_string().into_bytes(),
            )
            .await?;
        let attempt = attempt_of(attempt_id, None, webhook_id, 1, at, &outcome);
        let mut connection = self.0.connection(tenant).await?;
        connection.db().insert_attempt(tenant, id, &attempt).await?;
        Ok(attempt)
    }

    /// Signs `body` with the subscription's secrets still valid at `at` and POSTs it.
    async fn send(
        &self,
        subscription: &Subscription,
        webhook_id: &str,
        at: chrono::DateTime<chrono::Utc>,
        body: Vec<u8>,
    ) -> AppResult<Outcome> {
        let current = SigningSecret::parse(&subscription.secret)
            .map_err(|why| AppError::Internal(format!("stored secret: {why}")))?;
        let previous = match (
            &subscription.previous_secret,
            subscription.previous_secret_until,
        ) {
            (Some(secret), Some(until)) if until > at => SigningSecret::parse(secret).ok(),
            _ => None,
        };
        let mut secrets = vec![&current];
        secrets.extend(previous.as_ref());
        let timestamp = at.timestamp();
        let signature = signature_header(&secrets, webhook_id, timestamp, &body);
        let signed = send::Signed {
            webhook_id,
            timestamp,
            signature,
            body,
        };
        Ok(self.0.sender.send(&subscription.url, signed).await)
    }
}

/// The log entry of an attempt.
fn attempt_of(
    id: AttemptId,
    event: Option<EventId>,
    webhook_id: String,
    number: i32,
    at: chrono::DateTime<chrono::Utc>,
    outcome: &Outcome,
) -> Attempt {
    Attempt {
        id,
        event_id: event,
        webhook_id,
        attempt: number,
        attempted_at: at,
        status_code: outcome.status.map(i32::from),
        latency_ms: i64::try_from(outcome.latency.as_millis()).unwrap_or(i64::MAX),
        error: outcome.error.clone(),
        response_body: outcome.body.clone(),
    }
}
