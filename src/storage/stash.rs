//! Connections handed from one checkout to the next without sqlx's ping on return.
//!
//! sqlx tests every connection given back to its pool with a round trip
//! (`PoolConnection::return_to_pool`, which cannot be turned off, and which has no deadline:
//! transact-rs/sqlx#4349). On PostgreSQL that is one more send, wake-up and receive on both
//! sides per request: a candidate's read is one statement, and the ping was the other half of
//! its round trips (pgbench's one-statement read ran at 0.7× with one empty statement added:
//! docs/performance.md). The ping buys nothing a clean connection needs: every statement sqlx sends first
//! flushes and drains what an earlier one left (`wait_until_ready`), and a connection the
//! server closed meanwhile is found by the next checkout's first statement, which `Watch`
//! retries on a fresh connection.
//!
//! So a connection whose every statement was answered and which has no rollback queued goes
//! to the stash instead of the pool, and the next checkout takes the most recently stashed one.
//! Anything else goes back to the pool as before (closed if a statement was cut short; pinged,
//! which sends the queued rollback, if a transaction was dropped open). Checkouts are admitted
//! by a semaphore of the pool's size: a checkout that finds the stash empty then always finds
//! the pool with a free slot (stashed connections count against the pool's size, and no one
//! waits in the pool while the stash holds connections). A connection idle in the stash for
//! longer than the pool's idle timeout goes back to the pool, which closes it in time.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::Pooled;

pub(super) struct Stash {
    idle: Mutex<Vec<Idle>>,
    permits: Arc<Semaphore>,
    acquire_timeout: Duration,
    idle_timeout: Duration,
}

struct Idle {
    connection: Pooled,
    since: Instant,
}

/// A checkout's admission: while held, one connection may be out.
pub(super) struct Lease {
    stash: Arc<Stash>,
    _permit: OwnedSemaphorePermit,
}

impl Stash {
    pub(super) fn new(size: u32, acquire_timeout: Duration, idle_timeout: Duration) -> Arc<Self> {
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        Arc::new(Self {
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Arc::new(Semaphore::new(size.min(Semaphore::MAX_PERMITS))),
            acquire_timeout,
            idle_timeout,
        })
    }

    /// Admits one checkout (waiting up to the acquire timeout), with the most recently stashed
    /// connection if there is one.
    pub(super) async fn checkout(self: &Arc<Self>) -> Result<(Lease, Option<Pooled>), sqlx::Error> {
        let permit =
            tokio::time::timeout(self.acquire_timeout, self.permits.clone().acquire_owned())
                .await
                .map_err(|_| sqlx::Error::PoolTimedOut)?
                .map_err(|_| sqlx::Error::PoolClosed)?;
        let reused = self.lock().pop().map(|idle| idle.connection);
        let lease = Lease {
            stash: self.clone(),
            _permit: permit,
        };
        Ok((lease, reused))
    }

    /// Connections waiting in the stash.
    pub(super) fn len(&self) -> usize {
        self.lock().len()
    }

    /// Admits no more checkouts and gives every stashed connection back to the pool.
    pub(super) fn close(&self) {
        self.permits.close();
        let idle = std::mem::take(&mut *self.lock());
        drop(idle);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Idle>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Lease {
    /// Keeps a clean `connection` for the next checkout; those idle past the idle timeout go
    /// back to the pool (outside the lock: giving one back spawns the pool's return).
    pub(super) fn stash(&self, connection: Pooled) {
        let stash = &self.stash;
        let now = Instant::now();
        let stale: Vec<Idle> = {
            let mut idle = stash.lock();
            if stash.permits.is_closed() {
                drop(idle);
                drop(connection);
                return;
            }
            idle.push(Idle {
                connection,
                since: now,
            });
            let fresh = idle
                .iter()
                .position(|i| now.duration_since(i.since) < stash.idle_timeout)
                .unwrap_or(idle.len());
            idle.drain(..fresh).collect()
        };
        drop(stale);
    }
}

impl std::fmt::Debug for Stash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stash")
            .field("idle", &self.len())
            .field("available", &self.permits.available_permits())
            .finish()
    }
}
