//! The client's deadline on every statement, and what a connection that failed tells: closed
//! by the server before anything ran (retry once on a fresh one), or cut short (close it).

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection as _, PgConnection};

/// Bounds every statement on a connection and remembers one that was cut short.
///
/// A statement that did not finish — its deadline passed (the server went silent: a dead host,
/// a partition) or its request was dropped mid-await (the client went away) — leaves the
/// connection in an unknown state, and returning it to the pool would be worse than useless:
/// the pool pings a returned connection with no deadline (transact-rs/sqlx#4349, in 0.8 and
/// 0.9), so a silent one would hold its pool slot until TCP gives up, a quarter of an hour
/// later. Such a connection is closed instead (`Drop for Connection`), which sqlx bounds.
///
/// It also knows whether anything has been answered on this checkout: until then, a statement
/// that fails because the server had closed the connection (a restart, a failover,
/// `pg_terminate_backend`: SQLSTATE 57P01-57P03, the 08 class, a reset socket) cannot have
/// run, so it is retried once on a freshly opened connection (`Db::retry`). A restart then
/// costs the requests in flight at that moment, not one failure per stale pooled connection.
pub(super) struct Watch {
    deadline: Duration,
    unfinished: AtomicBool,
    answered: AtomicBool,
    rollback_queued: AtomicBool,
    reconnect: Option<Arc<PgConnectOptions>>,
}

impl Watch {
    pub(super) fn new(deadline: Duration, reconnect: Option<Arc<PgConnectOptions>>) -> Self {
        Self {
            deadline,
            unfinished: AtomicBool::new(false),
            answered: AtomicBool::new(false),
            rollback_queued: AtomicBool::new(false),
            reconnect,
        }
    }

    /// A transaction was dropped open on this connection: its rollback waits to be sent.
    pub(super) fn rollback_queued(&self) {
        self.rollback_queued.store(true, Ordering::Relaxed);
    }

    pub(super) fn has_rollback_queued(&self) -> bool {
        self.rollback_queued.load(Ordering::Relaxed)
    }

    /// A statement on this connection did not finish: it must be closed, not returned.
    pub(super) fn is_unfinished(&self) -> bool {
        self.unfinished.load(Ordering::Relaxed)
    }

    pub(super) async fn run<T>(
        &self,
        statement: impl Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, sqlx::Error> {
        self.unfinished.store(true, Ordering::Relaxed);
        super::tally::count_statement();
        let outcome = tokio::time::timeout(self.deadline, statement).await;
        match outcome {
            Err(_) => Err(sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("the database did not answer within {:?}", self.deadline),
            ))),
            // An answer from the server, even an error, leaves the connection usable; a broken
            // connection (I/O, TLS, protocol, the server's own "terminating connection") stays
            // marked and is closed.
            Ok(Ok(value)) => {
                self.answered();
                Ok(value)
            }
            Ok(Err(error)) => {
                let answered = match &error {
                    sqlx::Error::Database(db) => !is_connection_failure(db.code().as_deref()),
                    sqlx::Error::RowNotFound => true,
                    _ => false,
                };
                if answered {
                    self.answered();
                }
                Err(error)
            }
        }
    }

    fn answered(&self) {
        self.unfinished.store(false, Ordering::Relaxed);
        self.answered.store(true, Ordering::Relaxed);
    }

    /// Whether `error` on this checkout's first statement means the server had closed the
    /// connection before the statement could run.
    pub(super) fn may_retry(&self, error: &sqlx::Error) -> bool {
        self.reconnect.is_some() && !self.answered.load(Ordering::Relaxed) && is_closed(error)
    }

    /// Replaces the connection the server closed with a freshly opened one, within the
    /// deadline. The pool keeps its slot; the dead connection is dropped (no goodbye to send).
    pub(super) async fn replace(&self, connection: &mut PgConnection) -> Result<(), sqlx::Error> {
        let Some(options) = &self.reconnect else {
            return Err(sqlx::Error::PoolClosed);
        };
        tracing::info!("the database closed a pooled connection; retrying on a new one");
        let fresh = self.run(PgConnection::connect_with(options)).await?;
        drop(std::mem::replace(connection, fresh));
        Ok(())
    }
}

/// An error that says the server closed the connection, or the socket broke, before answering.
fn is_closed(error: &sqlx::Error) -> bool {
    use std::io::ErrorKind;
    match error {
        sqlx::Error::Database(db) => is_connection_failure(db.code().as_deref()),
        sqlx::Error::Io(io) => matches!(
            io.kind(),
            ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe
                | ErrorKind::UnexpectedEof
                | ErrorKind::NotConnected
        ),
        _ => false,
    }
}

/// SQLSTATE class 08 (connection exception) and 57P01-57P03 (admin or crash shutdown, cannot
/// connect now): the server is going away or not there yet.
pub(super) fn is_connection_failure(code: Option<&str>) -> bool {
    code.is_some_and(|code| code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03"))
}
