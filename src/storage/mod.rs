//! Storage: one closed set of two backends.
//!
//! `Store` is an enum rather than a trait object because the set is closed and an exhaustive
//! `match` makes a method missing on one backend a compile error. Where the SQL is the same on
//! both (most of it: `$n` placeholders, `returning` and `on conflict` work on both), `on_pool!`
//! writes the body once and expands it per backend.

pub mod audit;
mod candidate;
mod catalog;
mod feedback;
mod hiring;
pub mod idempotency;
pub mod privacy;

pub use catalog::EntryFilter;
mod rows;

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

use crate::config::PoolSettings;

pub use audit::{AuditContext, AuditEvent, AuditFilter};
pub use candidate::{FollowUpFilter, NewFollowUp, Released, WithActivity};
pub use feedback::{FeedbackFilter, Step};
pub use hiring::{ApplicationFilter, RequisitionFilter, Transition};
pub use idempotency::{IdempotencyClaim, Render, ResponseToStore};
pub use privacy::{
    Erasure, ErasureCounts, LegalHold, RetentionItem, SubjectApplication, SubjectFeedback,
    SubjectRecords,
};
pub use rows::{
    Acknowledgement, ActionProgress, Application, CatalogEntry, Feedback, FeedbackEvent,
    FeedbackRevision, FollowUp, OwnApplication, ReleasedFeedback, Requisition, RequisitionRow,
    StoredResponse,
};

static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");

/// The database, either backend.
#[derive(Clone, Debug)]
pub enum Store {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// Runs the same body against whichever pool the store holds.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::storage::Store::Postgres($pool) => $body,
            $crate::storage::Store::Sqlite($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database cannot be reached or did not answer in time; retrying may help.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A uniqueness rule refused the write.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Another request holds the same `Idempotency-Key` (a concurrent retry).
    #[error("idempotency key in use")]
    IdempotencyKeyInUse,
    #[error("database error: {0}")]
    Other(String),
}

impl From<sqlx::Error> for StorageError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => Self::Unavailable(error.to_string()),
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Self::Conflict("the resource already exists".into())
            }
            // 57014: statement timeout; SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their
            // extended codes (the low byte): a lock wait timed out.
            sqlx::Error::Database(db) if is_timeout(db.code().as_deref()) => {
                Self::Unavailable(error.to_string())
            }
            _ => Self::Other(error.to_string()),
        }
    }
}

fn is_timeout(code: Option<&str>) -> bool {
    match code {
        Some("57014") => true,
        Some(code) => code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6)),
        None => false,
    }
}

impl From<sqlx::migrate::MigrateError> for StorageError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        Self::Other(error.to_string())
    }
}

pub type StorageResult<T> = Result<T, StorageError>;

/// The result of a write guarded by a version (`If-Match`).
#[derive(Debug)]
pub enum Versioned<T> {
    Updated(T),
    NotFound,
    /// The record exists at another version.
    Stale,
}

/// Opens a transaction that will write.
///
/// On SQLite, a deferred transaction that *reads first* and writes later fails with
/// `SQLITE_BUSY_SNAPSHOT` (instead of waiting) when another writer committed in between, so
/// every write transaction in this crate starts with a write statement, which takes the write
/// lock at once and waits up to the busy timeout. (`BEGIN IMMEDIATE` through sqlx 0.8's
/// `begin_with` is not used: it refuses a pooled connection whose dropped transaction is still
/// being rolled back, and that surfaced as a 500.)
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>;
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin().await
    }
}

/// Now, truncated to microseconds so that both backends store exactly the same instant.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Pool statistics for `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub size: u32,
    pub idle: usize,
    pub max: u32,
}

impl Store {
    /// Connects to the database named by `url` (`sqlite:` or `postgres://`). The SQLite file and
    /// its directory are created if missing. Connections are opened lazily, so a database that
    /// is down at start shows in `/health/ready` rather than as a crash loop.
    pub async fn connect(url: &str, pool: &PoolSettings) -> StorageResult<Self> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| StorageError::Other(format!("invalid SQLite URL: {e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(pool.statement_timeout);
            let path = options.get_filename();
            if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StorageError::Other(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(pool.max_connections)
                .acquire_timeout(pool.acquire_timeout)
                .test_before_acquire(false)
                .connect_with(options)
                .await?;
            Ok(Self::Sqlite(pool))
        } else {
            let timeout_ms = pool.statement_timeout.as_millis().to_string();
            let options = PgConnectOptions::from_str(url)
                .map_err(|e| StorageError::Other(format!("invalid PostgreSQL URL: {e}")))?
                .application_name("debrief")
                .options([
                    ("statement_timeout", timeout_ms.as_str()),
                    ("lock_timeout", timeout_ms.as_str()),
                ]);
            // No ping before every acquire: it doubled the round trips of every query (measured
            // in bench/run.sh). A connection that died is reported by the query that uses it
            // (503, retryable) and dropped by the pool.
            let pool = PgPoolOptions::new()
                .max_connections(pool.max_connections)
                .acquire_timeout(pool.acquire_timeout)
                .test_before_acquire(false)
                .idle_timeout(Duration::from_secs(300))
                .connect_lazy_with(options);
            Ok(Self::Postgres(pool))
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Store::Postgres(_) => "postgres",
            Store::Sqlite(_) => "sqlite",
        }
    }

    /// Applies every pending migration of this backend.
    pub async fn migrate(&self) -> StorageResult<()> {
        match self {
            Store::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
            Store::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Version and description of every migration this binary carries, per backend.
    pub fn migrations(backend: &str) -> Vec<(i64, String)> {
        let migrator = if backend == "postgres" {
            &POSTGRES_MIGRATIONS
        } else {
            &SQLITE_MIGRATIONS
        };
        migrator
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    /// A round trip to the database.
    pub async fn ping(&self) -> StorageResult<()> {
        on_pool!(self, pool => sqlx::query("select 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    pub fn pool_stats(&self) -> PoolStats {
        on_pool!(self, pool => PoolStats {
            size: pool.size(),
            idle: pool.num_idle(),
            max: pool.options().get_max_connections(),
        })
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}
