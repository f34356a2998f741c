//! Every setting as written: built-in defaults, then an optional TOML file, then `DEBRIEF_*`
//! environment variables. One field per setting, named as the TOML key and (upper-cased,
//! prefixed with `DEBRIEF_`) as the environment variable. `RawSettings::parse` turns it into
//! the typed `Settings` the service runs with.

use std::fmt;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{ConfigError, LogFormat};

/// Environment variable naming an optional TOML configuration file.
pub const CONFIG_FILE_ENV: &str = "DEBRIEF_CONFIG";

/// The service's configuration as written. See `docs/configuration.md` for every setting.
#[derive(Clone, Deserialize)]
#[serde(default)]
pub struct RawSettings {
    /// Address and port to listen on.
    pub listen: String,
    /// `sqlite://path` or `postgres://…`. Empty: a SQLite file in `data_dir`.
    pub database_url: SecretString,
    /// Where the embedded database and the development secret live.
    pub data_dir: PathBuf,
    /// Apply pending migrations when `serve` starts.
    pub migrate_on_start: bool,
    pub db_max_connections: u32,
    pub db_acquire_timeout_ms: u64,
    pub db_statement_timeout_ms: u64,
    /// HTTP worker threads; 0 means one per CPU core.
    pub workers: usize,
    /// Largest accepted JSON body in bytes.
    pub body_limit_bytes: usize,
    /// How long a client may take to send its body, in milliseconds (then 408).
    pub body_timeout_ms: u64,
    /// Reads per principal and minute, per replica (0: no limit).
    pub rate_limit_reads_per_minute: u32,
    /// Writes per principal and minute, per replica (0: no limit).
    pub rate_limit_writes_per_minute: u32,
    /// Failed authentications per client address and minute, per replica (0: no limit).
    pub rate_limit_auth_failures_per_minute: u32,
    /// Comma-separated origins allowed by CORS; empty disables CORS.
    pub cors_allowed_origins: String,
    pub log_format: LogFormat,
    /// `RUST_LOG`-style filter.
    pub log_filter: String,
    /// How often `serve` applies the tenants' retention policies, in seconds; 0 turns the
    /// periodic task off (then run `debrief retention apply` from a scheduler).
    pub retention_interval_secs: u64,
    /// How often `serve` sends the feedback reminders that have fallen due, in seconds; 0
    /// turns it off (another process, or `debrief reminders send` from a scheduler, does it).
    pub reminder_interval_secs: u64,
    /// Allow webhook endpoints over plain http and on loopback, private and link-local
    /// addresses (tests, local development). Off: https to public addresses only.
    pub webhook_allow_local_destinations: bool,
    /// Seconds to wait after each failed delivery attempt, comma-separated; after the last
    /// one the delivery has failed.
    pub webhook_retry_schedule_secs: String,
    /// A subscription whose endpoint has failed without a success for this long is disabled.
    pub webhook_disable_after_secs: u64,
    /// How often each `serve` process looks for due deliveries, in milliseconds.
    pub webhook_poll_interval_ms: u64,
    /// How long a process holds a claimed delivery before another may take it over.
    pub webhook_lease_secs: u64,
    /// Deliveries one process attempts at once.
    pub webhook_concurrency: u32,
    pub webhook_connect_timeout_ms: u64,
    /// The whole attempt: connect, send, and the endpoint's answer.
    pub webhook_timeout_ms: u64,
    /// How long a rotated-out signing secret keeps signing beside the new one, by default.
    pub webhook_secret_grace_secs: u64,
    /// How long events (and the delivery log) are kept, in days.
    pub event_retention_days: u32,
    /// Shared HS256 secret (≥ 32 bytes). When no key source is configured (no secret, no
    /// public key files, no JWKS URL): development auth with a generated secret, which only
    /// listens on loopback.
    pub auth_hs256_secret: SecretString,
    /// Comma-separated PEM files of public keys (RSA, EC P-256/P-384, Ed25519); every key is
    /// tried for a token of its algorithm family.
    pub auth_public_key_files: String,
    /// The identity provider's JWKS URL (https, or http on loopback).
    pub auth_jwks_url: String,
    /// Minimum seconds between two JWKS fetches caused by unknown key ids.
    pub auth_jwks_refresh_interval_secs: u64,
    /// Seconds after which the JWKS is fetched again, so that a removed key stops working.
    pub auth_jwks_max_age_secs: u64,
    /// Timeout of one JWKS fetch, in milliseconds.
    pub auth_jwks_timeout_ms: u64,
    /// Comma-separated allowlist of signature algorithms (`HS256`, `RS256`, `ES256`, `EdDSA`, …).
    /// Empty: `HS256` for a shared secret, `RS256` for public keys and JWKS.
    pub auth_algorithms: String,
    /// Required `typ` header (such as `at+jwt`); empty: not checked.
    pub auth_typ: String,
    /// Comma-separated `idp_role=debrief_role` pairs mapping identity-provider role names to
    /// Debrief roles; names without a mapping are taken as they are.
    pub auth_role_map: String,
    /// Required `iss` claim.
    pub auth_issuer: String,
    /// Required `aud` claim.
    pub auth_audience: String,
    /// Claim holding the roles; a dotted path such as `realm_access.roles` is followed.
    pub auth_roles_claim: String,
    /// Claim holding the tenant id.
    pub auth_tenant_claim: String,
    /// Tenant for tokens without a tenant claim (single-company deployments); empty: none.
    pub auth_default_tenant: String,
    /// Clock leeway for `exp` and `nbf`, in seconds.
    pub auth_leeway_secs: u64,
}

impl Default for RawSettings {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: SecretString::from(""),
            data_dir: PathBuf::from("data"),
            migrate_on_start: true,
            db_max_connections: 10,
            db_acquire_timeout_ms: 1_000,
            db_statement_timeout_ms: 5_000,
            workers: 0,
            body_limit_bytes: 64 * 1024,
            body_timeout_ms: 10_000,
            rate_limit_reads_per_minute: 6_000,
            rate_limit_writes_per_minute: 1_200,
            rate_limit_auth_failures_per_minute: 60,
            cors_allowed_origins: String::new(),
            log_format: LogFormat::Auto,
            log_filter: "info".into(),
            retention_interval_secs: 3600,
            reminder_interval_secs: 300,
            webhook_allow_local_destinations: false,
            webhook_retry_schedule_secs: "5,300,1800,7200,18000,36000,36000".into(),
            webhook_disable_after_secs: 5 * 86_400,
            webhook_poll_interval_ms: 500,
            webhook_lease_secs: 60,
            webhook_concurrency: 8,
            webhook_connect_timeout_ms: 2_000,
            webhook_timeout_ms: 10_000,
            webhook_secret_grace_secs: 86_400,
            event_retention_days: 30,
            auth_hs256_secret: SecretString::from(""),
            auth_public_key_files: String::new(),
            auth_jwks_url: String::new(),
            auth_jwks_refresh_interval_secs: 60,
            auth_jwks_max_age_secs: 900,
            auth_jwks_timeout_ms: 2_000,
            auth_algorithms: String::new(),
            auth_typ: String::new(),
            auth_role_map: String::new(),
            auth_issuer: "debrief-dev".into(),
            auth_audience: "debrief".into(),
            auth_roles_claim: "roles".into(),
            auth_tenant_claim: "tid".into(),
            auth_default_tenant: String::new(),
            auth_leeway_secs: 30,
        }
    }
}

impl fmt::Debug for RawSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawSettings")
            .field("listen", &self.listen)
            .field(
                "database_url",
                &if self.database_url.expose_secret().is_empty() {
                    "(embedded)"
                } else {
                    "(set)"
                },
            )
            .field("data_dir", &self.data_dir)
            .field("auth_issuer", &self.auth_issuer)
            .field("auth_audience", &self.auth_audience)
            .finish_non_exhaustive()
    }
}

impl RawSettings {
    /// Defaults, then the file named by `DEBRIEF_CONFIG` (or `file`), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        // Missing keys take `RawSettings::default()` through `#[serde(default)]`.
        let mut figment = Figment::new();
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os(CONFIG_FILE_ENV).map(PathBuf::from));
        if let Some(file) = file {
            if !file.is_file() {
                return Err(ConfigError(vec![format!(
                    "{CONFIG_FILE_ENV}: configuration file {} does not exist",
                    file.display()
                )]));
            }
            figment = figment.merge(Toml::file(file));
        }
        // DEBRIEF_TEST_* variables belong to the test suite, not to the service.
        figment = figment.merge(Env::prefixed("DEBRIEF_").filter(|key| {
            let key = key.as_str().to_ascii_lowercase();
            !key.starts_with("test_") && key != "config"
        }));
        figment.extract().map_err(|error| {
            ConfigError(
                error
                    .into_iter()
                    .map(|e| {
                        let key = e.path.join(".");
                        if key.is_empty() {
                            e.to_string()
                        } else {
                            format!("DEBRIEF_{}: {}", key.to_uppercase(), e.kind)
                        }
                    })
                    .collect(),
            )
        })
    }
}

/// The items of a comma-separated setting.
pub(super) fn split_list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
}
