//! Where verification keys come from.

use std::path::Path;

use jsonwebtoken::{DecodingKey, Header};

use super::jwks::{JwksCache, JwksSettings};
use super::AuthError;

/// The configured key source. Exactly one is active.
pub enum KeySource {
    /// An HS256 shared secret (configured, or the development secret).
    Secret(DecodingKey),
    /// Public keys from PEM files; each key of the token's algorithm family is tried.
    PublicKeys(Vec<DecodingKey>),
    /// The identity provider's JWKS, selected by `kid`.
    Jwks(Box<JwksCache>),
}

impl KeySource {
    pub fn jwks(settings: JwksSettings) -> anyhow::Result<Self> {
        Ok(Self::Jwks(Box::new(JwksCache::new(settings)?)))
    }

    /// Loads RSA, EC or Ed25519 public keys from PEM files.
    pub fn from_pem_files(files: &[impl AsRef<Path>]) -> anyhow::Result<Self> {
        let mut keys = Vec::new();
        for file in files {
            let file = file.as_ref();
            let pem = std::fs::read(file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let key = DecodingKey::from_rsa_pem(&pem)
                .or_else(|_| DecodingKey::from_ec_pem(&pem))
                .or_else(|_| DecodingKey::from_ed_pem(&pem))
                .map_err(|_| {
                    anyhow::anyhow!("{} holds no RSA, EC or Ed25519 public key", file.display())
                })?;
            keys.push(key);
        }
        Ok(Self::PublicKeys(keys))
    }

    /// The keys that may have signed a token with this header (already checked against the
    /// algorithm allowlist).
    pub async fn candidates(&self, header: &Header) -> Result<Vec<DecodingKey>, AuthError> {
        let family = header.alg.family();
        let keys = match self {
            KeySource::Secret(key) => vec![key.clone()],
            KeySource::PublicKeys(keys) => keys.clone(),
            KeySource::Jwks(cache) => vec![cache
                .key(header.kid.as_deref())
                .await
                .map_err(|e| AuthError::Invalid(e.to_string()))?],
        };
        let keys: Vec<DecodingKey> = keys.into_iter().filter(|k| k.family() == family).collect();
        if keys.is_empty() {
            return Err(AuthError::Invalid(format!(
                "no key for algorithm {:?}",
                header.alg
            )));
        }
        Ok(keys)
    }

    pub async fn prefetch(&self) {
        if let KeySource::Jwks(cache) = self {
            cache.prefetch().await;
        }
    }
}
