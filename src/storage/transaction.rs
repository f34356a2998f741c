//! Write transactions, driven through sqlx's transaction manager (see `Tx`).

use sqlx::postgres::PgTransactionManager;
use sqlx::sqlite::SqliteTransactionManager;
use sqlx::{PgConnection, SqliteConnection};
use sqlx_core::transaction::TransactionManager;

use super::watch::Watch;
use super::{Connection, Db, On, Pooled, StorageResult};

/// A transaction on a `Connection`; rolled back when dropped without `commit`.
///
/// It drives sqlx's transaction manager itself rather than holding a `sqlx::Transaction`: a
/// `BEGIN` that fails on a connection the server closed is retried on a fresh connection, and
/// that needs the connection back after a failed `begin`, which a borrowed `sqlx::Transaction`
/// does not give. Dropped open, it queues the rollback exactly as `sqlx::Transaction` does.
pub struct Tx<'c> {
    open: On<'c>,
    watch: &'c Watch,
    finished: bool,
}

impl Connection {
    /// Opens a write transaction.
    ///
    /// On SQLite it is `BEGIN IMMEDIATE`, which takes the write lock at once (waiting up to the
    /// busy timeout): a deferred transaction that *reads first* and writes later would fail
    /// with `SQLITE_BUSY_SNAPSHOT` when another writer committed in between. (With sqlx 0.8.6,
    /// `begin_with` on a pooled connection whose dropped transaction was still being rolled back
    /// failed about one run in six of the catalog tests, so a no-op write took the lock
    /// instead; sqlx 0.9 runs it cleanly, and `a_transaction_dropped_without_commit_leaves_its_
    /// connection_usable` keeps it so.)
    pub async fn begin(&mut self) -> StorageResult<Tx<'_>> {
        let (pooled, watch) = self.parts();
        let open = match pooled {
            Pooled::Postgres(c) => {
                let c: &mut PgConnection = c;
                match watch.run(PgTransactionManager::begin(c, None)).await {
                    Err(error) if watch.may_retry(&error) => {
                        watch.replace(c).await?;
                        watch.run(PgTransactionManager::begin(c, None)).await?;
                    }
                    outcome => outcome?,
                }
                On::Postgres(c)
            }
            Pooled::Sqlite(c) => {
                let c: &mut SqliteConnection = c;
                let immediate = Some(sqlx::SqlSafeStr::into_sql_str("BEGIN IMMEDIATE"));
                watch
                    .run(SqliteTransactionManager::begin(c, immediate))
                    .await?;
                On::Sqlite(c)
            }
        };
        Ok(Tx {
            open,
            watch,
            finished: false,
        })
    }
}

impl Tx<'_> {
    pub fn db(&mut self) -> Db<'_> {
        let on = match &mut self.open {
            On::Postgres(c) => On::Postgres(c),
            On::Sqlite(c) => On::Sqlite(c),
        };
        Db {
            on,
            watch: self.watch,
            retry: false,
        }
    }

    pub async fn commit(mut self) -> StorageResult<()> {
        match &mut self.open {
            On::Postgres(c) => self.watch.run(PgTransactionManager::commit(c)).await?,
            On::Sqlite(c) => self.watch.run(SqliteTransactionManager::commit(c)).await?,
        }
        self.finished = true;
        Ok(())
    }

    pub async fn rollback(mut self) -> StorageResult<()> {
        match &mut self.open {
            On::Postgres(c) => self.watch.run(PgTransactionManager::rollback(c)).await?,
            On::Sqlite(c) => {
                self.watch
                    .run(SqliteTransactionManager::rollback(c))
                    .await?
            }
        }
        self.finished = true;
        Ok(())
    }
}

impl Drop for Tx<'_> {
    /// Queues the rollback for the connection's next use, as `sqlx::Transaction` does.
    fn drop(&mut self) {
        if !self.finished {
            self.watch.rollback_queued();
            match &mut self.open {
                On::Postgres(c) => PgTransactionManager::start_rollback(c),
                On::Sqlite(c) => SqliteTransactionManager::start_rollback(c),
            }
        }
    }
}
