//! `Idempotency-Key` on creates: a retry with the same key and request gets the first response
//! again; the same key with another request is refused. Keys are scoped to the caller (tenant
//! and `sub`) and remembered for 24 hours. The key is claimed, the record written and the
//! response stored in one transaction, so concurrent retries produce one row and one answer.

use crate::domain::Principal;
use crate::storage::{
    AboutCandidate, Connection, Db, IdempotencyKey, ResponseToStore, StoredResponse,
};

use super::{AppError, AppResult};

/// A create the caller may retry: their key, a fingerprint of what they asked for, and how
/// the response is rendered (remembered with the record).
pub struct Once<'r, T> {
    pub key: String,
    pub fingerprint: String,
    pub render: &'r (dyn Fn(&T) -> ResponseToStore + Sync),
}

/// The outcome of a create.
#[derive(Debug)]
pub enum Created<T> {
    New(T),
    /// A retry: the first response, as it was given.
    Replayed(StoredResponse),
}

/// Runs `create` in a transaction, at most once per key: replays a remembered response,
/// refuses a reused key with another request, and otherwise creates, remembering the
/// response in the same transaction.
pub(super) async fn create_once<T: AboutCandidate>(
    connection: &mut Connection,
    principal: &Principal,
    once: Option<Once<'_, T>>,
    create: impl AsyncFnOnce(&mut Db<'_>) -> AppResult<T>,
) -> AppResult<Created<T>> {
    let tenant = principal.tenant();
    let Some(once) = once else {
        let mut tx = connection.begin().await?;
        let created = create(&mut tx.db()).await?;
        tx.commit().await?;
        return Ok(Created::New(created));
    };
    let key = IdempotencyKey {
        caller: principal.sub().clone(),
        key: once.key,
        request_hash: once.fingerprint,
    };
    if let Some(replayed) = replay(&mut connection.db(), principal, &key).await? {
        return Ok(Created::Replayed(replayed));
    }
    let mut tx = connection.begin().await?;
    if !tx.db().claim_key(tenant, &key).await? {
        // A concurrent request with the same key won; answer as it did.
        tx.rollback().await?;
        return replay(&mut connection.db(), principal, &key)
            .await?
            .map(Created::Replayed)
            .ok_or_else(|| {
                AppError::Conflict("A request with this Idempotency-Key is being processed.".into())
            });
    }
    let created = create(&mut tx.db()).await?;
    let response = (once.render)(&created);
    tx.db()
        .complete_key(tenant, &key, &response, created.candidate())
        .await?;
    tx.commit().await?;
    Ok(Created::New(created))
}

async fn replay(
    db: &mut Db<'_>,
    principal: &Principal,
    key: &IdempotencyKey,
) -> AppResult<Option<StoredResponse>> {
    let Some(stored) = db
        .remembered_response(principal.tenant(), &key.caller, &key.key)
        .await?
    else {
        return Ok(None);
    };
    if stored.request_hash != key.request_hash {
        return Err(AppError::field(
            "Idempotency-Key",
            "was already used with a different request",
        ));
    }
    Ok(Some(stored))
}
