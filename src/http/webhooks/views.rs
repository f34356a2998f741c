//! The bodies of `/v1/webhooks`: subscriptions (with the secret, once), deliveries, attempts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::events::EventType;
use crate::domain::webhooks::{DeliveryState, DisabledReason};
use crate::domain::{non_null, AttemptId, EventId, SubscriptionId};
use crate::storage::{Attempt, Delivery, Subscription};

/// A webhook subscription. Its secret is shown only when it is created or rotated.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    #[schema(value_type = uuid::Uuid)]
    pub id: SubscriptionId,
    /// Where events are POSTed.
    pub url: String,
    pub description: String,
    /// The event types it receives; empty: every type.
    pub event_types: Vec<EventType>,
    pub enabled: bool,
    /// Why it is disabled: `manual` (someone set `enabled: false`) or `failing` (its endpoint
    /// kept failing; set `enabled: true` to resume). `null` while enabled.
    pub disabled_reason: Option<DisabledReason>,
    /// Since when its endpoint has been failing without a success; `null` while healthy.
    pub failing_since: Option<DateTime<Utc>>,
    /// Until when the secret before the last rotation still signs beside the current one.
    pub previous_secret_valid_until: Option<DateTime<Utc>>,
    /// Incremented by every change; also the `ETag`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Subscription> for WebhookView {
    fn from(s: &Subscription) -> Self {
        Self {
            id: s.id,
            url: s.url.clone(),
            description: s.description.clone(),
            event_types: s.event_types.0.clone(),
            enabled: s.enabled,
            disabled_reason: s.disabled_reason,
            failing_since: s.failing_since,
            previous_secret_valid_until: s
                .previous_secret_until
                .filter(|until| *until > Utc::now()),
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A subscription with its signing secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub subscription: WebhookView,
    /// The Standard Webhooks secret (`whsec_…`) that signs every delivery: keep it now, it is
    /// never shown again.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookPage {
    pub items: Vec<WebhookView>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A new subscription.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// An https URL on a public address (see `DEBRIEF_WEBHOOK_ALLOW_LOCAL_DESTINATIONS`).
    #[schema(
        example = "https://portal.example.com/hooks/debrief",
        min_length = 1,
        max_length = 2000,
        pattern = "^https?://[^\\s]+$"
    )]
    pub url: String,
    /// Up to 500 characters, for the people who maintain it.
    #[schema(nullable = false, max_length = 500)]
    #[serde(default, deserialize_with = "non_null")]
    pub description: Option<String>,
    /// The event types to receive; omitted or empty: every type.
    #[schema(nullable = false, max_items = 32)]
    #[serde(default, deserialize_with = "non_null")]
    pub event_types: Option<Vec<String>>,
    /// `false` creates it disabled. Default `true`.
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "non_null")]
    pub enabled: Option<bool>,
}

/// A change to a subscription; omitted fields stay as they are. At least one field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(min_properties = 1)]
pub struct WebhookChange {
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 2000,
        pattern = "^https?://[^\\s]+$"
    )]
    #[serde(default, deserialize_with = "non_null")]
    pub url: Option<String>,
    #[schema(nullable = false, max_length = 500)]
    #[serde(default, deserialize_with = "non_null")]
    pub description: Option<String>,
    #[schema(nullable = false, max_items = 32)]
    #[serde(default, deserialize_with = "non_null")]
    pub event_types: Option<Vec<String>>,
    /// `false` stops deliveries; `true` resumes them (also after Debrief disabled it).
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "non_null")]
    pub enabled: Option<bool>,
}

/// One event's delivery to the subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    /// The event, also the `webhook-id` of every attempt.
    #[schema(value_type = uuid::Uuid)]
    pub event_id: EventId,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub state: DeliveryState,
    /// Attempts started.
    pub attempts: i32,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// When it was delivered, failed for good or cancelled.
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<&Delivery> for DeliveryView {
    fn from(d: &Delivery) -> Self {
        Self {
            event_id: d.event_id,
            kind: d.kind,
            state: d.state,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            created_at: d.created_at,
            finished_at: d.finished_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryView>,
    pub next_cursor: Option<String>,
}

/// One attempt of the delivery log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptView {
    #[schema(value_type = uuid::Uuid)]
    pub id: AttemptId,
    /// The event delivered; `null` for a test ping.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub event_id: Option<EventId>,
    /// The `webhook-id` header sent.
    pub webhook_id: String,
    /// 1 for the first attempt of a delivery.
    pub attempt: i32,
    pub attempted_at: DateTime<Utc>,
    /// The endpoint's status; `null` when it did not answer.
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    /// Why it failed; `null` when it succeeded.
    pub error: Option<String>,
    /// The start of the endpoint's answer (at most 1 KiB).
    pub response_body: Option<String>,
}

impl From<&Attempt> for AttemptView {
    fn from(a: &Attempt) -> Self {
        Self {
            id: a.id,
            event_id: a.event_id,
            webhook_id: a.webhook_id.clone(),
            attempt: a.attempt,
            attempted_at: a.attempted_at,
            status_code: a.status_code,
            latency_ms: a.latency_ms,
            error: a.error.clone(),
            response_body: a.response_body.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptPage {
    pub items: Vec<AttemptView>,
    pub next_cursor: Option<String>,
}
