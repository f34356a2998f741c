//! Extractors: the authenticated caller, the request body, `If-Match`, `Idempotency-Key`, and
//! the settings that turn every extractor failure into a problem document.

use std::future::Future;
use std::pin::Pin;

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header::{self, HeaderName};
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::{ready, Ready};

use crate::domain::{Precondition, Principal};

use super::error::ApiError;
use super::AppState;

/// JSON, path and query settings: every extractor failure becomes a problem document.
pub fn extractor_configs(
    body_limit: usize,
) -> (web::JsonConfig, web::PathConfig, web::QueryConfig) {
    let json = web::JsonConfig::default()
        .limit(body_limit)
        .content_type_required(true)
        .error_handler(move |error, _req| {
            match error {
                JsonPayloadError::OverflowKnownLength { .. }
                | JsonPayloadError::Overflow { .. } => {
                    ApiError::PayloadTooLarge { limit: body_limit }
                }
                JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
                JsonPayloadError::Deserialize(e) => {
                    ApiError::BadRequest(format!("The body is not valid for this operation: {e}"))
                }
                _ => ApiError::BadRequest("The body could not be read as JSON.".into()),
            }
            .into()
        });
    // A path segment that does not parse names nothing that exists.
    let path =
        web::PathConfig::default().error_handler(|_: PathError, _req| ApiError::NotFound.into());
    let query = web::QueryConfig::default().error_handler(|error: QueryPayloadError, _req| {
        let detail = match error {
            QueryPayloadError::Deserialize(e) => format!("Invalid query string: {e}"),
            _ => "Invalid query string.".into(),
        };
        ApiError::BadRequest(detail).into()
    });
    (json, path, query)
}

/// The caller: the bearer token verified, and their tenant provisioned on first contact.
impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                let (scheme, token) = value.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| token.trim().to_owned())
            });
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let result = match token {
                Some(token) => state.auth.authenticate(&token).await,
                None => Err(crate::auth::AuthError::Missing),
            };
            let principal = result.map_err(|reason| {
                tracing::debug!(%reason, "authentication failed");
                ApiError::Unauthorized
            })?;
            state.app.provision(principal.tenant()).await?;
            Ok(principal)
        })
    }
}

/// The `If-Match` header of a write with optimistic concurrency. Extraction never fails, so
/// that the use case decides the order of checks (authorization and visibility first).
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Precondition);

impl IfMatch {
    /// The strong ETag of a record at `version`.
    pub fn etag(version: i64) -> String {
        format!("\"{version}\"")
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let Some(value) = req.headers().get(header::IF_MATCH) else {
            return ready(Ok(Self(Precondition::Missing)));
        };
        // `*` and weak tags are refused: they cannot guard against lost updates.
        let version = value
            .to_str()
            .ok()
            .and_then(|v| v.trim().strip_prefix('"'))
            .and_then(|v| v.strip_suffix('"'))
            // Up to 18 digits always fit an i64; the schema documents the same bound.
            .filter(|v| (1..=18).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|v| v.parse::<i64>().ok());
        ready(Ok(Self(
            version.map_or(Precondition::Malformed, Precondition::Version),
        )))
    }
}

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// The request's `Idempotency-Key`, if any (1–255 visible ASCII characters).
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

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

/// A whole number (`5` or `5.0`: JSON Schema's `integer` allows both) that fits an `i32`.
fn whole(number: f64) -> Option<i32> {
    (number.fract() == 0.0 && number.abs() <= f64::from(i32::MAX)).then_some(number as i32)
}

fn not_whole<E: serde::de::Error>() -> E {
    E::custom("expected a whole number")
}

/// For optional integer body fields: absent means `None`; `null` and fractions are refused.
pub fn whole_number<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i32>, D::Error> {
    whole(<f64 as serde::Deserialize>::deserialize(deserializer)?)
        .map(Some)
        .ok_or_else(not_whole)
}

/// For integer body fields where `null` is a value (absent or `null` is `None`).
pub fn nullable_whole_number<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i32>, D::Error> {
    match <Option<f64> as serde::Deserialize>::deserialize(deserializer)? {
        None => Ok(None),
        Some(number) => whole(number).map(Some).ok_or_else(not_whole),
    }
}

/// A JSON request body that must be a JSON object. (serde would also read a struct from an
/// array of its fields, `[false]`, which the schema does not allow.) Size, content type and
/// syntax are checked by `JsonConfig` first.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T> Body<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Body<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let json = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            if !value.is_object() {
                return Err(ApiError::BadRequest("The body must be a JSON object.".into()).into());
            }
            serde_json::from_value(value).map(Body).map_err(|e| {
                ApiError::BadRequest(format!("The body is not valid for this operation: {e}"))
                    .into()
            })
        })
    }
}
