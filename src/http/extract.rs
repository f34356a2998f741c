//! Extractors: the authenticated caller, the request body, `If-Match`, `Idempotency-Key`, and
//! the settings that turn every extractor failure into a problem document.

use std::future::Future;
use std::pin::Pin;

use actix_web::error::{PathError, QueryPayloadError};
use actix_web::http::header::{self, HeaderName};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::{ready, Ready};

use crate::domain::{Precondition, Principal};

use super::error::ApiError;
use super::limits::Class;
use super::AppState;

/// Body, path and query settings: every extractor failure becomes a problem document.
pub fn extractor_configs(
    body_limit: usize,
    body_timeout: std::time::Duration,
) -> (BodyConfig, web::PathConfig, web::QueryConfig) {
    let body = BodyConfig {
        limit: body_limit,
        timeout: body_timeout,
    };
    // A path segment that does not parse names nothing that exists; but a route written
    // with that very segment (`/v1/feedback/checks` beside `PUT /v1/feedback/{id}`) exists,
    // with other methods: 405.
    let path = web::PathConfig::default().error_handler(|_: PathError, req| {
        let allow = req
            .app_data::<web::Data<AppState>>()
            .and_then(|state| state.routes.literal_methods(req.path()));
        match allow {
            Some(allow) => ApiError::MethodNotAllowed { allow }.into(),
            None => ApiError::NotFound.into(),
        }
    });
    let query = web::QueryConfig::default().error_handler(|error: QueryPayloadError, _req| {
        let detail = match error {
            QueryPayloadError::Deserialize(e) => format!("Invalid query string: {e}"),
            _ => "Invalid query string.".into(),
        };
        ApiError::BadRequest(detail).into()
    });
    (body, path, query)
}

/// The caller: the bearer token verified, and their tenant provisioned on first contact.
impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let mut credentials = req.headers().get_all(header::AUTHORIZATION);
        let first = credentials.next();
        // Two `Authorization` headers are ambiguous: a proxy may pass on one, Debrief read
        // the other. Refused, as no credentials would be.
        let ambiguous = credentials.next().is_some();
        let token = first
            .filter(|_| !ambiguous)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                let (scheme, token) = value.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| token.trim().to_owned())
            });
        let address = req.peer_addr().map(|address| address.ip());
        let class = if req.method().is_safe() {
            Class::Read
        } else {
            Class::Write
        };
        let request = req.clone();
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let result = match token {
                Some(token) => state.auth.authenticate(&token).await,
                None if ambiguous => Err(crate::auth::AuthError::Invalid(
                    "more than one Authorization header".into(),
                )),
                None => Err(crate::auth::AuthError::Missing),
            };
            let principal = match result {
                Ok(principal) => principal,
                Err(reason) => {
                    tracing::debug!(%reason, "authentication failed");
                    // Failures count per client address: guessing tokens is slowed down,
                    // callers with valid tokens are not affected.
                    if let Some(address) = address {
                        state
                            .limits
                            .auth_failure(address)
                            .map_err(ApiError::TooManyRequests)?;
                    }
                    return Err(ApiError::Unauthorized);
                }
            };
            if let Some(spent) = state.limits.principal(&principal, class) {
                let allowance = spent.map_err(ApiError::TooManyRequests)?;
                request.extensions_mut().insert(allowance);
            }
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

fn whole_u32_of<E: serde::de::Error>(number: f64) -> Result<u32, E> {
    if number.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&number) {
        Ok(number as u32)
    } else {
        Err(E::custom("expected a whole number from 0 to 4294967295"))
    }
}

/// For required non-negative integer body fields (`5` or `5.0`).
pub fn whole_u32<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    whole_u32_of(<f64 as serde::Deserialize>::deserialize(deserializer)?)
}

/// For lists of non-negative integers (`[3, 0.0]`).
pub fn whole_u32_list<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<u32>, D::Error> {
    <Vec<f64> as serde::Deserialize>::deserialize(deserializer)?
        .into_iter()
        .map(whole_u32_of)
        .collect()
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

/// How request bodies are read: at most `limit` bytes, within `timeout` (a client that sends
/// its body slowly holds a worker's connection; headers have their own timeout).
#[derive(Debug, Clone, Copy)]
pub struct BodyConfig {
    pub limit: usize,
    pub timeout: std::time::Duration,
}

/// A JSON request body that must be a JSON object, read strictly: the content type is
/// `application/json` (parameters such as `charset` aside; no `+json` type is documented), a
/// key may appear once per object at any depth (a generic parser keeps the last of two, a
/// gateway may have checked the first), and the body arrives within `BodyConfig::timeout`.
/// (serde would also read a struct from an array of its fields, `[false]`, which the schema
/// does not allow.)
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
        let read = json_body::<T>(req, payload, 1);
        Box::pin(async move { read.await.map(Body) })
    }
}

/// How many times `DEBRIEF_BODY_LIMIT_BYTES` a bulk request (`BulkBody`) may carry.
pub const BULK_FACTOR: usize = 16;

/// A `Body` of a bulk operation (many items in one request): read the same way, with a limit
/// `BULK_FACTOR` times the configured one.
#[derive(Debug)]
pub struct BulkBody<T>(pub T);

impl<T> std::ops::Deref for BulkBody<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for BulkBody<T> {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let read = json_body::<T>(req, payload, BULK_FACTOR);
        Box::pin(async move { read.await.map(BulkBody) })
    }
}

/// Reads a strict JSON object body of at most `factor` times the configured limit.
fn json_body<T: serde::de::DeserializeOwned + 'static>(
    req: &HttpRequest,
    payload: &mut actix_web::dev::Payload,
    factor: usize,
) -> futures_util::future::LocalBoxFuture<'static, Result<T, actix_web::Error>> {
    let config = req.app_data::<BodyConfig>().copied().unwrap_or(BodyConfig {
        limit: 64 * 1024,
        timeout: std::time::Duration::from_secs(10),
    });
    let limit = config.limit.saturating_mul(factor);
    let is_json = req
        .mime_type()
        .ok()
        .flatten()
        .is_some_and(|mime| mime.essence_str() == "application/json");
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    let payload = payload.take();
    Box::pin(async move {
        if !is_json {
            return Err(ApiError::UnsupportedMediaType.into());
        }
        if declared.is_some_and(|length| length > limit) {
            return Err(ApiError::PayloadTooLarge { limit }.into());
        }
        let bytes = tokio::time::timeout(config.timeout, read(payload, limit))
            .await
            .map_err(|_| ApiError::RequestTimeout)??;
        parse(&bytes).map_err(Into::into)
    })
}

/// The whole body, refused past `limit` bytes.
async fn read(mut payload: actix_web::dev::Payload, limit: usize) -> Result<Vec<u8>, ApiError> {
    use futures_util::StreamExt;
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|_| ApiError::BadRequest("The body could not be read.".into()))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let invalid = |e: serde_json::Error| {
        ApiError::BadRequest(format!("The body is not valid for this operation: {e}"))
    };
    let Strict(value) = serde_json::from_slice(bytes).map_err(invalid)?;
    if !value.is_object() {
        return Err(ApiError::BadRequest(
            "The body must be a JSON object.".into(),
        ));
    }
    serde_json::from_value(value).map_err(invalid)
}

/// A JSON value whose objects have no duplicate keys.
struct Strict(serde_json::Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(items.into())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(object.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        let refused = |body: &str| parse::<serde_json::Value>(body.as_bytes()).is_err();
        assert!(refused(r#"{"title":"first","title":"second"}"#));
        assert!(refused(r#"{"a":{"b":1,"b":2}}"#));
        assert!(refused(r#"{"a":[{"b":1},{"c":1,"c":1}]}"#));
        assert!(!refused(
            r#"{"a":{"b":1},"b":{"a":1},"c":[1,1.5,"x",null,true]}"#
        ));
        assert!(refused("[1]"), "not an object");
        assert!(refused("{"), "not JSON");
    }
}

/// The caller's `Accept-Language` (RFC 9110 §12.5.4), for candidate-facing reads. A header
/// with control characters is refused (400), as every parameter is (the schema says so); one
/// that is not ASCII text is treated as absent, and ranges that do not parse are skipped by
/// the negotiation: a client's typo does not cost the candidate their feedback.
#[derive(Debug, Clone, Default)]
pub struct AcceptLanguage(Option<String>);

impl AcceptLanguage {
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl FromRequest for AcceptLanguage {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let Some(value) = req.headers().get(header::ACCEPT_LANGUAGE) else {
            return ready(Ok(Self(None)));
        };
        if value.as_bytes().iter().any(|b| *b < 0x20 || *b == 0x7f) {
            return ready(Err(ApiError::BadRequest(
                "Accept-Language must not contain control characters.".into(),
            )));
        }
        ready(Ok(Self(value.to_str().ok().map(str::to_owned))))
    }
}

impl utoipa::IntoParams for AcceptLanguage {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{ObjectBuilder, Required, Type};
        vec![ParameterBuilder::new()
            .name("Accept-Language")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "The languages the reader prefers (`de-CH, de;q=0.9, en;q=0.5`): the labels \
                 come in the best one the tenant offers, else in its default language",
            ))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build()]
    }
}
