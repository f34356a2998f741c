//! One API error type, rendered as RFC 9457 `application/problem+json`.
//!
//! Handlers return `Result<_, ApiError>` and use `?` all the way down. Server-side failures are
//! logged with their cause and answered generically: no internal detail ever reaches a client.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppError;
use crate::domain::feedback::quality::Finding;
use crate::domain::FieldError;
use crate::telemetry::current_request_id;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI that identifies the problem type; stable, suitable for matching in code.
    #[schema(example = "urn:debrief:problem:validation-failed")]
    pub r#type: String,
    /// A short, human-readable summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// The request id (also in the `X-Request-Id` response header); quote it when reporting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field problems, on validation failures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The quality-check findings that refused a submit (`quality-check-failed`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body, a path segment or a query parameter could not be parsed.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The input parsed, but some fields are invalid.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The quality checks refuse the submit: `error` findings, listed.
    #[error("quality checks failed")]
    Quality(Vec<Finding>),
    /// No credentials, or credentials that do not verify.
    #[error("unauthorized")]
    Unauthorized,
    /// The caller may see the object but lacks the capability for this operation.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The object does not exist, or the caller may not know that it does.
    #[error("not found")]
    NotFound,
    /// The request conflicts with the current state (duplicate key, illegal transition).
    #[error("conflict: {0}")]
    Conflict(String),
    /// `If-Match` names a version that is no longer current.
    #[error("precondition failed")]
    PreconditionFailed,
    /// The operation changes a versioned record and needs `If-Match`.
    #[error("precondition required")]
    PreconditionRequired,
    /// The body is larger than the configured limit.
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    /// Over a rate limit.
    #[error("too many requests")]
    TooManyRequests(crate::http::limits::Exceeded),
    /// The body did not arrive in time.
    #[error("request timeout")]
    RequestTimeout,
    /// The body is not `application/json`.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// No route has this path.
    #[error("no such route")]
    RouteNotFound,
    /// The path exists, but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    /// A dependency (the database) is unavailable; the request may be retried.
    #[error("service unavailable")]
    Unavailable,
    /// Anything else: logged with its cause, answered generically.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad-request",
            Self::Validation(_) => "validation-failed",
            Self::Quality(_) => "quality-check-failed",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound | Self::RouteNotFound => "not-found",
            Self::Conflict(_) => "conflict",
            Self::PreconditionFailed => "precondition-failed",
            Self::PreconditionRequired => "precondition-required",
            Self::PayloadTooLarge { .. } => "payload-too-large",
            Self::RequestTimeout => "request-timeout",
            Self::TooManyRequests(_) => "too-many-requests",
            Self::UnsupportedMediaType => "unsupported-media-type",
            Self::MethodNotAllowed { .. } => "method-not-allowed",
            Self::Unavailable => "service-unavailable",
            Self::Internal(_) => "internal-error",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::BadRequest(detail) | Self::Conflict(detail) => detail.clone(),
            Self::Validation(_) => "One or more fields are invalid; see `errors`.".into(),
            Self::Quality(findings) => format!(
                "The quality checks found {} error(s) to fix before submitting; see `findings`.",
                findings.len()
            ),
            Self::Unauthorized => "A valid bearer token is required.".into(),
            Self::Forbidden(detail) => (*detail).into(),
            Self::NotFound => "The resource does not exist.".into(),
            Self::RouteNotFound => "No route matches this path.".into(),
            Self::PreconditionFailed => {
                "The resource has changed since that version; fetch it again and retry.".into()
            }
            Self::PreconditionRequired => {
                "This change needs an `If-Match` header with the resource's current ETag.".into()
            }
            Self::PayloadTooLarge { limit } => {
                format!("The request body exceeds the limit of {limit} bytes.")
            }
            Self::RequestTimeout => "The request body did not arrive in time.".into(),
            Self::TooManyRequests(exceeded) => format!(
                "Over the limit of {} requests per minute; retry after {} s.",
                exceeded.limit, exceeded.retry_after_secs
            ),
            Self::UnsupportedMediaType => "The request body must be `application/json`.".into(),
            Self::MethodNotAllowed { allow } => {
                format!("This path does not support that method; allowed: {allow}.")
            }
            Self::Unavailable => "A dependency is unavailable; retry shortly.".into(),
            Self::Internal(_) => "An unexpected error occurred.".into(),
        }
    }

    /// The problem document for this error, with the current request's id.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        Problem {
            r#type: format!("urn:debrief:problem:{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.detail(),
            request_id: current_request_id(),
            errors: match self {
                Self::Validation(errors) => errors.clone(),
                Self::Quality(findings) => findings
                    .iter()
                    .map(|f| FieldError::new(f.field(), f.message.clone()))
                    .collect(),
                _ => Vec::new(),
            },
            findings: match self {
                Self::Quality(findings) => findings.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) | Self::Quality(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound | Self::RouteNotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => tracing::error!(%cause, "request failed"),
            Self::Unavailable => tracing::warn!("request failed: dependency unavailable"),
            _ => tracing::debug!(error = %self, "request refused"),
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            Self::Unauthorized => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::MethodNotAllowed { allow } => {
                if let Ok(value) = HeaderValue::from_str(allow) {
                    response.insert_header((header::ALLOW, value));
                }
            }
            // The database is restarting or unreachable: worth one more try, shortly.
            Self::Unavailable => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            Self::TooManyRequests(exceeded) => {
                response.insert_header((header::RETRY_AFTER, exceeded.retry_after_secs));
                response.insert_header((super::limits::RATELIMIT_LIMIT, exceeded.limit));
                response.insert_header((super::limits::RATELIMIT_REMAINING, 0));
                response.insert_header((super::limits::RATELIMIT_RESET, exceeded.retry_after_secs));
            }
            // The client was too slow: the connection is not worth keeping.
            Self::RequestTimeout => {
                response.insert_header((header::CONNECTION, "close"));
            }
            _ => {}
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Malformed(detail) => Self::BadRequest(detail),
            AppError::Validation(errors) => Self::Validation(errors),
            AppError::Quality(findings) => Self::Quality(findings),
            AppError::Denied(_) => Self::Forbidden("Your role does not allow this operation."),
            AppError::NotFound => Self::NotFound,
            AppError::Conflict(detail) => Self::Conflict(detail),
            AppError::Stale => Self::PreconditionFailed,
            AppError::VersionRequired => Self::PreconditionRequired,
            AppError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                Self::Unavailable
            }
            AppError::Internal(cause) => Self::Internal(cause),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
