//! Retention: anonymises applications (and everything about them) whose tenant's retention
//! period after the decision has run out, and purges expired `Idempotency-Key` records. Run by
//! `debrief retention apply` and periodically by `serve`; records under legal hold are kept.

use std::time::Duration;

use chrono::{DateTime, Months, Utc};

use crate::domain::privacy::ErasureReason;
use crate::domain::EmployeeId;
use crate::storage::{AuditContext, AuditRecord, RetentionItem, Store};

use super::{AppResult, Progress};

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
    /// Events (and webhook delivery log entries) older than the event retention deleted (none
    /// on a dry run).
    pub events: u64,
    /// How many days events are kept (`DEBRIEF_EVENT_RETENTION_DAYS`).
    pub event_days: u32,
}

/// How long the event feed keeps an event unless configured otherwise.
pub const EVENT_RETENTION_DAYS: u32 = 30;

/// The instant before which a decision is out of a `months` retention period at `at`.
fn cutoff(at: DateTime<Utc>, months: i32) -> Option<DateTime<Utc>> {
    u32::try_from(months)
        .ok()
        .and_then(|m| at.checked_sub_months(Months::new(m)))
}

/// Applies every tenant's retention policy as of `at`.
pub async fn apply(store: &Store, at: DateTime<Utc>, dry_run: bool) -> AppResult<RetentionReport> {
    apply_with_progress(store, at, dry_run, EVENT_RETENTION_DAYS, &()).await
}

/// `apply`, telling `progress` how many applications are due and each one anonymised.
pub async fn apply_with_progress(
    store: &Store,
    at: DateTime<Utc>,
    dry_run: bool,
    event_days: u32,
    progress: &(dyn Progress + Sync),
) -> AppResult<RetentionReport> {
    let mut report = RetentionReport {
        held: due(store, at, true, u32::MAX).await?,
        event_days,
        ..RetentionReport::default()
    };
    if dry_run {
        report.anonymised = due(store, at, false, u32::MAX).await?;
        return Ok(report);
    }
    progress.length(due_count(store, at).await?);
    loop {
        let mut progressed = false;
        for item in due(store, at, false, BATCH).await? {
            if anonymise(store, &item, at).await? {
                progressed = true;
                progress.advance();
                report.anonymised.push(item);
            }
        }
        // Nothing left, or only what others (a hold, another replica) took meanwhile.
        if !progressed {
            break;
        }
    }
    // Tenant by tenant: under row-level security a session sees one tenant's rows.
    let mut connection = store.acquire().await?;
    let tenants = connection.db().tenant_ids().await?;
    let events_before = at - chrono::Duration::days(i64::from(event_days));
    for tenant in tenants {
        connection.scope(Some(&tenant)).await?;
        let mut db = connection.db();
        report.idempotency_records += db.purge_expired_keys(&tenant, at).await?;
        report.events += db.purge_events(&tenant, events_before).await?;
    }
    Ok(report)
}

/// How many applications are due (for the progress bar; a run may find fewer or more).
async fn due_count(store: &Store, at: DateTime<Utc>) -> AppResult<u64> {
    let due = due(store, at, false, u32::MAX).await?;
    Ok(u64::try_from(due.len()).unwrap_or(u64::MAX))
}

/// Applications whose retention period has run out at `at`, in every tenant with a policy,
/// oldest decision first: those under legal hold (`held`), or the others.
async fn due(
    store: &Store,
    at: DateTime<Utc>,
    held: bool,
    limit: u32,
) -> AppResult<Vec<RetentionItem>> {
    let mut connection = store.acquire().await?;
    let mut due = Vec::new();
    let policies = connection.db().retention_policies().await?;
    for (tenant, months) in policies {
        let Some(cutoff) = cutoff(at, months) else {
            continue;
        };
        let remaining = limit.saturating_sub(u32::try_from(due.len()).unwrap_or(u32::MAX));
        if remaining == 0 {
            break;
        }
        connection.scope(Some(&tenant)).await?;
        due.extend(
            connection
                .db()
                .decided_before(&tenant, cutoff, held, remaining)
                .await?,
        );
    }
    Ok(due)
}

/// Anonymises one application under its own pseudonym. Checks again inside the transaction:
/// `false` if it is held, already anonymised, or no longer due (the policy changed).
async fn anonymise(store: &Store, item: &RetentionItem, at: DateTime<Utc>) -> AppResult<bool> {
    let tenant = &item.tenant_id;
    let system = AuditContext::system("retention");
    let pseudonym = EmployeeId::pseudonym();
    let mut connection = store.acquire_for(tenant).await?;
    let mut tx = connection.begin().await?;
    let mut db = tx.db();
    db.record_erasure(
        tenant,
        &pseudonym,
        ErasureReason::Retention,
        &system.actor,
        at,
    )
    .await?;
    let subject = db.retention_subject(tenant, item.application_id).await?;
    let still_due = subject
        .as_ref()
        .and_then(|(_, months)| *months)
        .and_then(|months| cutoff(at, months))
        .is_some_and(|cutoff| item.decided_at < cutoff);
    let Some((subject, _)) = subject.filter(|_| still_due) else {
        tx.rollback().await?;
        return Ok(false);
    };
    let Some(anonymised) = db
        .anonymise_application(tenant, item.application_id, &subject, &pseudonym, at)
        .await?
    else {
        // Held or anonymised by another replica meanwhile: nothing to do.
        tx.rollback().await?;
        return Ok(false);
    };
    db.record_audit(
        tenant,
        &system,
        AuditRecord {
            action: "retention.anonymise",
            resource_type: "application",
            resource_id: item.application_id.to_string(),
            candidate: Some(&pseudonym),
            details: serde_json::json!({
                "decided_at": item.decided_at,
                "feedback": anonymised.feedback,
                "follow_ups": anonymised.follow_ups,
                "audit_events": anonymised.audit_events,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Runs `apply` every `interval` until the process stops; failures are logged and retried at
/// the next tick.
pub async fn run_periodically(store: Store, interval: Duration, event_days: u32) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match apply_with_progress(&store, crate::storage::now(), false, event_days, &()).await {
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
