//! Bearer tokens: what is accepted, and that every refusal is the same plain 401.

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use secrecy::ExposeSecret;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, spawn_app, spawn_app_with, TestApp};

backend_tests!(
    a_request_without_a_token_is_401_with_www_authenticate,
    tokens_that_do_not_verify_are_401,
    a_token_without_a_tenant_is_refused_unless_a_default_tenant_is_configured,
    roles_are_read_from_a_configured_nested_claim,
    an_issuer_must_be_one_string_not_an_array_containing_it,
    two_authorization_headers_are_refused,
    failed_authentications_from_one_address_are_rate_limited,
);

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Signs `claims` with the application's own secret (or `secret`).
fn sign(app: &TestApp, claims: &Value, secret: Option<&str>) -> String {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let own = debrief::auth::hs256_secret(&app.settings).expect("secret");
    let secret = secret.unwrap_or(own.expose_secret());
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()).expect("hmac key"),
    )
    .expect("sign")
}

fn valid_claims() -> Value {
    json!({
        "sub": "E1", "iss": "debrief-dev", "aud": "debrief", "tid": "acme",
        "roles": ["hr"], "exp": now() + 600, "nbf": now() - 5,
    })
}

async fn status_with(app: &TestApp, authorization: &str) -> reqwest::Response {
    app.client
        .get(app.url("/v1/catalogs/competencies"))
        .header("authorization", authorization)
        .send()
        .await
        .expect("request")
}

async fn a_request_without_a_token_is_401_with_www_authenticate(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .get(app.url("/v1/catalogs/competencies"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let body = assert_problem(response, 401).await;
    assert_eq!(body["type"], "urn:debrief:problem:unauthorized");
}

async fn tokens_that_do_not_verify_are_401(backend: Backend) {
    let app = spawn_app(backend).await;
    // The valid token passes, so the refusals below are about the token, not the set-up.
    let good = sign(&app, &valid_claims(), None);
    assert_eq!(
        status_with(&app, &format!("Bearer {good}")).await.status(),
        200
    );

    let mut cases: Vec<(&str, String)> = vec![
        ("basic scheme", "Basic dXNlcjpwYXNz".into()),
        ("empty bearer", "Bearer ".into()),
        ("garbage", "Bearer not.a.jwt".into()),
        (
            "other secret",
            format!(
                "Bearer {}",
                sign(&app, &valid_claims(), Some(&"k".repeat(64)))
            ),
        ),
    ];
    let altered = |key: &str, value: Value| {
        let mut claims = valid_claims();
        claims[key] = value;
        claims
    };
    let without = |key: &str| {
        let mut claims = valid_claims();
        claims.as_object_mut().expect("object").remove(key);
        claims
    };
    for (name, claims) in [
        ("expired", altered("exp", json!(now() - 120))),
        ("not yet valid", altered("nbf", json!(now() + 600))),
        ("wrong issuer", altered("iss", json!("someone-else"))),
        ("wrong audience", altered("aud", json!("other-service"))),
        ("no exp", without("exp")),
        ("no iss", without("iss")),
        ("no aud", without("aud")),
        ("no sub", without("sub")),
        ("blank sub", altered("sub", json!(""))),
        ("invalid tenant", altered("tid", json!("no spaces allowed"))),
    ] {
        cases.push((name, format!("Bearer {}", sign(&app, &claims, None))));
    }
    // alg=none with the same claims.
    let unsigned = format!(
        "{}.{}.",
        base64_url(&json!({"alg": "none", "typ": "JWT"})),
        base64_url(&valid_claims())
    );
    cases.push(("alg none", format!("Bearer {unsigned}")));
    // A valid signature over one payload, pasted onto another.
    let parts: Vec<&str> = good.split('.').collect();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        base64_url(&altered("roles", json!(["hr", "integration"]))),
        parts[2]
    );
    cases.push(("tampered payload", format!("Bearer {tampered}")));

    for (name, authorization) in cases {
        let response = status_with(&app, &authorization).await;
        assert_eq!(response.status(), 401, "{name}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer", "{name}");
        let body = assert_problem(response, 401).await;
        assert_eq!(
            body["detail"], "A valid bearer token is required.",
            "{name}"
        );
    }
}

fn base64_url(value: &Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

async fn a_token_without_a_tenant_is_refused_unless_a_default_tenant_is_configured(
    backend: Backend,
) {
    let app = spawn_app(backend.clone()).await;
    let mut claims = valid_claims();
    claims.as_object_mut().expect("object").remove("tid");
    let token = sign(&app, &claims, None);
    assert_eq!(
        status_with(&app, &format!("Bearer {token}")).await.status(),
        401
    );

    let app = spawn_app_with(backend, |s| s.auth_default_tenant = "solo-company".into()).await;
    let token = sign(&app, &claims, None);
    let response = status_with(&app, &format!("Bearer {token}")).await;
    assert_eq!(response.status(), 200);
}

async fn roles_are_read_from_a_configured_nested_claim(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.auth_roles_claim = "realm_access.roles".into()
    })
    .await;
    let create = |token: String| {
        app.client
            .post(app.url("/v1/catalogs/competencies"))
            .bearer_auth(token)
            .json(&json!({"key": "negotiation", "name": "Negotiation"}))
            .send()
    };
    // `roles` at the top level is not where this deployment's IdP puts them.
    let top_level = sign(&app, &valid_claims(), None);
    assert_eq!(create(top_level).await.expect("request").status(), 403);
    let mut claims = valid_claims();
    claims["realm_access"] = json!({"roles": ["hr", "offline_access"]});
    let nested = sign(&app, &claims, None);
    assert_eq!(create(nested).await.expect("request").status(), 201);
}

async fn an_issuer_must_be_one_string_not_an_array_containing_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let good = sign(&app, &valid_claims(), None);
    assert_eq!(
        status_with(&app, &format!("Bearer {good}")).await.status(),
        200
    );
    let mut claims = valid_claims();
    claims["iss"] = json!(["https://evil.example", "debrief-dev"]);
    let token = sign(&app, &claims, None);
    assert_problem(status_with(&app, &format!("Bearer {token}")).await, 401).await;
    claims["iss"] = json!(["debrief-dev"]);
    let token = sign(&app, &claims, None);
    assert_problem(status_with(&app, &format!("Bearer {token}")).await, 401).await;
}

async fn two_authorization_headers_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let good = format!("Bearer {}", sign(&app, &valid_claims(), None));
    for (first, second) in [
        (good.as_str(), "Bearer garbage"),
        ("Bearer garbage", good.as_str()),
        (good.as_str(), good.as_str()),
    ] {
        let response = app
            .client
            .get(app.url("/v1/catalogs/competencies"))
            .header("authorization", first)
            .header("authorization", second)
            .send()
            .await
            .expect("request");
        assert_problem(response, 401).await;
    }
}

async fn failed_authentications_from_one_address_are_rate_limited(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.rate_limit_auth_failures_per_minute = 3).await;
    for _ in 0..3 {
        assert_problem(status_with(&app, "Bearer nonsense").await, 401).await;
    }
    let refused = status_with(&app, "Bearer nonsense").await;
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    assert_eq!(refused.headers()["ratelimit-limit"], "3");
    assert_eq!(refused.headers()["ratelimit-remaining"], "0");
    let body = assert_problem(refused, 429).await;
    assert_eq!(body["type"], "urn:debrief:problem:too-many-requests");
    // A caller with a valid token is not slowed down by someone else's guessing.
    let good = sign(&app, &valid_claims(), None);
    assert_eq!(
        status_with(&app, &format!("Bearer {good}")).await.status(),
        200
    );
}
