//! The dispatcher every `serve` process runs: it claims due deliveries of every tenant (see
//! `storage::webhooks`), attempts them concurrently, and records each outcome. At least once:
//! a claim ends in a recorded outcome, a release (graceful stop), or a lease that runs out
//! (the process died), after which another process takes the delivery over. One `webhook-id`
//! per event (the event's id) across every attempt.

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use uuid::Uuid;

use crate::domain::events::EventType;
use crate::domain::webhooks::DeliveryState;
use crate::domain::AttemptId;
use crate::storage::{now, ClaimedDelivery, NewEvent};

use super::super::{App, AppError, AppResult, Message};
use super::{attempt_of, Webhooks};

/// Deliveries claimed (and attempted at once) per round, at most: the configured concurrency.
pub const DISPATCH_BATCH: u32 = 256;

impl Webhooks<'_> {
    /// Claims what is due (up to the configured concurrency) under `claim` and attempts it;
    /// how many deliveries it claimed.
    pub async fn dispatch_due(&self, claim: Uuid) -> AppResult<usize> {
        let settings = &self.0.webhooks;
        let at = now();
        let lease = chrono::Duration::from_std(settings.lease)
            .map_err(|_| AppError::Internal("lease out of range".into()))?;
        let claimed = {
            let mut connection = self.0.store().acquire().await?;
            connection
                .db()
                .claim_deliveries(
                    at,
                    at + lease,
                    settings.concurrency.min(DISPATCH_BATCH),
                    claim,
                )
                .await?
        };
        let attempts = claimed.iter().map(|delivery| async move {
            if let Err(error) = self.attempt(delivery, claim).await {
                // The claim stays: the delivery falls due again when its lease runs out.
                tracing::warn!(%error, subscription = %delivery.subscription_id, event = %delivery.event_id, "webhook delivery not recorded");
            }
        });
        futures_util::future::join_all(attempts).await;
        Ok(claimed.len())
    }

    /// Runs until `stop` turns true: rounds back to back while work is due, otherwise every
    /// poll interval. On stop, the round in flight finishes (each attempt is bounded by the
    /// webhook timeout) and whatever is still claimed is given back.
    pub async fn run(&self, mut stop: watch::Receiver<bool>) {
        let claim = Uuid::now_v7();
        let full = self.0.webhooks.concurrency.min(DISPATCH_BATCH) as usize;
        loop {
            if *stop.borrow() {
                break;
            }
            let busy = match self.dispatch_due(claim).await {
                Ok(claimed) => claimed >= full,
                Err(error) => {
                    tracing::warn!(%error, "webhook dispatch round failed");
                    false
                }
            };
            if busy {
                continue;
            }
            tokio::select! {
                _ = stop.changed() => break,
                () = tokio::time::sleep(self.0.webhooks.poll_interval) => {}
            }
        }
        self.release(claim).await;
    }

    /// Gives back the deliveries `claim` still holds.
    pub async fn release(&self, claim: Uuid) {
        let released = async {
            let mut connection = self.0.store().acquire().await?;
            Ok::<_, AppError>(connection.db().release_claim(claim, now()).await?)
        };
        match released.await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "webhook deliveries released for another process"),
            Err(error) => {
                tracing::warn!(%error, "webhook deliveries not released; their lease will run out")
            }
        }
    }

    /// One attempt of a claimed delivery, recorded.
    async fn attempt(&self, delivery: &ClaimedDelivery, claim: Uuid) -> AppResult<()> {
        let tenant = &delivery.tenant_id;
        let (subscription, event) = {
            let mut connection = self.0.connection(tenant).await?;
            let mut db = connection.db();
            let subscription = db
                .get_subscription(tenant, delivery.subscription_id)
                .await?;
            let event = db.event(tenant, delivery.event_id).await?;
            (subscription, event)
        };
        let at = now();
        let (Some(subscription), Some(event)) = (subscription.filter(|s| s.enabled), event) else {
            return self
                .finish(delivery, claim, DeliveryState::Cancelled, at, at)
                .await;
        };
        let body = serde_json::to_vec(&Message::from(&event))
            .map_err(|e| AppError::Internal(format!("event payload: {e}")))?;
        let webhook_id = event.id.to_string();
        let outcome = self.send(&subscription, &webhook_id, at, body).await?;
        let number = delivery.attempts;
        let settings = &self.0.webhooks;
        let (state, next) = if outcome.succeeded() {
            (DeliveryState::Delivered, at)
        } else {
            let attempt = u32::try_from(number).unwrap_or(u32::MAX);
            match settings.retry_schedule.wait_after(attempt, jitter()) {
                Some(wait) => (
                    DeliveryState::Pending,
                    at + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1)),
                ),
                None => (DeliveryState::Failed, at),
            }
        };
        tracing::info!(
            subscription = %subscription.id,
            event = %event.id,
            attempt = number,
            status = outcome.status,
            latency_ms = outcome.latency.as_millis() as u64,
            outcome = state.as_str(),
            error = outcome.error.as_deref(),
            "webhook attempt"
        );
        let log = attempt_of(
            AttemptId::generate(),
            Some(event.id),
            webhook_id,
            number,
            at,
            &outcome,
        );
        let disable_before = at
            - chrono::Duration::from_std(settings.disable_after)
                .unwrap_or(chrono::Duration::days(5));
        let mut connection = self.0.connection(tenant).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        db.insert_attempt(tenant, subscription.id, &log).await?;
        if !db
            .finish_delivery(delivery, claim, state, next, now())
            .await?
        {
            // Another process took the delivery over (this one's lease ran out): its record
            // stands.
            tx.rollback().await?;
            return Ok(());
        }
        let disabled = db
            .note_endpoint_health(
                tenant,
                subscription.id,
                outcome.succeeded(),
                at,
                disable_before,
            )
            .await?;
        if disabled {
            let event = NewEvent {
                kind: EventType::WebhookSubscriptionDisabled,
                candidate: None,
                author: None,
                data: serde_json::json!({
                    "subscription_id": subscription.id,
                    "reason": "failing",
                }),
            };
            db.insert_event(tenant, event, at).await?;
        }
        tx.commit().await?;
        if disabled {
            tracing::warn!(subscription = %subscription.id, "webhook subscription disabled: its endpoint kept failing");
        }
        self.0.deliveries.count(state);
        Ok(())
    }

    async fn finish(
        &self,
        delivery: &ClaimedDelivery,
        claim: Uuid,
        state: DeliveryState,
        next: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> AppResult<()> {
        let mut connection = self.0.store().acquire().await?;
        if connection
            .db()
            .finish_delivery(delivery, claim, state, next, at)
            .await?
        {
            self.0.deliveries.count(state);
        }
        Ok(())
    }
}

/// A number in `[0, 1)` to spread retries (not secret: the system's random source, falling
/// back to the clock's nanoseconds).
fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    let value = match aws_lc_rs::rand::fill(&mut bytes) {
        Ok(()) => u32::from_le_bytes(bytes),
        Err(_) => Utc::now().timestamp_subsec_nanos(),
    };
    f64::from(value) / (f64::from(u32::MAX) + 1.0)
}

impl App {
    /// Runs the webhook dispatcher until `stop` turns true (see `Webhooks::run`).
    pub async fn dispatch_webhooks(&self, stop: watch::Receiver<bool>) {
        self.webhooks().run(stop).await;
    }
}
