//! Webhook subscriptions: where a tenant's events go, which destinations are allowed, the
//! Standard Webhooks signature, and when a failed delivery is tried again.

use std::time::Duration;

use base64::Engine;

pub use super::destinations::{is_public, EndpointUrl, URL_MAX};
use super::events::EventType;
use super::names::named;
use super::text::bounded_text;
use super::{collected, FieldError};

named! {
    /// Why a subscription is not receiving events.
    pub enum DisabledReason ("disabled reason") {
        /// Someone turned it off (`enabled: false`).
        Manual = "manual",
        /// Debrief turned it off: its endpoint kept failing (`webhook_subscription.disabled`).
        Failing = "failing",
    }
}

named! {
    /// Where one event's delivery to one subscription stands.
    pub enum DeliveryState ("delivery state") {
        /// Waiting for its next attempt (or being attempted).
        Pending = "pending",
        /// The endpoint answered 2xx.
        Delivered = "delivered",
        /// Every attempt of the retry schedule failed.
        Failed = "failed",
        /// Not attempted again: the subscription was disabled before it succeeded.
        Cancelled = "cancelled",
    }
}

/// Longest description.
pub const DESCRIPTION_MAX: usize = 500;

/// A subscription as its creator asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscription {
    pub url: EndpointUrl,
    pub description: String,
    /// The types it receives; empty: every type.
    pub event_types: Vec<EventType>,
    pub enabled: bool,
}

impl NewSubscription {
    pub fn parse(
        url: &str,
        description: Option<&str>,
        event_types: &[String],
        enabled: Option<bool>,
        allow_local: bool,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let url = EndpointUrl::parse(url, allow_local)
            .map_err(|message| errors.push(FieldError::new("url", message)));
        let description = bounded_text(
            "description",
            description.unwrap_or(""),
            0,
            DESCRIPTION_MAX,
            &mut errors,
        );
        let event_types = parse_types(event_types, &mut errors);
        match url {
            Ok(url) => collected(
                Self {
                    url,
                    description,
                    event_types,
                    enabled: enabled.unwrap_or(true),
                },
                errors,
            ),
            Err(()) => Err(errors),
        }
    }
}

/// A change to a subscription; `None` keeps a field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubscriptionChange {
    pub url: Option<EndpointUrl>,
    pub description: Option<String>,
    pub event_types: Option<Vec<EventType>>,
    pub enabled: Option<bool>,
}

impl SubscriptionChange {
    pub fn parse(
        url: Option<&str>,
        description: Option<&str>,
        event_types: Option<&[String]>,
        enabled: Option<bool>,
        allow_local: bool,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let url = url.and_then(|url| {
            EndpointUrl::parse(url, allow_local)
                .map_err(|message| errors.push(FieldError::new("url", message)))
                .ok()
        });
        let description =
            description.map(|d| bounded_text("description", d, 0, DESCRIPTION_MAX, &mut errors));
        let event_types = event_types.map(|types| parse_types(types, &mut errors));
        collected(
            Self {
                url,
                description,
                event_types,
                enabled,
            },
            errors,
        )
    }
}

fn parse_types(raw: &[String], errors: &mut Vec<FieldError>) -> Vec<EventType> {
    let mut types = Vec::new();
    for (i, name) in raw.iter().enumerate() {
        match EventType::parse(name) {
            Some(kind) if !types.contains(&kind) => types.push(kind),
            Some(_) => {}
            None => errors.push(FieldError::new(
                format!("event_types[{i}]"),
                format!("{name:?} is not an event type"),
            )),
        }
    }
    types.sort_by_key(|t| t.as_str());
    types
}

const SECRET_PREFIX: &str = "whsec_";

/// A subscription's signing secret, in the Standard Webhooks form: `whsec_` and the base64 of
/// the HMAC key.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningSecret {
    text: String,
    key: Vec<u8>,
}

impl std::fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningSecret(…)")
    }
}

impl SigningSecret {
    /// A new secret of 32 random bytes.
    pub fn generate() -> Result<Self, &'static str> {
        let mut key = vec![0u8; 32];
        aws_lc_rs::rand::fill(&mut key).map_err(|_| "the system's random source failed")?;
        let text = format!(
            "{SECRET_PREFIX}{}",
            base64::engine::general_purpose::STANDARD.encode(&key)
        );
        Ok(Self { text, key })
    }

    /// A secret as stored (or as the Standard Webhooks examples write it).
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let encoded = text
            .strip_prefix(SECRET_PREFIX)
            .ok_or("a signing secret starts with whsec_")?;
        let key = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| "a signing secret is base64 after whsec_")?;
        if key.len() < 24 {
            return Err("a signing secret holds at least 24 bytes");
        }
        Ok(Self {
            text: text.to_owned(),
            key,
        })
    }

    /// The secret as shown once to its owner, and as stored.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
    pub fn sign(&self, message_id: &str, timestamp: i64, body: &[u8]) -> String {
        use aws_lc_rs::hmac;
        let key = hmac::Key::new(hmac::HMAC_SHA256, &self.key);
        let mut context = hmac::Context::with_key(&key);
        context.update(message_id.as_bytes());
        context.update(b".");
        context.update(timestamp.to_string().as_bytes());
        context.update(b".");
        context.update(body);
        let tag = context.sign();
        format!(
            "v1,{}",
            base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
        )
    }
}

/// The `webhook-signature` header: one signature per secret still valid, space-separated (the
/// new one and, during a rotation's grace period, the old one).
pub fn signature_header(
    secrets: &[&SigningSecret],
    message_id: &str,
    timestamp: i64,
    body: &[u8],
) -> String {
    secrets
        .iter()
        .map(|secret| secret.sign(message_id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// How long to wait after each failed attempt before the next; after the last one the delivery
/// has failed. The default follows Standard Webhooks' example schedule: 5 s, 5 min, 30 min,
/// 2 h, 5 h, 10 h, 10 h (eight attempts over about 27 hours).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule(Vec<Duration>);

impl Default for RetrySchedule {
    fn default() -> Self {
        Self(
            [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000]
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
        )
    }
}

impl RetrySchedule {
    pub fn new(waits: Vec<Duration>) -> Self {
        Self(waits)
    }

    /// Attempts in all (the first and every retry).
    pub fn attempts(&self) -> u32 {
        u32::try_from(self.0.len()).map_or(u32::MAX, |n| n.saturating_add(1))
    }

    /// The wait after failed attempt number `attempt` (1-based), spread by `jitter` in
    /// `[0, 1)` over ±20 % so that retries of many deliveries do not arrive together; `None`
    /// when it was the last attempt.
    pub fn wait_after(&self, attempt: u32, jitter: f64) -> Option<Duration> {
        let index = usize::try_from(attempt).ok()?.checked_sub(1)?;
        let wait = self.0.get(index)?;
        let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
        Some(wait.mul_f64(factor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_standard_webhooks_test_vector() {
        // From the reference libraries' tests (standard-webhooks/libraries).
        let secret = SigningSecret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
        assert_eq!(
            secret.sign(
                "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
                1_649_367_553,
                br#"{"email":"test@example.com","username":"test_user"}"#
            ),
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
        );
        let fresh = SigningSecret::generate().unwrap();
        assert!(fresh.expose().starts_with("whsec_"));
        assert_eq!(SigningSecret::parse(fresh.expose()).unwrap(), fresh);
        assert!(SigningSecret::parse("whsec_c2hvcnQ=").is_err());
        let header = signature_header(&[&fresh, &secret], "m", 1, b"{}");
        assert_eq!(header.split(' ').count(), 2);
        assert!(!format!("{fresh:?}").contains("whsec"));
    }

    #[test]
    fn retries_back_off_with_jitter_and_end() {
        let schedule = RetrySchedule::default();
        assert_eq!(schedule.attempts(), 8);
        assert_eq!(schedule.wait_after(0, 0.5), None);
        assert_eq!(schedule.wait_after(1, 0.5), Some(Duration::from_secs(5)));
        assert_eq!(schedule.wait_after(1, 0.0), Some(Duration::from_secs(4)));
        assert_eq!(schedule.wait_after(1, 1.0), Some(Duration::from_secs(6)));
        assert_eq!(
            schedule.wait_after(7, 0.5),
            Some(Duration::from_secs(36_000))
        );
        assert_eq!(schedule.wait_after(8, 0.5), None);
        let total: Duration = (1..8).filter_map(|a| schedule.wait_after(a, 0.5)).sum();
        assert!(total > Duration::from_secs(24 * 3600) && total < Duration::from_secs(30 * 3600));
    }

    #[test]
    fn subscriptions_name_known_event_types() {
        let ok = NewSubscription::parse(
            "https://example.com/h",
            None,
            &["feedback.released".into(), "feedback.released".into()],
            None,
            false,
        )
        .unwrap();
        assert_eq!(ok.event_types, [EventType::FeedbackReleased]);
        assert!(ok.enabled);
        let errors = NewSubscription::parse(
            "http://example.com",
            None,
            &["feedback.exploded".into()],
            None,
            false,
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["url", "event_types[0]"]);
    }
}
