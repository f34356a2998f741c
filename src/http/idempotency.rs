//! `Idempotency-Key` on creates: a retry with the same key and body gets the first response
//! again (with `Idempotent-Replayed: true`); the same key with another body is refused (422).
//! Keys are scoped to the caller (tenant and `sub`) and remembered for 24 hours.

use std::future::Future;

use actix_web::http::header::{self, HeaderName};
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use aws_lc_rs::digest::{digest, SHA256};
use futures_util::future::{ready, Ready};
use serde::Serialize;

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::storage::{
    IdempotencyClaim, Render, ResponseToStore, StorageError, StorageResult, StoredResponse,
};

use super::AppState;

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The request's `Idempotency-Key`, if any (1–255 visible ASCII characters).
#[derive(Debug, Clone)]
pub struct IdempotencyKey(Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let Some(value) = req.headers().get(IDEMPOTENCY_KEY) else {
            return ready(Ok(Self(None)));
        };
        let key = value.to_str().ok().filter(|key| {
            (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
        });
        ready(match key {
            Some(key) => Ok(Self(Some(key.to_owned()))),
            None => Err(ApiError::BadRequest(
                "Idempotency-Key must be 1-255 visible ASCII characters.".into(),
            )),
        })
    }
}

/// A fingerprint of what a create asks for: the operation and its parsed body.
pub fn request_hash(operation: &str, body: &impl Serialize) -> String {
    // serde_json maps are sorted, so equal bodies hash equally whatever their key order.
    let canonical = serde_json::to_string(body).unwrap_or_default();
    let hash = digest(&SHA256, format!("{operation}\n{canonical}").as_bytes());
    hash.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// The HTTP response of a create, as remembered.
pub fn response(stored: &ResponseToStore, replayed: bool) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    response.content_type("application/json");
    if let Some(location) = &stored.location {
        response.insert_header((header::LOCATION, location.as_str()));
    }
    if let Some(etag) = &stored.etag {
        response.insert_header((header::ETAG, etag.as_str()));
    }
    if replayed {
        response.insert_header((REPLAYED, "true"));
    }
    response.body(stored.body.clone())
}

/// Runs `create` at most once per key: replays a remembered response, refuses a reused key with
/// another body, and otherwise creates, remembering the response in the same transaction.
pub async fn create_once<T, F, Fut>(
    state: &AppState,
    principal: &Principal,
    key: IdempotencyKey,
    request_hash: String,
    render: Render<T>,
    create: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(Option<IdempotencyClaim<T>>) -> Fut,
    Fut: Future<Output = StorageResult<T>>,
{
    let Some(key) = key.0 else {
        let created = create(None).await?;
        return Ok(response(&render(&created), false));
    };
    if let Some(replayed) = replay(state, principal, &key, &request_hash).await? {
        return Ok(replayed);
    }
    let claim = IdempotencyClaim {
        caller: principal.sub().as_str().to_owned(),
        key: key.clone(),
        request_hash: request_hash.clone(),
        render: render.clone(),
    };
    match create(Some(claim)).await {
        Ok(created) => Ok(response(&render(&created), false)),
        // A concurrent request with the same key won; answer as it did.
        Err(StorageError::IdempotencyKeyInUse) => replay(state, principal, &key, &request_hash)
            .await?
            .ok_or(ApiError::from(StorageError::IdempotencyKeyInUse)),
        Err(error) => Err(error.into()),
    }
}

async fn replay(
    state: &AppState,
    principal: &Principal,
    key: &str,
    request_hash: &str,
) -> ApiResult<Option<HttpResponse>> {
    let Some(stored) = state
        .store
        .idempotency_record(principal.tenant(), principal.sub().as_str(), key)
        .await?
    else {
        return Ok(None);
    };
    if stored.request_hash != request_hash {
        return Err(ApiError::validation(
            "Idempotency-Key",
            "was already used with a different request",
        ));
    }
    Ok(Some(replayed_response(&stored)))
}

fn replayed_response(stored: &StoredResponse) -> HttpResponse {
    response(
        &ResponseToStore {
            status: stored
                .status
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(200),
            location: stored.location.clone(),
            etag: stored.etag.clone(),
            body: stored.body.clone().unwrap_or_default(),
        },
        true,
    )
}
