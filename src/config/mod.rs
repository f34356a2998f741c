//! Settings, parsed once into typed sections. `RawSettings` is what the environment and the
//! file say; `Settings` is what the service runs with. Parsing reports every mistake at once,
//! one line each, naming the setting; secrets are never printed.

mod parse;
mod raw;

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use jsonwebtoken::Algorithm;
use secrecy::SecretString;
use serde::Deserialize;

use crate::domain::{Role, TenantId};

pub use raw::{RawSettings, CONFIG_FILE_ENV};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// JSON lines when the log's stream is not a terminal, readable text when it is.
    Auto,
    Json,
    Text,
}

/// The service's configuration, validated.
#[derive(Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    /// Where the embedded database and the development secret live.
    pub data_dir: PathBuf,
    pub database: DatabaseSettings,
    pub migrate_on_start: bool,
    /// HTTP worker threads; 0 means one per CPU core.
    pub workers: usize,
    pub body_limit_bytes: usize,
    /// How long a client may take to send its body.
    pub body_timeout: Duration,
    pub rate_limits: RateLimitSettings,
    /// Origins allowed by CORS; empty disables CORS.
    pub cors_origins: Vec<String>,
    pub log_format: LogFormat,
    pub log_filter: String,
    /// How often `serve` applies the retention policies; `None`: never (a scheduler runs
    /// `debrief retention apply`).
    pub retention_interval: Option<Duration>,
    /// How often `serve` sends due feedback reminders; `None`: never.
    pub reminder_interval: Option<Duration>,
    pub webhooks: WebhookSettings,
    /// How long events and the webhook delivery log are kept.
    pub event_retention_days: u32,
    pub auth: AuthSettings,
}

/// How webhooks are delivered (docs/events.md).
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    pub allow_local_destinations: bool,
    pub retry_schedule: crate::domain::webhooks::RetrySchedule,
    pub disable_after: Duration,
    pub poll_interval: Duration,
    pub lease: Duration,
    pub concurrency: u32,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub secret_grace: Duration,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("database", &self.database.backend)
            .field("data_dir", &self.data_dir)
            .field("migrate_on_start", &self.migrate_on_start)
            .field("workers", &self.workers)
            .field("auth", &self.auth.mode())
            .field("auth_issuer", &self.auth.issuer)
            .field("auth_audience", &self.auth.audience)
            .finish_non_exhaustive()
    }
}

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct DatabaseSettings {
    /// The URL, with the embedded default filled in (`sqlite://<data_dir>/debrief.db`).
    pub url: SecretString,
    pub backend: Backend,
    pub pool: PoolSettings,
}

/// Validated pool settings.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    pub statement_timeout: Duration,
}

/// How tokens are verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// A secret generated on first start and kept in the data directory; loopback only.
    Development,
    /// A configured shared HS256 secret.
    SharedSecret,
    /// Public keys from PEM files.
    PublicKeys,
    /// Keys from the identity provider's JWKS URL.
    Jwks,
}

/// Where verification keys come from.
#[derive(Clone)]
pub enum KeySettings {
    /// The development secret in the data directory (generated on first use).
    Development,
    SharedSecret(SecretString),
    PublicKeyFiles(Vec<PathBuf>),
    Jwks(JwksSettings),
}

#[derive(Debug, Clone)]
pub struct JwksSettings {
    pub url: url::Url,
    /// Minimum time between two fetches caused by unknown key ids.
    pub refresh_interval: Duration,
    /// Age after which the set is fetched again, so that a removed key stops working.
    pub max_age: Duration,
    pub timeout: Duration,
}

/// A claim, possibly nested (`realm_access.roles`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPath(pub Vec<String>);

impl ClaimPath {
    fn parse(raw: &str) -> Self {
        Self(raw.split('.').map(str::to_owned).collect())
    }
}

/// Requests per minute and replica; 0 turns a class off.
#[derive(Debug, Clone, Copy)]
pub struct RateLimitSettings {
    pub reads_per_minute: u32,
    pub writes_per_minute: u32,
    pub auth_failures_per_minute: u32,
}

#[derive(Clone)]
pub struct AuthSettings {
    pub keys: KeySettings,
    /// The allowlist, checked against the key source.
    pub algorithms: Vec<Algorithm>,
    /// Required `typ` header.
    pub typ: Option<String>,
    pub issuer: String,
    pub audience: String,
    pub roles_claim: ClaimPath,
    pub tenant_claim: ClaimPath,
    /// Identity-provider role names mapped to Debrief roles.
    pub role_map: Vec<(String, Role)>,
    pub default_tenant: Option<TenantId>,
    pub leeway_secs: u64,
}

impl AuthSettings {
    pub fn mode(&self) -> AuthMode {
        match self.keys {
            KeySettings::Development => AuthMode::Development,
            KeySettings::SharedSecret(_) => AuthMode::SharedSecret,
            KeySettings::PublicKeyFiles(_) => AuthMode::PublicKeys,
            KeySettings::Jwks(_) => AuthMode::Jwks,
        }
    }
}

impl Settings {
    /// Reads the raw settings (defaults, the file, the environment) and parses them.
    pub fn load(file: Option<&std::path::Path>) -> Result<Self, ConfigError> {
        RawSettings::load(file)?.parse()
    }

    pub fn is_development(&self) -> bool {
        self.auth.mode() == AuthMode::Development
    }
}

/// Every configuration mistake found, one line each.
#[derive(Debug)]
pub struct ConfigError(pub Vec<String>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration:")?;
        for line in &self.0 {
            writeln!(f, "  {line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests;
