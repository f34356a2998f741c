//! Retention: anonymises applications (and everything about them) whose tenant's retention
//! period after the decision has run out, and purges expired `Idempotency-Key` records. Run by
//! `debrief retention apply` and periodically by `serve`; records under legal hold are kept.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::storage::{RetentionItem, StorageResult, Store};

/// Applications handled per round.
const BATCH: u32 = 200;

/// What a retention run did (or, dry, would do).
#[derive(Debug, Default)]
pub struct RetentionReport {
    /// Anonymised (or, on a dry run, due).
    pub anonymised: Vec<RetentionItem>,
    /// Expired but under legal hold: kept.
    pub held: Vec<RetentionItem>,
    /// Expired `Idempotency-Key` records deleted (none on a dry run).
    pub idempotency_records: u64,
}

/// Applies every tenant's retention policy as of `at`.
pub async fn apply(
    store: &Store,
    at: DateTime<Utc>,
    dry_run: bool,
) -> StorageResult<RetentionReport> {
    let mut report = RetentionReport {
        held: store.retention_due(at, true, u32::MAX).await?,
        ..RetentionReport::default()
    };
    if dry_run {
        report.anonymised = store.retention_due(at, false, u32::MAX).await?;
        return Ok(report);
    }
    loop {
        let due = store.retention_due(at, false, BATCH).await?;
        let mut progressed = false;
        for item in due {
            if store.anonymise_expired(&item, at).await? {
                progressed = true;
                report.anonymised.push(item);
            }
        }
        // Nothing left, or only what others (a hold, another replica) took meanwhile.
        if !progressed {
            break;
        }
    }
    report.idempotency_records = store.purge_expired_idempotency_keys(at).await?;
    Ok(report)
}

/// Runs `apply` every `interval` until the process stops; failures are logged and retried at
/// the next tick.
pub async fn run_periodically(store: Store, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match apply(&store, crate::storage::now(), false).await {
            Ok(report) => {
                if !report.anonymised.is_empty() || report.idempotency_records > 0 {
                    tracing::info!(
                        anonymised = report.anonymised.len(),
                        held = report.held.len(),
                        idempotency_records = report.idempotency_records,
                        "retention applied"
                    );
                }
            }
            Err(error) => {
                tracing::warn!(%error, "retention run failed; retrying at the next interval")
            }
        }
    }
}
