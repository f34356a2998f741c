//! Rendering: a record with its `ETag` (and `Location` when created), the remembered response
//! of an idempotent create, and the fingerprint that tells a retry from another request.

use actix_web::http::header::{self, HeaderName};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use aws_lc_rs::digest::{digest, SHA256};
use serde::Serialize;

use crate::app::{Created, Once};
use crate::domain::language::LanguageTag;
use crate::storage::{ResponseToStore, StoredResponse};

use super::extract::{IdempotencyKey, IfMatch};

pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// A versioned record as a response: the body, its `ETag`, and `Location` for a create.
pub fn document(
    status: StatusCode,
    body: &impl Serialize,
    version: i64,
    location: Option<String>,
) -> ResponseToStore {
    ResponseToStore {
        status: status.as_u16(),
        location: location.filter(|_| status == StatusCode::CREATED),
        etag: Some(IfMatch::etag(version)),
        body: serde_json::to_string(body).unwrap_or_default(),
    }
}

/// A candidate-facing read in its negotiated language: `Content-Language` says which, and
/// `Vary: Accept-Language` tells caches the answer depends on it.
pub fn localized(language: &LanguageTag, body: &impl Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CONTENT_LANGUAGE, language.as_str()))
        .insert_header((header::VARY, "Accept-Language"))
        .body(serde_json::to_string(body).unwrap_or_default())
}

/// A response as rendered (or remembered).
pub fn stored(response: &ResponseToStore, replayed: bool) -> HttpResponse {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK);
    let mut builder = HttpResponse::build(status);
    builder.content_type("application/json");
    if let Some(location) = &response.location {
        builder.insert_header((header::LOCATION, location.as_str()));
    }
    if let Some(etag) = &response.etag {
        builder.insert_header((header::ETAG, etag.as_str()));
    }
    if replayed {
        builder.insert_header((REPLAYED, "true"));
    }
    builder.body(response.body.clone())
}

/// The response of a create: the new record rendered, or the first response replayed.
pub fn created<T>(created: Created<T>, render: impl Fn(&T) -> ResponseToStore) -> HttpResponse {
    match created {
        Created::New(record) => stored(&render(&record), false),
        Created::Replayed(first) => stored(&replayed(first), true),
    }
}

fn replayed(first: StoredResponse) -> ResponseToStore {
    ResponseToStore {
        status: u16::try_from(first.status).unwrap_or(200),
        location: first.location,
        etag: first.etag,
        body: first.body,
    }
}

/// The idempotency of a create: with a key, a fingerprint of the operation and its parsed
/// body, and the renderer whose output is remembered.
pub fn once<'r, T>(
    key: IdempotencyKey,
    operation: &str,
    body: &impl Serialize,
    render: &'r (dyn Fn(&T) -> ResponseToStore + Sync),
) -> Option<Once<'r, T>> {
    key.0.map(|key| Once {
        key,
        fingerprint: request_hash(operation, body),
        render,
    })
}

/// A fingerprint of what a create asks for: the operation and its parsed body.
fn request_hash(operation: &str, body: &impl Serialize) -> String {
    // serde_json maps are sorted, so equal bodies hash equally whatever their key order.
    let canonical = serde_json::to_string(body).unwrap_or_default();
    let hash = digest(&SHA256, format!("{operation}\n{canonical}").as_bytes());
    hash.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}
