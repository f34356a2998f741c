//! The request context: request id, tracing span, security headers, metrics, and the guarantee
//! that every error leaves as `application/problem+json`.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse, ResponseError};
use tracing::Instrument;
use uuid::Uuid;

use super::error::{Problem, PROBLEM_JSON};
use super::input::check_target;
use crate::storage::tallied;
use crate::telemetry::with_request_id;

use super::AppState;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

const DOCS_CSP: &str =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                        script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

/// A client-supplied request id is kept when it is short and plain; otherwise a new one is made.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| {
            !id.is_empty()
                && id.len() <= 128
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| Uuid::now_v7().to_string())
}

pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let id = request_id(&req);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = req.method().to_string();
    let is_docs = req.path().starts_with("/docs");
    // The route template, never the path or the query string: both may name people. It is
    // known once routing has run (`request served` carries it).
    let span = tracing::info_span!("request", request_id = %id, %method);

    let (result, tally) = match check_target(req.path(), req.query_string()) {
        Some(refusal) => {
            tallied(with_request_id(id.clone(), async move {
                Ok(req.error_response(refusal).map_into_boxed_body())
            }))
            .instrument(span.clone())
            .await
        }
        None => {
            let (result, tally) = tallied(with_request_id(id.clone(), next.call(req)))
                .instrument(span.clone())
                .await;
            (result.map(ServiceResponse::map_into_boxed_body), tally)
        }
    };
    let response = match result {
        Ok(response) => response,
        // Only inner middleware fails this way (handlers turn errors into responses); the
        // request is gone, so the error leaves as a problem document built from its status.
        Err(error) => {
            let status = error.as_response_error().status_code();
            span.in_scope(|| {
                tracing::info!(status = status.as_u16(), "request refused by middleware")
            });
            return Err(ForeignError {
                status,
                problem: generic_problem(status, &id),
                id,
            }
            .into());
        }
    };
    let mut response = ensure_problem_body(response, &id);
    let allowance = response
        .request()
        .extensions()
        .get::<super::limits::Allowance>()
        .copied();

    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert(REQUEST_ID, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The page-only headers go on the docs page, the one HTML this service serves; a JSON
    // answer (nosniff, never rendered as a page) does not need them (docs/performance.md).
    if is_docs {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DOCS_CSP),
        );
    }
    if let Some(allowance) = allowance {
        allowance.write_headers(headers);
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }

    let status = response.status().as_u16();
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let elapsed = started.elapsed();
    if let Some(state) = state {
        state
            .metrics
            .observe_request(&method, &route, status, elapsed.as_secs_f64());
        state
            .metrics
            .observe_database(&method, &route, tally.statements(), tally.checkouts());
    }
    span.in_scope(|| {
        tracing::info!(
            status,
            route = %route,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            statements = tally.statements(),
            checkouts = tally.checkouts(),
            "request served"
        );
    });
    Ok(response)
}

/// Replaces any error body that is not a problem document (actix's own text/plain errors, for
/// instance) with one, keeping the status and headers such as `Allow`.
fn ensure_problem_body(response: ServiceResponse<BoxBody>, id: &str) -> ServiceResponse<BoxBody> {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let problem = generic_problem(status, id);
    response.map_into_boxed_body().map_body(|head, _old| {
        head.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        head.headers_mut().remove(header::CONTENT_LENGTH);
        BoxBody::new(serde_json::to_string(&problem).unwrap_or_default())
    })
}

fn generic_problem(status: StatusCode, id: &str) -> Problem {
    let title = status.canonical_reason().unwrap_or("Error");
    Problem {
        r#type: format!("urn:debrief:problem:http-{}", status.as_u16()),
        title: title.to_owned(),
        status: status.as_u16(),
        detail: format!("{title}."),
        request_id: Some(id.to_owned()),
        errors: Vec::new(),
        findings: Vec::new(),
    }
}

/// An error raised by middleware, answered as a problem document.
#[derive(Debug)]
struct ForeignError {
    status: StatusCode,
    problem: Problem,
    id: String,
}

impl std::fmt::Display for ForeignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.status)
    }
}

impl ResponseError for ForeignError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status)
            .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
            .insert_header((REQUEST_ID, self.id.clone()))
            .body(serde_json::to_string(&self.problem).unwrap_or_default())
    }
}
