//! Storage: one closed set of two backends, and the handles a use case runs its statements on.
//!
//! The pool inside `Store` is an enum rather than a trait object because the set is closed
//! and an exhaustive `match` makes a method missing on one backend a compile error. A use case
//! takes one `Connection` from the pool (`Store::acquire`) and runs every statement on it, or
//! opens one `Tx` on it for a write: one checkout per request. Statements are methods of `Db`,
//! the executor both hand out; where the SQL is the same on both backends (most of it: `$n`
//! placeholders, `returning` and `on conflict` work on both), `on_db!` writes the body once
//! and expands it per backend, within the connection's deadline (`Watch`).

mod applications;
mod audit;
mod candidate;
mod catalog;
mod codec;
mod deadlines;
mod deliveries;
mod events;
mod feedback;
mod idempotency;
mod maintenance;
mod privacy;
mod quality;
mod reports;
mod requisitions;
mod resources;
mod retention;
mod rows;
mod secrets;
mod stash;
mod tally;
mod transaction;
mod watch;
mod webhooks;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use secrecy::ExposeSecret;
use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};

use crate::config::{Backend, DatabaseSettings};
use crate::domain::TenantId;

use stash::{Lease, Stash};
use watch::{is_connection_failure, Watch};

pub use applications::{ApplicationFilter, Decision};
pub use audit::{AuditContext, AuditFilter, AuditRecord};
pub use candidate::{FollowUpFilter, NewFollowUp, Released, WithActivity};
pub use catalog::{ActiveKeys, EntryFilter, LabelVersions};
pub use deadlines::{DueFeedback, DueFilter, StoredDeadlinePolicy};
pub use deliveries::{Attempt, ClaimedDelivery, Delivery, QueueStats};
pub use events::{Event, FeedPosition, NewEvent};
pub use feedback::{FeedbackFilter, FeedbackUpdate, NewFeedback, RecordedStep};
pub use idempotency::{AboutCandidate, IdempotencyKey, ResponseToStore, IDEMPOTENCY_TTL_HOURS};
pub use privacy::{Anonymised, ErasureCounts, LegalHold, SubjectApplication, SubjectRecords};
pub use quality::{CheckedAt, StoredPhrases};
pub use reports::{BreakdownRow, KeyRow, OutcomesRow, Population, ReportScope, TimelinessRow};
pub use requisitions::{PeopleChange, RequisitionFilter, RequisitionUpdate};
pub use resources::{Resource, ResourceFilter};
pub use retention::RetentionItem;
pub use rows::{
    Acknowledgement, ActionProgress, Application, AuditEvent, CatalogEntry, Feedback,
    FeedbackEvent, FeedbackRevision, FollowUp, OwnApplication, ReleasedFeedback, Requisition,
    RequisitionRow, StoredResponse,
};
pub use tally::{tallied, Tally};
pub use transaction::Tx;
pub use webhooks::{Subscription, SubscriptionFields};

static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");

/// The database, either backend.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// How long the client waits for any one statement's answer (see `Watch`).
    deadline: Duration,
    /// Where a replacement for a connection the server closed is opened (PostgreSQL only).
    reconnect: Option<Arc<PgConnectOptions>>,
    /// Whether PostgreSQL's row-level security applies to this service's role (see
    /// `Connection::scope`); learnt on first use.
    row_security: Arc<std::sync::OnceLock<bool>>,
    /// Clean connections between checkouts, and the checkouts' admission (see `stash`).
    stash: Arc<Stash>,
}

#[derive(Clone, Debug)]
enum Pool {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// The client's wait for an answer is the server's own limit (`statement_timeout`, the SQLite
/// busy timeout) plus this: the server's timeout, a clean error on a reusable connection,
/// normally wins; the client's deadline is for a server that does not answer at all.
const DEADLINE_MARGIN: Duration = Duration::from_secs(1);

/// SQLite's page cache per connection, in KiB when negative (`PRAGMA cache_size`).
const SQLITE_CACHE_SIZE: &str = "-512";

/// How long a connection may sit unused, in the pool or the stash, before it is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// One connection taken from the pool, returned when dropped.
pub struct Connection {
    /// `None` only once dropped (`Drop` hands it to the stash or the pool).
    pooled: Option<Pooled>,
    watch: Watch,
    row_security: Arc<std::sync::OnceLock<bool>>,
    lease: Lease,
}

enum Pooled {
    Postgres(PoolConnection<Postgres>),
    Sqlite(PoolConnection<Sqlite>),
}

/// What statements run on: a connection, or the connection of a transaction.
pub struct Db<'c> {
    on: On<'c>,
    watch: &'c Watch,
    /// Outside a transaction: a statement refused by a closed connection may run again.
    retry: bool,
}

pub(crate) enum On<'c> {
    Postgres(&'c mut PgConnection),
    Sqlite(&'c mut SqliteConnection),
}

impl Drop for Connection {
    /// A connection with a statement cut short is closed; one with a rollback queued goes back
    /// to the pool (whose ping sends it at once, releasing the transaction's locks); a clean
    /// one waits in the stash for the next checkout, without the pool's ping.
    fn drop(&mut self) {
        let Some(mut pooled) = self.pooled.take() else {
            return;
        };
        if self.watch.is_unfinished() {
            match &mut pooled {
                Pooled::Postgres(c) => c.close_on_drop(),
                Pooled::Sqlite(c) => c.close_on_drop(),
            }
        } else if !self.watch.has_rollback_queued() {
            self.lease.stash(pooled);
        }
    }
}

/// Runs the same body against whichever backend `$db` (a `&mut Db`) holds, with `$c` bound to
/// the backend's connection, within the connection's deadline (`Watch`). On PostgreSQL, a
/// checkout's first statement outside a transaction that meets a connection the server had
/// closed runs once more on a fresh connection (see `Watch`).
macro_rules! on_db {
    ($db:expr, $c:ident => $body:expr) => {{
        let db: &mut $crate::storage::Db<'_> = $db;
        let watch = db.watch;
        let retry = db.retry;
        match &mut db.on {
            $crate::storage::On::Postgres(connection) => {
                let outcome = {
                    let $c: &mut sqlx::PgConnection = &mut **connection;
                    watch.run(async { $body }).await
                };
                match outcome {
                    Err(error) if retry && watch.may_retry(&error) => {
                        match watch.replace(&mut **connection).await {
                            Ok(()) => {
                                let $c: &mut sqlx::PgConnection = &mut **connection;
                                watch.run(async { $body }).await
                            }
                            Err(error) => Err(error),
                        }
                    }
                    outcome => outcome,
                }
            }
            $crate::storage::On::Sqlite(connection) => {
                let $c: &mut sqlx::SqliteConnection = &mut **connection;
                watch.run(async { $body }).await
            }
        }
    }};
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
            // The server is shutting down, restarting or refusing connections.
            sqlx::Error::Database(db)
                if is_connection_failure(db.code().as_deref())
                    || db.code().as_deref() == Some("53300") =>
            {
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

/// `$first, $first+1, …` (`count` of them): the placeholders of an `in (…)` list, the same on
/// both backends.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
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
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(pool.statement_timeout)
                    // Each pooled connection keeps its own page cache (SQLite's default 2 MiB):
                    // 512 KiB each keeps ten of them within the memory target under a read load
                    // (docs/performance.md); the OS's file cache serves the rest.
                    .pragma("cache_size", SQLITE_CACHE_SIZE);
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
                Ok(Self::new(Pool::Sqlite(pool), settings))
            }
            Backend::Postgres => {
                let timeout_ms = pool.statement_timeout.as_millis().to_string();
                // A transaction left open between statements for longer than a statement may
                // take means its client is gone: the server ends it and frees its locks.
                let idle_ms = (pool.statement_timeout * 2).as_millis().to_string();
                // The server probes an idle client socket (30 s, then every 10 s, 3 times), so
                // a client host that vanished does not keep its backend; the client side is
                // bounded by `Watch` (sqlx has no keepalive setting of its own).
                let options = PgConnectOptions::from_str(url)
                    .map_err(|e| StorageError::Other(format!("invalid PostgreSQL URL: {e}")))?
                    .application_name("debrief")
                    .options([
                        ("statement_timeout", timeout_ms.as_str()),
                        ("lock_timeout", timeout_ms.as_str()),
                        ("idle_in_transaction_session_timeout", idle_ms.as_str()),
                        ("tcp_keepalives_idle", "30"),
                        ("tcp_keepalives_interval", "10"),
                        ("tcp_keepalives_count", "3"),
                    ]);
                // No ping before every acquire: it doubled the round trips of every query
                // (measured in bench/run.sh). A connection that died is reported by the query
                // that uses it (503, retryable) and dropped by the pool.
                let pool = PgPoolOptions::new()
                    .max_connections(pool.max_connections)
                    .acquire_timeout(pool.acquire_timeout)
                    .test_before_acquire(false)
                    .idle_timeout(IDLE_TIMEOUT)
                    .connect_lazy_with(options);
                Ok(Self::new(Pool::Postgres(pool), settings))
            }
        }
    }

    fn new(pool: Pool, settings: &DatabaseSettings) -> Self {
        let reconnect = match &pool {
            Pool::Postgres(pool) => Some(pool.connect_options()),
            Pool::Sqlite(_) => None,
        };
        let stash = Stash::new(
            settings.pool.max_connections,
            settings.pool.acquire_timeout,
            IDLE_TIMEOUT,
        );
        Store {
            pool,
            deadline: settings.pool.statement_timeout + DEADLINE_MARGIN,
            reconnect,
            row_security: Arc::default(),
            stash,
        }
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Postgres(_) => Backend::Postgres,
            Pool::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// One connection for a use case about `tenant`: on PostgreSQL, where row-level security
    /// applies to the service's role, the session is scoped to the tenant first, so that a
    /// statement that forgot its `tenant_id` filter still sees no other tenant's rows.
    pub async fn acquire_for(&self, tenant: &TenantId) -> StorageResult<Connection> {
        let mut connection = self.acquire_raw().await?;
        connection.scope(Some(tenant)).await?;
        Ok(connection)
    }

    /// One connection for statements about no tenant in particular (the tenant list, service
    /// secrets, health). Under row-level security it sees no tenant's rows.
    pub async fn acquire(&self) -> StorageResult<Connection> {
        let mut connection = self.acquire_raw().await?;
        connection.scope(None).await?;
        Ok(connection)
    }

    /// Whether row-level security applies to this service's connections (PostgreSQL, a role
    /// that is neither the tables' owner nor a superuser nor `BYPASSRLS`), as last learnt.
    pub fn row_security(&self) -> Option<bool> {
        self.row_security.get().copied()
    }

    async fn acquire_raw(&self) -> StorageResult<Connection> {
        tally::count_checkout();
        let (lease, stashed) = self.stash.checkout().await?;
        let pooled = match stashed {
            Some(pooled) => pooled,
            None => match &self.pool {
                Pool::Postgres(pool) => Pooled::Postgres(pool.acquire().await?),
                Pool::Sqlite(pool) => Pooled::Sqlite(pool.acquire().await?),
            },
        };
        Ok(Connection {
            pooled: Some(pooled),
            watch: Watch::new(self.deadline, self.reconnect.clone()),
            row_security: self.row_security.clone(),
            lease,
        })
    }

    /// A round trip to the database.
    pub async fn ping(&self) -> StorageResult<()> {
        self.acquire_raw().await?.db().ping().await
    }

    pub fn pool_stats(&self) -> PoolStats {
        let (size, idle, max) = match &self.pool {
            Pool::Postgres(pool) => (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ),
            Pool::Sqlite(pool) => (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ),
        };
        // Stashed connections are idle too: the pool counts them as checked out.
        PoolStats {
            size,
            idle: idle + self.stash.len(),
            max,
        }
    }

    pub async fn close(&self) {
        self.stash.close();
        match &self.pool {
            Pool::Postgres(pool) => pool.close().await,
            Pool::Sqlite(pool) => pool.close().await,
        }
    }
}

impl Connection {
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.pooled, Some(Pooled::Postgres(_)))
    }

    /// The connection and its watch, borrowed apart. `pooled` is taken only by `Drop`, after
    /// which nothing can call this.
    fn parts(&mut self) -> (&mut Pooled, &Watch) {
        match &mut self.pooled {
            Some(pooled) => (pooled, &self.watch),
            None => unreachable!("a connection is only given back when dropped"),
        }
    }

    /// Scopes the session to `tenant` (`None`: to no tenant) where row-level security applies:
    /// `debrief.tenant` is what every policy compares `tenant_id` with. Where it cannot apply
    /// (SQLite; the tables' owner, a superuser or a `BYPASSRLS` role) it costs nothing; the
    /// first connection learns which it is (`row_security_active`, after the migrations).
    pub async fn scope(&mut self, tenant: Option<&TenantId>) -> StorageResult<()> {
        if !self.is_postgres() {
            return Ok(());
        }
        let active = match self.row_security.get() {
            Some(active) => *active,
            None => {
                let mut db = self.db();
                let learnt = on_db!(&mut db, c => {
                    sqlx::query_scalar::<_, bool>("select row_security_active('feedback')")
                        .fetch_one(&mut *c)
                        .await
                });
                match learnt {
                    Ok(active) => *self.row_security.get_or_init(|| active),
                    // Not migrated yet: nothing to scope, learn it next time.
                    Err(sqlx::Error::Database(_)) => false,
                    Err(error) => return Err(error.into()),
                }
            }
        };
        if active {
            let tenant = tenant.map(TenantId::as_str).unwrap_or("");
            let mut db = self.db();
            on_db!(&mut db, c => {
                sqlx::query("select set_config('debrief.tenant', $1, false)")
                    .bind(tenant)
                    .execute(&mut *c)
                    .await
                    .map(|_| ())
            })?;
        }
        Ok(())
    }

    /// Statements outside a transaction (each commits on its own).
    pub fn db(&mut self) -> Db<'_> {
        let (pooled, watch) = self.parts();
        let on = match pooled {
            Pooled::Postgres(c) => On::Postgres(c),
            Pooled::Sqlite(c) => On::Sqlite(c),
        };
        Db {
            on,
            watch,
            retry: true,
        }
    }
}

impl Db<'_> {
    /// A round trip to the database.
    pub async fn ping(&mut self) -> StorageResult<()> {
        on_db!(self, c => sqlx::query("select 1").execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }
}
