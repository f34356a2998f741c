//! Settings: built-in defaults, then an optional TOML file, then `DEBRIEF_*` environment
//! variables. Every setting has one name, used as the TOML key and (upper-cased, prefixed with
//! `DEBRIEF_`) as the environment variable. Validation reports every mistake at once, one line
//! each, naming the setting; secrets are never printed.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Environment variable naming an optional TOML configuration file.
pub const CONFIG_FILE_ENV: &str = "DEBRIEF_CONFIG";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// JSON lines when stderr is not a terminal, readable text when it is.
    Auto,
    Json,
    Text,
}

/// The service's configuration. See `docs/configuration.md` for every setting.
#[derive(Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
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
    /// Comma-separated origins allowed by CORS; empty disables CORS.
    pub cors_allowed_origins: String,
    pub log_format: LogFormat,
    /// `RUST_LOG`-style filter.
    pub log_filter: String,
    /// How often `serve` applies the tenants' retention policies, in seconds; 0 turns the
    /// periodic task off (then run `debrief retention apply` from a scheduler).
    pub retention_interval_secs: u64,
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

impl Default for Settings {
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
            cors_allowed_origins: String::new(),
            log_format: LogFormat::Auto,
            log_filter: "info".into(),
            retention_interval_secs: 3600,
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

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("database", &self.database_kind())
            .field("data_dir", &self.data_dir)
            .field("migrate_on_start", &self.migrate_on_start)
            .field("workers", &self.workers)
            .field("auth", &self.auth_mode())
            .field("auth_issuer", &self.auth_issuer)
            .field("auth_audience", &self.auth_audience)
            .finish_non_exhaustive()
    }
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

impl AuthMode {
    /// Whether tokens are verified with a shared secret (HMAC) rather than public keys.
    pub fn is_symmetric(self) -> bool {
        matches!(self, AuthMode::Development | AuthMode::SharedSecret)
    }
}

/// Validated pool settings.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    pub statement_timeout: Duration,
}

impl Settings {
    /// Defaults, then the file named by `DEBRIEF_CONFIG` (or `file`), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        // Missing keys take `Settings::default()` through `#[serde(default)]`.
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
        let settings: Settings = figment.extract().map_err(|error| {
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
        })?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks every setting and reports all mistakes, one line each.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut errors = Vec::new();
        match self.listen_addr() {
            Ok(addr) => {
                if self.auth_mode() == AuthMode::Development && !addr.ip().is_loopback() {
                    errors.push(format!(
                        "DEBRIEF_LISTEN: {addr} is not a loopback address, and development auth \
                         only listens on loopback; set DEBRIEF_AUTH_HS256_SECRET or listen on 127.0.0.1"
                    ));
                }
            }
            Err(e) => errors.push(e),
        }
        let url = self.database_url.expose_secret();
        if !url.is_empty()
            && !url.starts_with("sqlite:")
            && !url.starts_with("postgres://")
            && !url.starts_with("postgresql://")
        {
            errors.push(
                "DEBRIEF_DATABASE_URL: must start with sqlite:, postgres:// or postgresql://"
                    .into(),
            );
        }
        if self.db_max_connections == 0 {
            errors.push("DEBRIEF_DB_MAX_CONNECTIONS: must be at least 1".into());
        }
        if !(50..=60_000).contains(&self.db_acquire_timeout_ms) {
            errors.push("DEBRIEF_DB_ACQUIRE_TIMEOUT_MS: must be between 50 and 60000".into());
        }
        if !(100..=600_000).contains(&self.db_statement_timeout_ms) {
            errors.push("DEBRIEF_DB_STATEMENT_TIMEOUT_MS: must be between 100 and 600000".into());
        }
        if self.retention_interval_secs != 0
            && !(10..=7 * 86_400).contains(&self.retention_interval_secs)
        {
            errors.push(
                "DEBRIEF_RETENTION_INTERVAL_SECS: must be 0 (off) or between 10 and 604800".into(),
            );
        }
        if !(1024..=16 * 1024 * 1024).contains(&self.body_limit_bytes) {
            errors.push("DEBRIEF_BODY_LIMIT_BYTES: must be between 1024 and 16777216".into());
        }
        let secret = self.auth_hs256_secret.expose_secret();
        if !secret.is_empty() && secret.len() < 32 {
            errors.push("DEBRIEF_AUTH_HS256_SECRET: must be at least 32 bytes long".into());
        }
        let sources = [
            !secret.is_empty(),
            !self.auth_public_key_files.trim().is_empty(),
            !self.auth_jwks_url.trim().is_empty(),
        ];
        if sources.iter().filter(|set| **set).count() > 1 {
            errors.push(
                "DEBRIEF_AUTH_HS256_SECRET, DEBRIEF_AUTH_PUBLIC_KEY_FILES, DEBRIEF_AUTH_JWKS_URL: \
                 configure exactly one key source"
                    .into(),
            );
        }
        for file in self.public_key_files() {
            if !file.is_file() {
                errors.push(format!(
                    "DEBRIEF_AUTH_PUBLIC_KEY_FILES: {} does not exist",
                    file.display()
                ));
            }
        }
        if !self.auth_jwks_url.is_empty() {
            if let Err(e) = crate::auth::validate_jwks_url(&self.auth_jwks_url) {
                errors.push(format!("DEBRIEF_AUTH_JWKS_URL: {e}"));
            }
        }
        if !(1..=86_400).contains(&self.auth_jwks_refresh_interval_secs) {
            errors.push(
                "DEBRIEF_AUTH_JWKS_REFRESH_INTERVAL_SECS: must be between 1 and 86400".into(),
            );
        }
        if !(1..=604_800).contains(&self.auth_jwks_max_age_secs) {
            errors.push("DEBRIEF_AUTH_JWKS_MAX_AGE_SECS: must be between 1 and 604800".into());
        }
        if !(100..=30_000).contains(&self.auth_jwks_timeout_ms) {
            errors.push("DEBRIEF_AUTH_JWKS_TIMEOUT_MS: must be between 100 and 30000".into());
        }
        if let Err(e) = self.algorithms() {
            errors.push(format!("DEBRIEF_AUTH_ALGORITHMS: {e}"));
        }
        if let Err(e) = self.role_map() {
            errors.push(format!("DEBRIEF_AUTH_ROLE_MAP: {e}"));
        }
        if self.auth_issuer.trim().is_empty() {
            errors.push("DEBRIEF_AUTH_ISSUER: must not be empty".into());
        }
        if self.auth_audience.trim().is_empty() {
            errors.push("DEBRIEF_AUTH_AUDIENCE: must not be empty".into());
        }
        if self.auth_roles_claim.trim().is_empty() {
            errors.push("DEBRIEF_AUTH_ROLES_CLAIM: must not be empty".into());
        }
        if self.auth_tenant_claim.trim().is_empty() {
            errors.push("DEBRIEF_AUTH_TENANT_CLAIM: must not be empty".into());
        }
        if !self.auth_default_tenant.is_empty()
            && crate::domain::TenantId::parse(&self.auth_default_tenant).is_err()
        {
            errors.push(
                "DEBRIEF_AUTH_DEFAULT_TENANT: 1-64 characters of letters, digits, '-', '_' or '.'"
                    .into(),
            );
        }
        if self.auth_leeway_secs > 300 {
            errors.push("DEBRIEF_AUTH_LEEWAY_SECS: must be at most 300".into());
        }
        for origin in self.cors_origins() {
            if !(origin.starts_with("http://") || origin.starts_with("https://")) {
                errors.push(format!(
                    "DEBRIEF_CORS_ALLOWED_ORIGINS: {origin:?} is not an http(s) origin"
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigError(errors))
        }
    }

    pub fn listen_addr(&self) -> Result<SocketAddr, String> {
        self.listen.parse().map_err(|_| {
            format!(
                "DEBRIEF_LISTEN: {:?} is not an address:port such as 127.0.0.1:8080",
                self.listen
            )
        })
    }

    pub fn auth_mode(&self) -> AuthMode {
        if !self.auth_jwks_url.trim().is_empty() {
            AuthMode::Jwks
        } else if !self.auth_public_key_files.trim().is_empty() {
            AuthMode::PublicKeys
        } else if self.auth_hs256_secret.expose_secret().is_empty() {
            AuthMode::Development
        } else {
            AuthMode::SharedSecret
        }
    }

    pub fn public_key_files(&self) -> Vec<PathBuf> {
        split_list(&self.auth_public_key_files)
            .map(PathBuf::from)
            .collect()
    }

    /// The algorithm allowlist, checked against the key source.
    pub fn algorithms(&self) -> Result<Vec<jsonwebtoken::Algorithm>, String> {
        use jsonwebtoken::{Algorithm, AlgorithmFamily};
        let symmetric = self.auth_mode().is_symmetric();
        let names: Vec<&str> = split_list(&self.auth_algorithms).collect();
        let names = if names.is_empty() {
            vec![if symmetric { "HS256" } else { "RS256" }]
        } else {
            names
        };
        names
            .into_iter()
            .map(|name| {
                let algorithm: Algorithm = name
                    .parse()
                    .map_err(|_| format!("{name:?} is not a JWS algorithm"))?;
                let hmac = algorithm.family() == AlgorithmFamily::Hmac;
                if hmac != symmetric {
                    return Err(format!(
                        "{name} does not fit the key source ({})",
                        if symmetric {
                            "a shared secret: HS256, HS384, HS512"
                        } else {
                            "public keys: RS*, PS*, ES*, EdDSA"
                        }
                    ));
                }
                Ok(algorithm)
            })
            .collect()
    }

    /// `idp_role=debrief_role` pairs.
    pub fn role_map(&self) -> Result<Vec<(String, crate::domain::Role)>, String> {
        split_list(&self.auth_role_map)
            .map(|pair| {
                let (from, to) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("{pair:?} is not idp_role=debrief_role"))?;
                let role = crate::domain::Role::parse(to.trim()).ok_or_else(|| {
                    format!("{to:?} is not a role (employee, hiring_manager, hr, integration)")
                })?;
                Ok((from.trim().to_owned(), role))
            })
            .collect()
    }

    /// The database URL, with the embedded default filled in.
    pub fn database_url(&self) -> String {
        let url = self.database_url.expose_secret();
        if url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("debrief.db").display())
        } else {
            url.to_owned()
        }
    }

    fn database_kind(&self) -> &'static str {
        if self.database_url().starts_with("sqlite:") {
            "sqlite"
        } else {
            "postgres"
        }
    }

    pub fn pool(&self) -> PoolSettings {
        PoolSettings {
            max_connections: self.db_max_connections,
            acquire_timeout: Duration::from_millis(self.db_acquire_timeout_ms),
            statement_timeout: Duration::from_millis(self.db_statement_timeout_ms),
        }
    }

    pub fn cors_origins(&self) -> Vec<String> {
        split_list(&self.cors_allowed_origins)
            .map(str::to_owned)
            .collect()
    }
}

fn split_list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
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
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert!(Settings::default().validate().is_ok());
    }

    #[test]
    fn development_auth_refuses_a_public_listen_address() {
        let settings = Settings {
            listen: "0.0.0.0:8080".into(),
            ..Settings::default()
        };
        let error = settings.validate().expect_err("must refuse");
        assert!(error.0[0].starts_with("DEBRIEF_LISTEN:"), "{error}");
    }

    #[test]
    fn a_configured_secret_may_listen_publicly() {
        let settings = Settings {
            listen: "0.0.0.0:8080".into(),
            auth_hs256_secret: SecretString::from("x".repeat(32)),
            ..Settings::default()
        };
        assert!(settings.validate().is_ok());
    }

    #[test]
    fn every_mistake_is_reported_with_its_setting() {
        let settings = Settings {
            listen: "nowhere".into(),
            database_url: SecretString::from("mysql://x"),
            auth_hs256_secret: SecretString::from("short"),
            db_max_connections: 0,
            ..Settings::default()
        };
        let error = settings.validate().expect_err("must refuse");
        let text = error.to_string();
        for setting in [
            "DEBRIEF_LISTEN",
            "DEBRIEF_DATABASE_URL",
            "DEBRIEF_AUTH_HS256_SECRET",
            "DEBRIEF_DB_MAX_CONNECTIONS",
        ] {
            assert!(text.contains(setting), "{setting} missing from {text}");
        }
        assert!(!text.contains("short"), "a secret leaked: {text}");
    }

    #[test]
    fn algorithms_must_fit_the_key_source() {
        let symmetric = Settings::default();
        assert_eq!(
            symmetric.algorithms(),
            Ok(vec![jsonwebtoken::Algorithm::HS256])
        );
        let jwks = Settings {
            auth_jwks_url: "https://idp.example.com/jwks".into(),
            ..Settings::default()
        };
        assert_eq!(jwks.algorithms(), Ok(vec![jsonwebtoken::Algorithm::RS256]));
        let confused = Settings {
            auth_algorithms: "RS256,HS256".into(),
            ..jwks.clone()
        };
        let error = confused.validate().expect_err("HS256 with public keys");
        assert!(
            error.0[0].starts_with("DEBRIEF_AUTH_ALGORITHMS:"),
            "{error}"
        );
        let unknown = Settings {
            auth_algorithms: "none".into(),
            ..jwks
        };
        assert!(unknown.validate().is_err());
    }

    #[test]
    fn only_one_key_source_may_be_configured() {
        let settings = Settings {
            auth_hs256_secret: SecretString::from("x".repeat(32)),
            auth_jwks_url: "https://idp.example.com/jwks".into(),
            ..Settings::default()
        };
        let error = settings.validate().expect_err("two sources");
        assert!(
            error.to_string().contains("exactly one key source"),
            "{error}"
        );
    }

    #[test]
    fn a_jwks_url_must_be_https_unless_on_loopback() {
        for (url, ok) in [
            ("https://idp.example.com/.well-known/jwks.json", true),
            ("http://127.0.0.1:8089/jwks", true),
            ("http://localhost/jwks", true),
            ("http://idp.example.com/jwks", false),
            ("ftp://idp.example.com/jwks", false),
            ("not a url", false),
        ] {
            let settings = Settings {
                auth_jwks_url: url.into(),
                ..Settings::default()
            };
            assert_eq!(settings.validate().is_ok(), ok, "{url}");
        }
    }

    #[test]
    fn role_maps_name_known_roles() {
        let settings = Settings {
            auth_role_map: "Debrief.HR=hr, managers=hiring_manager".into(),
            ..Settings::default()
        };
        assert_eq!(
            settings.role_map(),
            Ok(vec![
                ("Debrief.HR".to_owned(), crate::domain::Role::Hr),
                ("managers".to_owned(), crate::domain::Role::HiringManager)
            ])
        );
        let bad = Settings {
            auth_role_map: "x=admin".into(),
            ..Settings::default()
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let settings = Settings {
            database_url: SecretString::from("postgres://u:hunter2@db/x"),
            auth_hs256_secret: SecretString::from("s".repeat(40)),
            ..Settings::default()
        };
        let debug = format!("{settings:?}");
        assert!(!debug.contains("hunter2") && !debug.contains(&"s".repeat(40)));
    }
}
