//! What one request costs the database: the statements it sends (every one goes through
//! `Watch::run`: queries, `BEGIN`/`COMMIT`, the tenant scope) and the connections it checks out
//! of the pool (each checkout also costs the pool's ping, which sqlx sends itself and is not a
//! statement here). Counted per task, for a future run inside `tallied`; nothing is counted
//! elsewhere (background workers, startup).

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

tokio::task_local! {
    static TALLY: Arc<Tally>;
}

/// The database cost of one tallied future.
#[derive(Debug, Default)]
pub struct Tally {
    statements: AtomicU32,
    checkouts: AtomicU32,
}

impl Tally {
    /// Statements sent, each a round trip to the database.
    pub fn statements(&self) -> u32 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Connections checked out of the pool.
    pub fn checkouts(&self) -> u32 {
        self.checkouts.load(Ordering::Relaxed)
    }
}

/// Runs `future`, counting what it sends to the database.
pub async fn tallied<F: Future>(future: F) -> (F::Output, Arc<Tally>) {
    let tally = Arc::new(Tally::default());
    let output = TALLY.scope(tally.clone(), future).await;
    (output, tally)
}

pub(super) fn count_statement() {
    let _ = TALLY.try_with(|t| t.statements.fetch_add(1, Ordering::Relaxed));
}

pub(super) fn count_checkout() {
    let _ = TALLY.try_with(|t| t.checkouts.fetch_add(1, Ordering::Relaxed));
}
