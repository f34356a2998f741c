//! Authentication: bearer JWT → `Principal`.
//!
//! Keys come from one `KeySource`: an HS256 secret (development or configured), public keys from
//! PEM files, or the identity provider's JWKS. Validation is pinned: an algorithm allowlist from
//! configuration, `exp`, `iss`, `aud` and `sub` required, `nbf` checked, an explicit leeway and
//! an optional `typ`. Header `jku`, `x5u` and `jwk` are never used.

mod check;
mod jwks;
mod keys;
pub mod policy;

use std::fs;
use std::io::Write;
use std::path::Path;

use jsonwebtoken::{
    decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation,
};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;

use crate::config::{AuthSettings, ClaimPath, KeySettings, Settings};
use crate::domain::{EmployeeId, Principal, Role, TenantId};

pub use check::Verdict;
pub use keys::KeySource;

/// Longest accepted token; anything larger is refused before it is parsed.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// File in the data directory holding the generated development secret.
pub const DEV_SECRET_FILE: &str = "dev-hs256-secret";

/// Why a token was refused. Logged at debug level; the client only ever sees a plain 401.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("no bearer token in the Authorization header")]
    Missing,
    #[error("token rejected: {0}")]
    Invalid(String),
    #[error("token has no usable `sub`")]
    BadSubject,
    #[error("token names no valid tenant and no default tenant is configured")]
    BadTenant,
}

/// Verifies bearer tokens and maps their claims to a `Principal`.
pub struct Authenticator {
    keys: KeySource,
    algorithms: Vec<Algorithm>,
    validation: Validation,
    typ: Option<String>,
    roles_claim: ClaimPath,
    role_map: Vec<(String, Role)>,
    tenant_claim: ClaimPath,
    default_tenant: Option<TenantId>,
}

impl Authenticator {
    /// Builds the authenticator from settings. In development mode the secret is read from (or
    /// generated into) the data directory.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        install_crypto_provider();
        let auth = &settings.auth;
        let keys = match &auth.keys {
            KeySettings::Development | KeySettings::SharedSecret(_) => {
                let secret = hs256_secret(settings)?;
                KeySource::Secret(DecodingKey::from_secret(secret.expose_secret().as_bytes())?)
            }
            KeySettings::PublicKeyFiles(files) => KeySource::from_pem_files(files)?,
            KeySettings::Jwks(jwks) => KeySource::jwks(jwks.clone())?,
        };
        let first = *auth
            .algorithms
            .first()
            .ok_or_else(|| anyhow::anyhow!("no signature algorithm is allowed"))?;
        let mut validation = Validation::new(first);
        validation.leeway = auth.leeway_secs;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&[auth.issuer.as_str()]);
        validation.set_audience(&[auth.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        Ok(Self {
            keys,
            algorithms: auth.algorithms.clone(),
            validation,
            typ: auth.typ.clone(),
            roles_claim: auth.roles_claim.clone(),
            role_map: auth.role_map.clone(),
            tenant_claim: auth.tenant_claim.clone(),
            default_tenant: auth.default_tenant.clone(),
        })
    }

    /// Loads remote keys ahead of the first request (JWKS); a failure is logged, not fatal.
    pub async fn prefetch(&self) {
        self.keys.prefetch().await;
    }

    /// Verifies `token` and maps its claims.
    pub async fn authenticate(&self, token: &str) -> Result<Principal, AuthError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(AuthError::Invalid("token too large".into()));
        }
        let header = decode_header(token).map_err(|e| AuthError::Invalid(e.to_string()))?;
        if !self.algorithms.contains(&header.alg) {
            return Err(AuthError::Invalid(format!(
                "algorithm {:?} not allowed",
                header.alg
            )));
        }
        if let Some(expected) = &self.typ {
            if !header
                .typ
                .as_deref()
                .is_some_and(|typ| typ.eq_ignore_ascii_case(expected))
            {
                return Err(AuthError::Invalid(format!(
                    "typ {:?} is not {expected:?}",
                    header.typ
                )));
            }
        }
        // jsonwebtoken wants every allowed algorithm to fit the key: pin this token's one.
        let mut validation = self.validation.clone();
        validation.algorithms = vec![header.alg];
        let mut last_error = AuthError::Invalid("no key verified the token".into());
        let mut claims = None;
        for key in self.keys.candidates(&header).await? {
            match decode::<Value>(token, &key, &validation) {
                Ok(data) => {
                    claims = Some(data.claims);
                    break;
                }
                Err(e) => last_error = AuthError::Invalid(e.to_string()),
            }
        }
        let claims = claims.ok_or(last_error)?;
        // jsonwebtoken also accepts `iss` as an array containing the issuer; the contract is
        // one string, equal to the configured issuer (checked above).
        if !claims.get("iss").is_some_and(Value::is_string) {
            return Err(AuthError::Invalid("iss must be a single string".into()));
        }
        self.principal(&claims)
    }

    fn principal(&self, claims: &Value) -> Result<Principal, AuthError> {
        let sub = claims
            .get("sub")
            .and_then(Value::as_str)
            .and_then(|s| EmployeeId::parse(s).ok())
            .ok_or(AuthError::BadSubject)?;
        let tenant = match lookup(claims, &self.tenant_claim) {
            Some(Value::String(raw)) => TenantId::parse(raw).map_err(|_| AuthError::BadTenant)?,
            Some(_) => return Err(AuthError::BadTenant),
            None => self.default_tenant.clone().ok_or(AuthError::BadTenant)?,
        };
        let granted: Vec<&str> = match lookup(claims, &self.roles_claim) {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            // Some identity providers send a single role, or a space-separated list.
            Some(Value::String(raw)) => raw.split_whitespace().collect(),
            _ => Vec::new(),
        };
        let mut roles = Vec::new();
        for name in granted {
            let mapped = self
                .role_map
                .iter()
                .find(|(from, _)| from == name)
                .map(|(_, role)| *role);
            roles.extend(mapped.or_else(|| Role::parse(name)));
        }
        Ok(Principal::new(sub, roles, tenant))
    }
}

/// One crypto stack for the whole process: aws-lc-rs, for JWT verification and for TLS.
pub fn install_crypto_provider() {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

fn lookup<'a>(claims: &'a Value, path: &ClaimPath) -> Option<&'a Value> {
    path.0
        .iter()
        .try_fold(claims, |value, segment| value.get(segment))
}

/// The HS256 secret: the configured one, or the development secret in the data directory
/// (generated on first use, readable by the owner only).
pub fn hs256_secret(settings: &Settings) -> anyhow::Result<SecretString> {
    if let KeySettings::SharedSecret(secret) = &settings.auth.keys {
        return Ok(secret.clone());
    }
    let path = settings.data_dir.join(DEV_SECRET_FILE);
    if let Ok(existing) = fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(SecretString::from(existing.to_owned()));
        }
    }
    fs::create_dir_all(&settings.data_dir)?;
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes)
        .map_err(|_| anyhow::anyhow!("the system random number generator failed"))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private(&path, &secret)?;
    Ok(SecretString::from(secret))
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    fs::write(path, contents)
}

/// Claims of a development token.
#[derive(Debug, Serialize)]
struct DevClaims<'a> {
    sub: &'a str,
    iss: &'a str,
    aud: &'a str,
    iat: i64,
    nbf: i64,
    exp: i64,
    #[serde(flatten)]
    extra: serde_json::Map<String, Value>,
}

/// What a development token says.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub sub: String,
    pub roles: Vec<Role>,
    pub tenant: String,
    pub ttl_secs: i64,
}

/// Mints an HS256 token that this service's settings accept. For development and tests.
pub fn mint_token(settings: &Settings, request: &TokenRequest) -> anyhow::Result<String> {
    let secret = hs256_secret(settings)?;
    let now = chrono::Utc::now().timestamp();
    let mut extra = serde_json::Map::new();
    let roles: Vec<Value> = request
        .roles
        .iter()
        .map(|role| Value::from(role.as_str()))
        .collect();
    let auth: &AuthSettings = &settings.auth;
    insert_at(&mut extra, &auth.roles_claim.0, Value::from(roles));
    insert_at(
        &mut extra,
        &auth.tenant_claim.0,
        Value::from(request.tenant.as_str()),
    );
    let claims = DevClaims {
        sub: &request.sub,
        iss: &auth.issuer,
        aud: &auth.audience,
        iat: now,
        nbf: now,
        exp: now + request.ttl_secs,
        extra,
    };
    install_crypto_provider();
    Ok(encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.expose_secret().as_bytes())?,
    )?)
}

fn insert_at(map: &mut serde_json::Map<String, Value>, path: &[String], value: Value) {
    match path {
        [] => {}
        [last] => {
            map.insert(last.clone(), value);
        }
        [first, rest @ ..] => {
            let child = map
                .entry(first.clone())
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
            if let Value::Object(child) = child {
                insert_at(child, rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dir: &Path) -> Settings {
        crate::config::RawSettings {
            data_dir: dir.to_path_buf(),
            auth_roles_claim: "realm_access.roles".into(),
            ..crate::config::RawSettings::default()
        }
        .parse()
        .expect("valid settings")
    }

    #[tokio::test]
    async fn a_minted_token_round_trips_with_nested_roles() {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = settings(dir.path());
        let token = mint_token(
            &settings,
            &TokenRequest {
                sub: "E1".into(),
                roles: vec![Role::Hr],
                tenant: "acme".into(),
                ttl_secs: 60,
            },
        )
        .expect("mint");
        let principal = Authenticator::from_settings(&settings)
            .expect("authenticator")
            .authenticate(&token)
            .await
            .expect("valid");
        assert_eq!(principal.sub().as_str(), "E1");
        assert_eq!(principal.tenant().as_str(), "acme");
        assert!(principal.has(Role::Hr) && principal.has(Role::Employee));
        assert!(!principal.has(Role::Integration));
    }

    #[test]
    fn the_development_secret_is_kept_between_starts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = hs256_secret(&settings(dir.path())).expect("secret");
        let second = hs256_secret(&settings(dir.path())).expect("secret");
        assert_eq!(first.expose_secret(), second.expose_secret());
        assert_eq!(first.expose_secret().len(), 64);
    }

    #[tokio::test]
    async fn an_expired_token_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = settings(dir.path());
        let token = mint_token(
            &settings,
            &TokenRequest {
                sub: "E1".into(),
                roles: vec![],
                tenant: "acme".into(),
                ttl_secs: -120,
            },
        )
        .expect("mint");
        let result = Authenticator::from_settings(&settings)
            .expect("authenticator")
            .authenticate(&token)
            .await;
        assert!(matches!(result, Err(AuthError::Invalid(_))), "{result:?}");
    }
}
