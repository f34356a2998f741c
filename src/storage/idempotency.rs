//! `Idempotency-Key` records, written in the same transaction as the create they describe, so
//! that a retried create produces one row and one answer.

use chrono::{DateTime, Duration, Utc};

use crate::domain::{EmployeeId, TenantId};

use super::rows::{Application, CatalogEntry, Feedback, FollowUp, Requisition, StoredResponse};
use super::{now, on_db, Db, StorageError, StorageResult};

/// How long a key is remembered.
pub const IDEMPOTENCY_TTL_HOURS: i64 = 24;

/// A create's key: who asked, with which key, for what (a fingerprint of the request).
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    pub caller: EmployeeId,
    pub key: String,
    pub request_hash: String,
}

/// The response to remember for a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseToStore {
    pub status: u16,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: String,
}

/// The candidate a created record is about: remembered beside its response, so that erasing
/// the candidate also removes the responses that name them.
pub trait AboutCandidate {
    fn candidate(&self) -> Option<&EmployeeId>;
}

impl AboutCandidate for Requisition {
    fn candidate(&self) -> Option<&EmployeeId> {
        None
    }
}

impl AboutCandidate for CatalogEntry {
    fn candidate(&self) -> Option<&EmployeeId> {
        None
    }
}

impl AboutCandidate for super::Resource {
    fn candidate(&self) -> Option<&EmployeeId> {
        None
    }
}

impl AboutCandidate for Application {
    fn candidate(&self) -> Option<&EmployeeId> {
        Some(&self.candidate_id)
    }
}

impl AboutCandidate for Feedback {
    fn candidate(&self) -> Option<&EmployeeId> {
        Some(&self.candidate_id)
    }
}

impl AboutCandidate for FollowUp {
    fn candidate(&self) -> Option<&EmployeeId> {
        Some(&self.candidate_id)
    }
}

fn expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::hours(IDEMPOTENCY_TTL_HOURS)
}

impl Db<'_> {
    /// The remembered request and response for `key`, unless expired.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn remembered_response(
        &mut self,
        tenant: &TenantId,
        caller: &EmployeeId,
        key: &str,
    ) -> StorageResult<Option<StoredResponse>> {
        // A claim and its response commit together, so a visible row is always complete.
        let sql = "select request_hash, status, location, etag, body from idempotency_keys
                   where tenant_id = $1 and caller = $2 and key = $3 and expires_at > $4
                     and status is not null and body is not null";
        Ok(on_db!(self, c => sqlx::query_as::<_, StoredResponse>(sql)
            .bind(tenant)
            .bind(caller)
            .bind(key)
            .bind(now())
            .fetch_optional(&mut *c)
            .await)?)
    }

    /// Claims `key` inside the create's transaction. `false`: a concurrent request holds it
    /// (the transaction is then unusable and must be dropped).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn claim_key(
        &mut self,
        tenant: &TenantId,
        key: &IdempotencyKey,
    ) -> StorageResult<bool> {
        let at = now();
        on_db!(self, c => sqlx::query(
                "delete from idempotency_keys
                 where tenant_id = $1 and caller = $2 and key = $3 and expires_at <= $4")
            .bind(tenant)
            .bind(&key.caller)
            .bind(key.key.as_str())
            .bind(at)
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected()))?;
        let claimed = on_db!(self, c => sqlx::query(
                "insert into idempotency_keys (tenant_id, caller, key, request_hash, created_at, expires_at)
                 values ($1, $2, $3, $4, $5, $6)")
            .bind(tenant)
            .bind(&key.caller)
            .bind(key.key.as_str())
            .bind(key.request_hash.as_str())
            .bind(at)
            .bind(expiry(at))
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected()));
        match claimed.map_err(StorageError::from) {
            Ok(_) => Ok(true),
            Err(StorageError::Conflict(_)) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// Stores the create's response with its claim (same transaction).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn complete_key(
        &mut self,
        tenant: &TenantId,
        key: &IdempotencyKey,
        response: &ResponseToStore,
        about: Option<&EmployeeId>,
    ) -> StorageResult<()> {
        on_db!(self, c => sqlx::query(
                "update idempotency_keys
                 set status = $4, location = $5, etag = $6, body = $7, subject_id = $8
                 where tenant_id = $1 and caller = $2 and key = $3")
            .bind(tenant)
            .bind(&key.caller)
            .bind(key.key.as_str())
            .bind(i32::from(response.status))
            .bind(response.location.as_deref())
            .bind(response.etag.as_deref())
            .bind(response.body.as_str())
            .bind(about)
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Deletes remembered create responses whose 24 hours are over.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn purge_expired_keys(
        &mut self,
        tenant: &TenantId,
        at: DateTime<Utc>,
    ) -> StorageResult<u64> {
        Ok(
            on_db!(self, c => sqlx::query("delete from idempotency_keys where tenant_id = $1 and expires_at <= $2")
            .bind(tenant)
            .bind(at)
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected()))?,
        )
    }
}
