//! Keys from the identity provider's JWKS endpoint.
//!
//! - Keys are cached and selected by `kid`.
//! - An unknown `kid` triggers a refresh, at most once per `refresh_interval` across all
//!   requests (single flight: concurrent requests wait for the one fetch), so a storm of forged
//!   key ids costs at most one fetch per interval.
//! - The set is fetched again once it is older than `max_age`, so a key the provider removed
//!   stops working within that time.
//! - When the endpoint is down, the keys already cached keep working; an unknown `kid` then
//!   fails (401), never 500.
//! - Only signing keys with a public-key algorithm are kept: a symmetric (`oct`) key in a JWKS
//!   would let anyone who can read the JWKS mint tokens.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::Instant;

use jsonwebtoken::jwk::{Jwk, PublicKeyUse};
use jsonwebtoken::{AlgorithmFamily, DecodingKey};
use serde::Deserialize;

pub use crate::config::JwksSettings;

/// Largest JWKS document accepted.
const MAX_JWKS_BYTES: usize = 256 * 1024;

struct Cached {
    keys: HashMap<Option<String>, DecodingKey>,
    /// When the set in `keys` was fetched; `None` before the first success.
    fetched_at: Option<Instant>,
    /// When the last fetch was attempted, successful or not.
    attempted_at: Option<Instant>,
}

pub struct JwksCache {
    settings: JwksSettings,
    client: reqwest::Client,
    cached: RwLock<Cached>,
    /// Serialises fetches: whoever holds it fetches, the others wait and re-read the cache.
    fetching: tokio::sync::Mutex<()>,
}

/// Why no key was found.
#[derive(Debug, thiserror::Error)]
pub enum KeyLookupError {
    #[error("no key with kid {0:?} in the JWKS")]
    UnknownKid(Option<String>),
}

impl JwksCache {
    pub fn new(settings: JwksSettings) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("debrief/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            settings,
            client,
            cached: RwLock::new(Cached {
                keys: HashMap::new(),
                fetched_at: None,
                attempted_at: None,
            }),
            fetching: tokio::sync::Mutex::new(()),
        })
    }

    /// The key for `kid`, fetching the set when the key is unknown or the set is too old.
    pub async fn key(&self, kid: Option<&str>) -> Result<DecodingKey, KeyLookupError> {
        let kid = kid.map(str::to_owned);
        if let Some(key) = self.lookup(&kid, true) {
            return Ok(key);
        }
        let _single_flight = self.fetching.lock().await;
        // Another request may have fetched while this one waited.
        if let Some(key) = self.lookup(&kid, true) {
            return Ok(key);
        }
        if self.may_fetch() {
            self.refresh().await;
        }
        // A stale key keeps working while the endpoint is down.
        self.lookup(&kid, false)
            .ok_or(KeyLookupError::UnknownKid(kid))
    }

    /// Fetches the set at start so the first request does not wait. A failure is only logged
    /// and does not count as an attempt: the first request with a token fetches again.
    pub async fn prefetch(&self) {
        let _single_flight = self.fetching.lock().await;
        match self.fetch().await {
            Ok(keys) => {
                if let Ok(mut cached) = self.cached.write() {
                    tracing::info!(keys = keys.len(), "JWKS loaded");
                    cached.keys = keys;
                    cached.fetched_at = Some(Instant::now());
                    cached.attempted_at = cached.fetched_at;
                }
            }
            Err(error) => tracing::warn!(%error, "JWKS not reachable at start"),
        }
    }

    fn lookup(&self, kid: &Option<String>, fresh_only: bool) -> Option<DecodingKey> {
        let cached = self.cached.read().ok()?;
        let fresh = cached
            .fetched_at
            .is_some_and(|at| at.elapsed() < self.settings.max_age);
        if fresh_only && !fresh {
            return None;
        }
        match kid {
            Some(_) => cached.keys.get(kid).cloned(),
            // A token without `kid` is accepted only when the set has exactly one key.
            None if cached.keys.len() == 1 => cached.keys.values().next().cloned(),
            None => None,
        }
    }

    fn may_fetch(&self) -> bool {
        self.cached.read().is_ok_and(|cached| {
            cached
                .attempted_at
                .is_none_or(|at| at.elapsed() >= self.settings.refresh_interval)
        })
    }

    async fn refresh(&self) {
        let result = self.fetch().await;
        let Ok(mut cached) = self.cached.write() else {
            return;
        };
        cached.attempted_at = Some(Instant::now());
        match result {
            Ok(keys) => {
                tracing::info!(keys = keys.len(), "JWKS refreshed");
                cached.keys = keys;
                cached.fetched_at = Some(Instant::now());
            }
            Err(error) => {
                tracing::warn!(%error, cached = cached.keys.len(), "JWKS fetch failed; keeping the cached keys");
            }
        }
    }

    /// Fetches the key set once, bypassing the cache (`debrief check`).
    pub async fn fetch_now(&self) -> anyhow::Result<HashMap<Option<String>, DecodingKey>> {
        self.fetch().await
    }

    /// The identity provider's OpenID discovery document for `issuer`, if it publishes one:
    /// its `issuer` and `jwks_uri` (`debrief check` compares them with the configuration).
    pub async fn discovery(&self, issuer: &str) -> anyhow::Result<(String, String)> {
        #[derive(Deserialize)]
        struct Discovery {
            issuer: String,
            jwks_uri: String,
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let body = self
            .client
            .get(url)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        if body.len() > MAX_JWKS_BYTES {
            anyhow::bail!("discovery document larger than {MAX_JWKS_BYTES} bytes");
        }
        let discovery: Discovery = serde_json::from_slice(&body)?;
        Ok((discovery.issuer, discovery.jwks_uri))
    }

    pub fn url(&self) -> &str {
        self.settings.url.as_str()
    }

    async fn fetch(&self) -> anyhow::Result<HashMap<Option<String>, DecodingKey>> {
        let mut response = self
            .client
            .get(self.settings.url.clone())
            .send()
            .await?
            .error_for_status()?;
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                anyhow::bail!("JWKS larger than {MAX_JWKS_BYTES} bytes");
            }
            body.extend_from_slice(&chunk);
        }
        parse_jwks(&body)
    }
}

/// The signing keys of a JWKS document; keys that cannot or must not be used are skipped.
pub fn parse_jwks(body: &[u8]) -> anyhow::Result<HashMap<Option<String>, DecodingKey>> {
    #[derive(Deserialize)]
    struct RawSet {
        keys: Vec<serde_json::Value>,
    }
    let raw: RawSet = serde_json::from_slice(body)?;
    let mut keys = HashMap::new();
    for value in raw.keys {
        // One key this version does not understand must not hide the others.
        let Ok(jwk) = serde_json::from_value::<Jwk>(value) else {
            continue;
        };
        if matches!(&jwk.common.public_key_use, Some(usage) if *usage != PublicKeyUse::Signature) {
            continue;
        }
        let Ok(key) = DecodingKey::from_jwk(&jwk) else {
            continue;
        };
        if key.family() == AlgorithmFamily::Hmac {
            continue;
        }
        keys.insert(jwk.common.key_id.clone(), key);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_and_encryption_keys_are_never_used() {
        let body = br#"{"keys": [
            {"kty": "oct", "kid": "shared", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"},
            {"kty": "EC", "kid": "enc", "use": "enc", "crv": "P-256",
             "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
            {"kty": "EC", "kid": "sig", "use": "sig", "crv": "P-256",
             "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
            {"kty": "future-kind", "kid": "unknown"}
        ]}"#;
        let keys = parse_jwks(body).expect("parses");
        let kids: Vec<_> = keys.keys().cloned().collect();
        assert_eq!(kids, vec![Some("sig".to_owned())]);
    }
}
