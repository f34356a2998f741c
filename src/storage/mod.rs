//! Storage: one closed set of two backends, and the handles a use case runs its statements on.
//!
//! `Store` is an enum rather than a trait object because the set is closed and an exhaustive
//! `match` makes a method missing on one backend a compile error. A use case takes one
//! `Connection` from the pool (`Store::acquire`) and runs every statement on it, or opens one
//! `Tx` on it for a write: one checkout per request. Statements are methods of `Db`, the
//! executor both hand out; where the SQL is the same on both backends (most of it: `$n`
//! placeholders, `returning` and `on conflict` work on both), `on_db!` writes the body once
//! and expands it per backend.

mod applications;
mod audit;
mod candidate;
mod catalog;
mod codec;
mod feedback;
mod idempotency;
mod privacy;
mod requisitions;
mod retention;
mod rows;

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use secrecy::ExposeSecret;
use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection as _, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};

use crate::config::{Backend, DatabaseSettings};

pub use applications::ApplicationFilter;
pub use audit::{AuditContext, AuditFilter, AuditRecord};
pub use candidate::{FollowUpFilter, NewFollowUp, Released, WithActivity};
pub use catalog::EntryFilter;
pub use feedback::{FeedbackFilter, FeedbackUpdate, NewFeedback};
pub use idempotency::{AboutCandidate, IdempotencyKey, ResponseToStore, IDEMPOTENCY_TTL_HOURS};
pub use privacy::{Anonymised, ErasureCounts, LegalHold, SubjectApplication, SubjectRecords};
pub use requisitions::{PeopleChange, RequisitionFilter, RequisitionUpdate};
pub use retention::RetentionItem;
pub use rows::{
    Acknowledgement, ActionProgress, Application, AuditEvent, CatalogEntry, Feedback,
    FeedbackEvent, FeedbackRevision, FollowUp, OwnApplication, ReleasedFeedback, Requisition,
    RequisitionRow, StoredResponse,
};

static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");

/// The database, either backend.
#[derive(Clone, Debug)]
pub enum Store {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// One connection taken from the pool, returned when dropped.
pub enum Connection {
    Postgres(PoolConnection<Postgres>),
    Sqlite(PoolConnection<Sqlite>),
}

/// A transaction on a `Connection`; rolled back when dropped without `commit`.
pub enum Tx<'c> {
    Postgres(sqlx::Transaction<'c, Postgres>),
    Sqlite(sqlx::Transaction<'c, Sqlite>),
}

/// What statements run on: a connection, or the connection of a transaction.
pub enum Db<'c> {
    Postgres(&'c mut PgConnection),
    Sqlite(&'c mut SqliteConnection),
}

/// Runs the same body against whichever backend `$db` (a `&mut Db`) holds, with `$c` bound to
/// the backend's connection.
macro_rules! on_db {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::storage::Db::Postgres(connection) => {
                let $c: &mut sqlx::PgConnection = &mut **connection;
                $body
            }
            $crate::storage::Db::Sqlite(connection) => {
                let $c: &mut sqlx::SqliteConnection = &mut **connection;
                $body
            }
        }
    };
}
pub(crate) use on_db;

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database cannot be reached or did not answer in time; retrying may help.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A uniqueness rule refused the write.
    #[error("conflict: {0}")]
    Conflict(String),
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
    /// Connects to the configured database. The SQLite file and its directory are created if
    /// missing. PostgreSQL connections are opened lazily, so a database that is down at start
    /// shows in `/health/ready` rather than as a crash loop.
    pub async fn connect(settings: &DatabaseSettings) -> StorageResult<Self> {
        let url = settings.url.expose_secret();
        let pool = &settings.pool;
        match settings.backend {
            Backend::Sqlite => {
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
            }
            Backend::Postgres => {
                let timeout_ms = pool.statement_timeout.as_millis().to_string();
                let options = PgConnectOptions::from_str(url)
                    .map_err(|e| StorageError::Other(format!("invalid PostgreSQL URL: {e}")))?
                    .application_name("debrief")
                    .options([
                        ("statement_timeout", timeout_ms.as_str()),
                        ("lock_timeout", timeout_ms.as_str()),
                    ]);
                // No ping before every acquire: it doubled the round trips of every query
                // (measured in bench/run.sh). A connection that died is reported by the query
                // that uses it (503, retryable) and dropped by the pool.
                let pool = PgPoolOptions::new()
                    .max_connections(pool.max_connections)
                    .acquire_timeout(pool.acquire_timeout)
                    .test_before_acquire(false)
                    .idle_timeout(Duration::from_secs(300))
                    .connect_lazy_with(options);
                Ok(Self::Postgres(pool))
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Store::Postgres(_) => Backend::Postgres,
            Store::Sqlite(_) => Backend::Sqlite,
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

    /// Version and description of every migration this binary carries for `backend`.
    pub fn migrations(backend: Backend) -> Vec<(i64, String)> {
        let migrator = match backend {
            Backend::Postgres => &POSTGRES_MIGRATIONS,
            Backend::Sqlite => &SQLITE_MIGRATIONS,
        };
        migrator
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    /// One connection for a use case's statements.
    pub async fn acquire(&self) -> StorageResult<Connection> {
        Ok(match self {
            Store::Postgres(pool) => Connection::Postgres(pool.acquire().await?),
            Store::Sqlite(pool) => Connection::Sqlite(pool.acquire().await?),
        })
    }

    /// A round trip to the database.
    pub async fn ping(&self) -> StorageResult<()> {
        self.acquire().await?.db().ping().await
    }

    pub fn pool_stats(&self) -> PoolStats {
        match self {
            Store::Postgres(pool) => PoolStats {
                size: pool.size(),
                idle: pool.num_idle(),
                max: pool.options().get_max_connections(),
            },
            Store::Sqlite(pool) => PoolStats {
                size: pool.size(),
                idle: pool.num_idle(),
                max: pool.options().get_max_connections(),
            },
        }
    }

    pub async fn close(&self) {
        match self {
            Store::Postgres(pool) => pool.close().await,
            Store::Sqlite(pool) => pool.close().await,
        }
    }
}

impl Connection {
    /// Statements outside a transaction (each commits on its own).
    pub fn db(&mut self) -> Db<'_> {
        match self {
            Connection::Postgres(c) => Db::Postgres(c),
            Connection::Sqlite(c) => Db::Sqlite(c),
        }
    }

    /// Opens a write transaction.
    ///
    /// On SQLite a deferred transaction that *reads first* and writes later fails with
    /// `SQLITE_BUSY_SNAPSHOT` (instead of waiting) when another writer committed in between,
    /// so the transaction takes the write lock at once with a write that changes nothing,
    /// waiting up to the busy timeout. (`BEGIN IMMEDIATE` through sqlx 0.8's `begin_with` is
    /// not used: it refuses a pooled connection whose dropped transaction is still being
    /// rolled back, and that surfaced as a 500.)
    pub async fn begin(&mut self) -> StorageResult<Tx<'_>> {
        Ok(match self {
            Connection::Postgres(c) => Tx::Postgres(c.begin().await?),
            Connection::Sqlite(c) => {
                let mut tx = c.begin().await?;
                sqlx::query("update tenants set id = id where false")
                    .execute(&mut *tx)
                    .await?;
                Tx::Sqlite(tx)
            }
        })
    }
}

impl Tx<'_> {
    pub fn db(&mut self) -> Db<'_> {
        match self {
            Tx::Postgres(tx) => Db::Postgres(tx),
            Tx::Sqlite(tx) => Db::Sqlite(tx),
        }
    }

    pub async fn commit(self) -> StorageResult<()> {
        match self {
            Tx::Postgres(tx) => tx.commit().await?,
            Tx::Sqlite(tx) => tx.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> StorageResult<()> {
        match self {
            Tx::Postgres(tx) => tx.rollback().await?,
            Tx::Sqlite(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

impl Db<'_> {
    /// A round trip to the database.
    pub async fn ping(&mut self) -> StorageResult<()> {
        on_db!(self, c => sqlx::query("select 1").execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }
}
