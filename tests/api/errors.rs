//! Every failure is an RFC 9457 problem document with the request id.

use reqwest::Method;
use serde_json::json;

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, spawn_app, Caller};

backend_tests!(
    an_unknown_route_is_a_problem_404,
    a_wrong_method_is_405_with_allow,
    the_request_id_is_echoed_or_generated,
    malformed_json_is_a_problem_400_and_changes_nothing,
    unknown_json_fields_are_refused,
    a_body_over_the_limit_is_413,
    a_body_that_is_not_json_is_415,
    responses_carry_security_headers,
);

async fn an_unknown_route_is_a_problem_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .get(app.url("/v1/nothing-here"))
        .send()
        .await
        .expect("request");
    let body = assert_problem(response, 404).await;
    assert_eq!(body["type"], "urn:debrief:problem:not-found");
}

async fn a_wrong_method_is_405_with_allow(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let response = app
        .as_(
            &hr,
            Method::DELETE,
            "/v1/catalogs/competencies/communication",
        )
        .send()
        .await
        .expect("request");
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("GET, PATCH")
    );
    assert_problem(response, 405).await;
    let response = app
        .client
        .put(app.url("/health/live"))
        .send()
        .await
        .expect("request");
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("GET")
    );
    assert_problem(response, 405).await;
}

async fn the_request_id_is_echoed_or_generated(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .get(app.url("/v1/catalogs/competencies"))
        .header("x-request-id", "portal-1234")
        .send()
        .await
        .expect("request");
    let body = assert_problem(response, 401).await;
    assert_eq!(body["request_id"], "portal-1234");

    let generated = app
        .client
        .get(app.url("/health/live"))
        .send()
        .await
        .expect("request");
    let id = generated.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(
        uuid::Uuid::parse_str(&id)
            .expect("a uuid")
            .get_version_num(),
        7
    );

    // An id that could smuggle anything into logs is replaced.
    let hostile = app
        .client
        .get(app.url("/health/live"))
        .header("x-request-id", "a b\"c")
        .send()
        .await
        .expect("request");
    assert_ne!(hostile.headers()["x-request-id"], "a b\"c");
}

async fn malformed_json_is_a_problem_400_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let before = app
        .get_as(&hr, "/v1/catalogs/competencies?limit=200")
        .await
        .json::<serde_json::Value>()
        .await
        .expect("json");
    let response = app
        .as_(&hr, Method::POST, "/v1/catalogs/competencies")
        .header("content-type", "application/json")
        .body("{\"key\": \"half")
        .send()
        .await
        .expect("request");
    assert_problem(response, 400).await;
    let after = app
        .get_as(&hr, "/v1/catalogs/competencies?limit=200")
        .await
        .json::<serde_json::Value>()
        .await
        .expect("json");
    assert_eq!(before, after);
}

async fn unknown_json_fields_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let response = app
        .post_as(
            &hr,
            "/v1/catalogs/competencies",
            &json!({"key": "data_literacy", "name": "Data literacy", "colour": "blue"}),
        )
        .await;
    let body = assert_problem(response, 400).await;
    assert!(
        body["detail"].as_str().expect("detail").contains("colour"),
        "{body}"
    );
    let missing = app
        .get_as(&hr, "/v1/catalogs/competencies/data_literacy")
        .await;
    assert_eq!(missing.status(), 404);
}

async fn a_body_over_the_limit_is_413(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let huge = "x".repeat(70 * 1024);
    let response = app
        .post_as(
            &hr,
            "/v1/catalogs/competencies",
            &json!({"key": "big_one", "name": "Big", "description": huge}),
        )
        .await;
    assert_problem(response, 413).await;
}

async fn a_body_that_is_not_json_is_415(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let response = app
        .as_(&hr, Method::POST, "/v1/catalogs/competencies")
        .header("content-type", "text/plain")
        .body("key=x")
        .send()
        .await
        .expect("request");
    assert_problem(response, 415).await;
}

async fn responses_carry_security_headers(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .get_as(&Caller::employee("E1"), "/v1/catalogs/competencies")
        .await;
    assert_eq!(response.status(), 200);
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(headers.get("access-control-allow-origin").is_none());
    // Page-only headers are for the page: a JSON answer goes without them.
    for page_only in [
        "content-security-policy",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(headers.get(page_only).is_none(), "{page_only}");
    }
    let page = app
        .request(reqwest::Method::GET, "/docs/")
        .send()
        .await
        .expect("docs");
    assert_eq!(page.status(), 200);
    let headers = page.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let csp = headers["content-security-policy"].to_str().expect("csp");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
}
