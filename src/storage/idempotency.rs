//! `Idempotency-Key` records, written in the same transaction as the create they describe, so
//! that a retried create produces one row and one answer.

use chrono::{DateTime, Duration, Utc};

use super::rows::StoredResponse;
use super::{on_pool, StorageResult, Store};
use crate::domain::TenantId;

/// How long a key is remembered.
pub const IDEMPOTENCY_TTL_HOURS: i64 = 24;

/// The response to remember for a key.
#[derive(Debug, Clone)]
pub struct ResponseToStore {
    pub status: u16,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: String,
}

/// Renders the response of a create from the created record.
pub type Render<T> = std::sync::Arc<dyn Fn(&T) -> ResponseToStore + Send + Sync>;

/// A claim on a key, to be completed with the response inside the create's transaction.
pub struct IdempotencyClaim<T> {
    pub caller: String,
    pub key: String,
    pub request_hash: String,
    pub render: Render<T>,
}

pub(super) const PURGE_EXPIRED: &str =
    "delete from idempotency_keys where tenant_id = $1 and caller = $2 and key = $3 and expires_at <= $4";
pub(super) const CLAIM: &str = "insert into idempotency_keys
       (tenant_id, caller, key, request_hash, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6)";
pub(super) const COMPLETE: &str = "update idempotency_keys
     set status = $4, location = $5, etag = $6, body = $7, subject_id = $8
     where tenant_id = $1 and caller = $2 and key = $3";

/// The candidate a created record is about: remembered beside its response, so that erasing
/// the candidate also removes the responses that name them.
pub trait AboutCandidate {
    fn candidate(&self) -> Option<&str>;
}

impl AboutCandidate for super::Requisition {
    fn candidate(&self) -> Option<&str> {
        None
    }
}

impl AboutCandidate for super::CatalogEntry {
    fn candidate(&self) -> Option<&str> {
        None
    }
}

impl AboutCandidate for super::Application {
    fn candidate(&self) -> Option<&str> {
        Some(&self.candidate_id)
    }
}

impl AboutCandidate for super::Feedback {
    fn candidate(&self) -> Option<&str> {
        Some(&self.candidate_id)
    }
}

impl AboutCandidate for super::FollowUp {
    fn candidate(&self) -> Option<&str> {
        Some(&self.candidate_id)
    }
}

pub(super) fn expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::hours(IDEMPOTENCY_TTL_HOURS)
}

/// Claims the key and stores the response in the create's transaction. A concurrent claim of
/// the same key fails with `StorageError::Conflict`, rolling back the create.
macro_rules! with_idempotency {
    ($tx:expr, $tenant:expr, $claim:expr, $now:expr, $create:expr) => {{
        if let Some(claim) = $claim {
            sqlx::query($crate::storage::idempotency::PURGE_EXPIRED)
                .bind($tenant.as_str())
                .bind(claim.caller.as_str())
                .bind(claim.key.as_str())
                .bind($now)
                .execute(&mut *$tx)
                .await?;
            sqlx::query($crate::storage::idempotency::CLAIM)
                .bind($tenant.as_str())
                .bind(claim.caller.as_str())
                .bind(claim.key.as_str())
                .bind(claim.request_hash.as_str())
                .bind($now)
                .bind($crate::storage::idempotency::expiry($now))
                .execute(&mut *$tx)
                .await
                .map_err(|e| match $crate::storage::StorageError::from(e) {
                    $crate::storage::StorageError::Conflict(_) => {
                        $crate::storage::StorageError::IdempotencyKeyInUse
                    }
                    other => other,
                })?;
        }
        let created = $create;
        if let Some(claim) = $claim {
            let response = (claim.render)(&created);
            sqlx::query($crate::storage::idempotency::COMPLETE)
                .bind($tenant.as_str())
                .bind(claim.caller.as_str())
                .bind(claim.key.as_str())
                .bind(i32::from(response.status))
                .bind(response.location)
                .bind(response.etag)
                .bind(response.body)
                .bind($crate::storage::idempotency::AboutCandidate::candidate(
                    &created,
                ))
                .execute(&mut *$tx)
                .await?;
        }
        created
    }};
}
pub(crate) use with_idempotency;

impl Store {
    /// The remembered request and response for `key`, unless expired.
    pub async fn idempotency_record(
        &self,
        tenant: &TenantId,
        caller: &str,
        key: &str,
    ) -> StorageResult<Option<StoredResponse>> {
        let sql = "select request_hash, status, location, etag, body from idempotency_keys
                   where tenant_id = $1 and caller = $2 and key = $3 and expires_at > $4";
        let row = on_pool!(self, pool => sqlx::query_as::<_, StoredResponse>(sql)
            .bind(tenant.as_str())
            .bind(caller)
            .bind(key)
            .bind(super::now())
            .fetch_optional(pool)
            .await)?;
        Ok(row)
    }
}
