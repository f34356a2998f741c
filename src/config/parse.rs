//! Parsing the raw settings into typed sections, reporting every mistake at once.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use jsonwebtoken::{Algorithm, AlgorithmFamily};
use secrecy::{ExposeSecret, SecretString};

use crate::domain::webhooks::RetrySchedule;
use crate::domain::{Role, TenantId};

use super::raw::split_list;

use super::{
    AuthSettings, Backend, ClaimPath, ConfigError, DatabaseSettings, JwksSettings, KeySettings,
    PoolSettings, RateLimitSettings, RawSettings, Settings, WebhookSettings,
};

impl Default for WebhookSettings {
    /// The built-in defaults (`RawSettings::default`), for code that runs without settings.
    fn default() -> Self {
        RawSettings::default().webhooks(&mut Errors(Vec::new()))
    }
}

/// Checks that a JWKS URL is https, or http on a loopback host (for tests and sidecars).
pub fn jwks_url(raw: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(raw).map_err(|_| format!("{raw:?} is not a URL"))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(format!("{raw:?} must be https (http only on loopback)")),
    }
}

/// Collects one line per mistake, naming the setting.
struct Errors(Vec<String>);

impl Errors {
    fn push(&mut self, setting: &str, message: impl fmt::Display) {
        self.0.push(format!("DEBRIEF_{setting}: {message}"));
    }

    /// `value` when it lies in `range`, otherwise a mistake and `value` anyway (unused).
    fn bounded<T: PartialOrd + fmt::Display + Copy>(
        &mut self,
        setting: &str,
        value: T,
        range: std::ops::RangeInclusive<T>,
    ) -> T {
        if !range.contains(&value) {
            self.push(
                setting,
                format!("must be between {} and {}", range.start(), range.end()),
            );
        }
        value
    }
}

impl RawSettings {
    /// Checks every setting and reports all mistakes, one line each.
    pub fn parse(&self) -> Result<Settings, ConfigError> {
        let mut errors = Errors(Vec::new());
        let keys = self.keys(&mut errors);
        let algorithms = self.algorithms(keys.as_ref(), &mut errors);
        let listen = match self.listen.parse::<SocketAddr>() {
            Ok(addr) => {
                if matches!(keys, Some(KeySettings::Development)) && !addr.ip().is_loopback() {
                    errors.push(
                        "LISTEN",
                        format!(
                            "{addr} is not a loopback address, and development auth only \
                             listens on loopback; set DEBRIEF_AUTH_HS256_SECRET or listen on 127.0.0.1"
                        ),
                    );
                }
                Some(addr)
            }
            Err(_) => {
                errors.push(
                    "LISTEN",
                    format!(
                        "{:?} is not an address:port such as 127.0.0.1:8080",
                        self.listen
                    ),
                );
                None
            }
        };
        let database = self.database(&mut errors);
        let body_limit_bytes = errors.bounded(
            "BODY_LIMIT_BYTES",
            self.body_limit_bytes,
            1024..=16 * 1024 * 1024,
        );
        let body_timeout_ms =
            errors.bounded("BODY_TIMEOUT_MS", self.body_timeout_ms, 100..=120_000);
        let rate_limits = RateLimitSettings {
            reads_per_minute: errors.bounded(
                "RATE_LIMIT_READS_PER_MINUTE",
                self.rate_limit_reads_per_minute,
                0..=10_000_000,
            ),
            writes_per_minute: errors.bounded(
                "RATE_LIMIT_WRITES_PER_MINUTE",
                self.rate_limit_writes_per_minute,
                0..=10_000_000,
            ),
            auth_failures_per_minute: errors.bounded(
                "RATE_LIMIT_AUTH_FAILURES_PER_MINUTE",
                self.rate_limit_auth_failures_per_minute,
                0..=10_000_000,
            ),
        };
        let retention_interval = match self.retention_interval_secs {
            0 => None,
            secs => Some(Duration::from_secs(errors.bounded(
                "RETENTION_INTERVAL_SECS",
                secs,
                10..=7 * 86_400,
            ))),
        };
        let reminder_interval = match self.reminder_interval_secs {
            0 => None,
            secs => Some(Duration::from_secs(errors.bounded(
                "REMINDER_INTERVAL_SECS",
                secs,
                1..=86_400,
            ))),
        };
        let webhooks = self.webhooks(&mut errors);
        let event_retention_days =
            errors.bounded("EVENT_RETENTION_DAYS", self.event_retention_days, 1..=3_650);
        let cors_origins: Vec<String> = split_list(&self.cors_allowed_origins)
            .map(str::to_owned)
            .collect();
        for origin in &cors_origins {
            if !(origin.starts_with("http://") || origin.starts_with("https://")) {
                errors.push(
                    "CORS_ALLOWED_ORIGINS",
                    format!("{origin:?} is not an http(s) origin"),
                );
            }
        }
        let role_map = self.role_map(&mut errors);
        for (setting, value) in [
            ("AUTH_ISSUER", &self.auth_issuer),
            ("AUTH_AUDIENCE", &self.auth_audience),
            ("AUTH_ROLES_CLAIM", &self.auth_roles_claim),
            ("AUTH_TENANT_CLAIM", &self.auth_tenant_claim),
        ] {
            if value.trim().is_empty() {
                errors.push(setting, "must not be empty");
            }
        }
        let default_tenant = match self.auth_default_tenant.as_str() {
            "" => None,
            raw => TenantId::parse(raw)
                .map_err(|_| {
                    errors.push(
                        "AUTH_DEFAULT_TENANT",
                        "1-64 characters of letters, digits, '-', '_' or '.'",
                    )
                })
                .ok(),
        };
        let leeway_secs = errors.bounded("AUTH_LEEWAY_SECS", self.auth_leeway_secs, 0..=300);
        match (listen, database, keys, errors.0.is_empty()) {
            (Some(listen), Some(database), Some(keys), true) => Ok(Settings {
                listen,
                data_dir: self.data_dir.clone(),
                database,
                migrate_on_start: self.migrate_on_start,
                workers: self.workers,
                body_limit_bytes,
                body_timeout: Duration::from_millis(body_timeout_ms),
                rate_limits,
                cors_origins,
                log_format: self.log_format,
                log_filter: self.log_filter.clone(),
                retention_interval,
                reminder_interval,
                webhooks,
                event_retention_days,
                auth: AuthSettings {
                    keys,
                    algorithms,
                    typ: Some(self.auth_typ.trim().to_owned()).filter(|t| !t.is_empty()),
                    issuer: self.auth_issuer.clone(),
                    audience: self.auth_audience.clone(),
                    roles_claim: ClaimPath::parse(&self.auth_roles_claim),
                    tenant_claim: ClaimPath::parse(&self.auth_tenant_claim),
                    role_map,
                    default_tenant,
                    leeway_secs,
                },
            }),
            _ => Err(ConfigError(errors.0)),
        }
    }

    fn database(&self, errors: &mut Errors) -> Option<DatabaseSettings> {
        let raw = self.database_url.expose_secret();
        let url = if raw.is_empty() {
            format!("sqlite://{}", self.data_dir.join("debrief.db").display())
        } else {
            raw.to_owned()
        };
        let backend = if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            errors.push(
                "DATABASE_URL",
                "must start with sqlite:, postgres:// or postgresql://",
            );
            None
        };
        if self.db_max_connections == 0 {
            errors.push("DB_MAX_CONNECTIONS", "must be at least 1");
        }
        let acquire = errors.bounded(
            "DB_ACQUIRE_TIMEOUT_MS",
            self.db_acquire_timeout_ms,
            50..=60_000,
        );
        let statement = errors.bounded(
            "DB_STATEMENT_TIMEOUT_MS",
            self.db_statement_timeout_ms,
            100..=600_000,
        );
        Some(DatabaseSettings {
            url: SecretString::from(url),
            backend: backend?,
            pool: PoolSettings {
                max_connections: self.db_max_connections,
                acquire_timeout: Duration::from_millis(acquire),
                statement_timeout: Duration::from_millis(statement),
            },
        })
    }

    fn keys(&self, errors: &mut Errors) -> Option<KeySettings> {
        let secret = self.auth_hs256_secret.expose_secret();
        let files: Vec<PathBuf> = split_list(&self.auth_public_key_files)
            .map(PathBuf::from)
            .collect();
        let jwks = self.auth_jwks_url.trim();
        let configured = [!secret.is_empty(), !files.is_empty(), !jwks.is_empty()];
        if configured.iter().filter(|set| **set).count() > 1 {
            errors.0.push(
                "DEBRIEF_AUTH_HS256_SECRET, DEBRIEF_AUTH_PUBLIC_KEY_FILES, DEBRIEF_AUTH_JWKS_URL: \
                 configure exactly one key source"
                    .into(),
            );
            return None;
        }
        let refresh_interval = errors.bounded(
            "AUTH_JWKS_REFRESH_INTERVAL_SECS",
            self.auth_jwks_refresh_interval_secs,
            1..=86_400,
        );
        let max_age = errors.bounded(
            "AUTH_JWKS_MAX_AGE_SECS",
            self.auth_jwks_max_age_secs,
            1..=604_800,
        );
        let timeout = errors.bounded(
            "AUTH_JWKS_TIMEOUT_MS",
            self.auth_jwks_timeout_ms,
            100..=30_000,
        );
        if !jwks.is_empty() && max_age < refresh_interval {
            // Keys are only re-fetched every refresh interval: a max age below it would be a
            // promise (a removed key stops working after max age) the cache cannot keep.
            errors.push(
                "AUTH_JWKS_MAX_AGE_SECS",
                format!(
                    "must be at least DEBRIEF_AUTH_JWKS_REFRESH_INTERVAL_SECS ({refresh_interval}): \
                     keys are re-fetched only that often"
                ),
            );
        }
        if !jwks.is_empty() {
            let url = jwks_url(jwks)
                .map_err(|e| errors.push("AUTH_JWKS_URL", e))
                .ok()?;
            return Some(KeySettings::Jwks(JwksSettings {
                url,
                refresh_interval: Duration::from_secs(refresh_interval),
                max_age: Duration::from_secs(max_age),
                timeout: Duration::from_millis(timeout),
            }));
        }
        if !files.is_empty() {
            for file in files.iter().filter(|file| !file.is_file()) {
                errors.push(
                    "AUTH_PUBLIC_KEY_FILES",
                    format!("{} does not exist", file.display()),
                );
            }
            return Some(KeySettings::PublicKeyFiles(files));
        }
        if secret.is_empty() {
            return Some(KeySettings::Development);
        }
        if secret.len() < 32 {
            errors.push("AUTH_HS256_SECRET", "must be at least 32 bytes long");
        }
        Some(KeySettings::SharedSecret(self.auth_hs256_secret.clone()))
    }

    fn algorithms(&self, keys: Option<&KeySettings>, errors: &mut Errors) -> Vec<Algorithm> {
        let symmetric = matches!(
            keys,
            None | Some(KeySettings::Development | KeySettings::SharedSecret(_))
        );
        let names: Vec<&str> = split_list(&self.auth_algorithms).collect();
        let names = if names.is_empty() {
            vec![if symmetric { "HS256" } else { "RS256" }]
        } else {
            names
        };
        let mut algorithms = Vec::new();
        for name in names {
            let Ok(algorithm) = name.parse::<Algorithm>() else {
                errors.push(
                    "AUTH_ALGORITHMS",
                    format!("{name:?} is not a JWS algorithm"),
                );
                continue;
            };
            if (algorithm.family() == AlgorithmFamily::Hmac) != symmetric {
                errors.push(
                    "AUTH_ALGORITHMS",
                    format!(
                        "{name} does not fit the key source ({})",
                        if symmetric {
                            "a shared secret: HS256, HS384, HS512"
                        } else {
                            "public keys: RS*, PS*, ES*, EdDSA"
                        }
                    ),
                );
                continue;
            }
            algorithms.push(algorithm);
        }
        algorithms
    }

    fn webhooks(&self, errors: &mut Errors) -> WebhookSettings {
        let mut waits = Vec::new();
        for wait in split_list(&self.webhook_retry_schedule_secs) {
            match wait.parse::<u64>() {
                Ok(secs) if (1..=7 * 86_400).contains(&secs) => {
                    waits.push(Duration::from_secs(secs))
                }
                _ => errors.push(
                    "WEBHOOK_RETRY_SCHEDULE_SECS",
                    format!("{wait:?} is not a number of seconds from 1 to 604800"),
                ),
            }
        }
        if waits.len() > 20 {
            errors.push("WEBHOOK_RETRY_SCHEDULE_SECS", "at most 20 retries");
        }
        let timeout_ms =
            errors.bounded("WEBHOOK_TIMEOUT_MS", self.webhook_timeout_ms, 100..=60_000);
        let lease_secs = errors.bounded("WEBHOOK_LEASE_SECS", self.webhook_lease_secs, 1..=3_600);
        if lease_secs.saturating_mul(1_000) <= timeout_ms {
            errors.push(
                "WEBHOOK_LEASE_SECS",
                "must be longer than DEBRIEF_WEBHOOK_TIMEOUT_MS: a claim outlives its attempt",
            );
        }
        WebhookSettings {
            allow_local_destinations: self.webhook_allow_local_destinations,
            retry_schedule: RetrySchedule::new(waits),
            disable_after: Duration::from_secs(errors.bounded(
                "WEBHOOK_DISABLE_AFTER_SECS",
                self.webhook_disable_after_secs,
                1..=90 * 86_400,
            )),
            poll_interval: Duration::from_millis(errors.bounded(
                "WEBHOOK_POLL_INTERVAL_MS",
                self.webhook_poll_interval_ms,
                10..=60_000,
            )),
            lease: Duration::from_secs(lease_secs),
            concurrency: errors.bounded("WEBHOOK_CONCURRENCY", self.webhook_concurrency, 1..=256),
            connect_timeout: Duration::from_millis(errors.bounded(
                "WEBHOOK_CONNECT_TIMEOUT_MS",
                self.webhook_connect_timeout_ms,
                10..=30_000,
            )),
            timeout: Duration::from_millis(timeout_ms),
            secret_grace: Duration::from_secs(errors.bounded(
                "WEBHOOK_SECRET_GRACE_SECS",
                self.webhook_secret_grace_secs,
                0..=30 * 86_400,
            )),
        }
    }

    fn role_map(&self, errors: &mut Errors) -> Vec<(String, Role)> {
        let mut map = Vec::new();
        for pair in split_list(&self.auth_role_map) {
            let Some((from, to)) = pair.split_once('=') else {
                errors.push(
                    "AUTH_ROLE_MAP",
                    format!("{pair:?} is not idp_role=debrief_role"),
                );
                continue;
            };
            match Role::parse(to.trim()) {
                Some(role) => map.push((from.trim().to_owned(), role)),
                None => errors.push(
                    "AUTH_ROLE_MAP",
                    format!("{to:?} is not a role (employee, hiring_manager, hr, integration)"),
                ),
            }
        }
        map
    }
}
