//! Production identity: PEM public keys, a rotating JWKS, and a corpus of tokens that must all
//! be refused with a plain 401 (never a 5xx).

use std::time::Duration;

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, spawn_app_with, TestApp};
use crate::keys::{JwksServer, SigningKey};

backend_tests!(
    rs256_and_es256_tokens_verify_against_pem_public_keys,
    jwks_keys_are_selected_by_kid_and_rotation_is_picked_up,
    cached_keys_keep_working_while_the_jwks_endpoint_is_down,
    an_unknown_kid_storm_fetches_the_jwks_once,
    the_negative_token_corpus_is_refused_with_401,
    a_required_typ_is_enforced,
    idp_role_names_are_mapped_to_debrief_roles,
);

const ISSUER: &str = "https://idp.example.com/realms/acme";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims() -> Value {
    json!({
        "sub": "E1", "iss": ISSUER, "aud": "debrief", "tid": "acme",
        "roles": ["hr"], "exp": now() + 600, "nbf": now() - 5, "iat": now(),
    })
}

async fn status(app: &TestApp, token: &str) -> u16 {
    let response = app
        .client
        .get(app.url("/v1/catalogs/competencies"))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    if status == 401 {
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let body = assert_problem(response, 401).await;
        assert_eq!(body["detail"], "A valid bearer token is required.");
    }
    status
}

async fn jwks_app(
    backend: Backend,
    server: &JwksServer,
    tune: impl FnOnce(&mut debrief::config::RawSettings),
) -> TestApp {
    let url = server.url();
    spawn_app_with(backend, |s| {
        s.auth_jwks_url = url;
        s.auth_algorithms = "RS256,ES256".into();
        s.auth_issuer = ISSUER.into();
        tune(s);
    })
    .await
}

async fn rs256_and_es256_tokens_verify_against_pem_public_keys(backend: Backend) {
    let (rsa, ec, stranger) = (
        SigningKey::rsa("r"),
        SigningKey::ec("e"),
        SigningKey::rsa("r"),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let rsa_file = dir.path().join("rsa.pem");
    let ec_file = dir.path().join("ec.pem");
    std::fs::write(&rsa_file, &rsa.public_pem).expect("write");
    std::fs::write(&ec_file, &ec.public_pem).expect("write");
    let files = format!("{},{}", rsa_file.display(), ec_file.display());
    let app = spawn_app_with(backend, |s| {
        s.auth_public_key_files = files;
        s.auth_algorithms = "RS256,ES256".into();
        s.auth_issuer = ISSUER.into();
    })
    .await;
    assert_eq!(status(&app, &rsa.sign(&claims())).await, 200);
    assert_eq!(status(&app, &ec.sign(&claims())).await, 200);
    // Same kid, same algorithm, but not a configured key.
    assert_eq!(status(&app, &stranger.sign(&claims())).await, 401);
}

async fn jwks_keys_are_selected_by_kid_and_rotation_is_picked_up(backend: Backend) {
    let (old, new) = (SigningKey::rsa("2026-01"), SigningKey::ec("2026-07"));
    let server = JwksServer::start(&[&old]).await;
    let app = jwks_app(backend, &server, |s| {
        s.auth_jwks_refresh_interval_secs = 1;
        s.auth_jwks_max_age_secs = 2;
    })
    .await;
    assert_eq!(server.jwks_requests(), 1, "fetched once at start");
    assert_eq!(status(&app, &old.sign(&claims())).await, 200);
    assert_eq!(server.jwks_requests(), 1, "served from the cache");

    // The provider adds a key: a token with its new kid triggers one refresh.
    server.publish(&[&old, &new]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(status(&app, &new.sign(&claims())).await, 200);
    assert_eq!(server.jwks_requests(), 2);

    // The provider removes the old key: once the cache is older than its max age, it is gone.
    server.publish(&[&new]);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(status(&app, &old.sign(&claims())).await, 401);
    assert_eq!(status(&app, &new.sign(&claims())).await, 200);
}

async fn cached_keys_keep_working_while_the_jwks_endpoint_is_down(backend: Backend) {
    let key = SigningKey::rsa("k1");
    let server = JwksServer::start(&[&key]).await;
    let app = jwks_app(backend, &server, |s| {
        s.auth_jwks_refresh_interval_secs = 1;
        s.auth_jwks_max_age_secs = 1;
    })
    .await;
    assert_eq!(status(&app, &key.sign(&claims())).await, 200);
    server.set_down(true);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // The cache is stale and the refresh fails: the cached key still works.
    assert_eq!(status(&app, &key.sign(&claims())).await, 200);
    assert!(server.jwks_requests() >= 2, "a refresh was attempted");
    // An unknown kid is a 401, not a 5xx.
    let stranger = SigningKey::rsa("unknown");
    assert_eq!(status(&app, &stranger.sign(&claims())).await, 401);
    let ready = app
        .client
        .get(app.url("/health/ready"))
        .send()
        .await
        .expect("ready");
    assert_eq!(
        ready.status(),
        200,
        "the JWKS endpoint is not a readiness dependency"
    );
}

async fn an_unknown_kid_storm_fetches_the_jwks_once(backend: Backend) {
    let key = SigningKey::rsa("real");
    let server = JwksServer::start(&[&key]).await;
    server.set_down(true);
    let app = jwks_app(backend, &server, |s| {
        s.auth_jwks_refresh_interval_secs = 3600;
        s.auth_jwks_max_age_secs = 3600;
    })
    .await;
    assert_eq!(server.jwks_requests(), 1, "the failed fetch at start");
    server.set_down(false);
    let forger = SigningKey::rsa("forged");
    let tokens: Vec<String> = (0..40)
        .map(|i| {
            let mut header = Header::new(Algorithm::RS256);
            header.kid = Some(format!("forged-{i}"));
            forger.sign_with(header, &claims())
        })
        .collect();
    let statuses = futures_util::future::join_all(tokens.iter().map(|t| status(&app, t))).await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(server.jwks_requests(), 2, "one fetch for the whole storm");
    // The fetch loaded the real key, which works without another fetch.
    assert_eq!(status(&app, &key.sign(&claims())).await, 200);
    assert_eq!(server.jwks_requests(), 2);
}

fn b64(value: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

async fn the_negative_token_corpus_is_refused_with_401(backend: Backend) {
    let (rsa, ec) = (SigningKey::rsa("rsa-1"), SigningKey::ec("ec-1"));
    let server = JwksServer::start(&[&rsa, &ec]).await;
    let app = jwks_app(backend, &server, |_| {}).await;
    assert_eq!(
        status(&app, &rsa.sign(&claims())).await,
        200,
        "the baseline is accepted"
    );
    assert_eq!(
        status(&app, &ec.sign(&claims())).await,
        200,
        "the baseline is accepted"
    );

    let altered = |key: &str, value: Value| {
        let mut c = claims();
        c[key] = value;
        c
    };
    let without = |key: &str| {
        let mut c = claims();
        c.as_object_mut().expect("object").remove(key);
        c
    };
    let header = |alg: Algorithm, kid: &str| {
        let mut h = Header::new(alg);
        h.kid = Some(kid.into());
        h
    };
    let good = rsa.sign(&claims());
    let parts: Vec<&str> = good.split('.').collect();
    let evil = SigningKey::rsa("rsa-1");
    let evil_jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(evil.jwk()).expect("jwk");

    let mut corpus: Vec<(String, String)> = Vec::new();
    let mut add = |name: &str, token: String| corpus.push((name.to_owned(), token));
    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = json!({"alg": alg, "typ": "JWT", "kid": "rsa-1"});
        add(
            &format!("alg {alg}"),
            format!("{}.{}.", b64(&header), b64(&claims())),
        );
        add(
            &format!("alg {alg} with signature"),
            format!("{}.{}.{}", b64(&header), b64(&claims()), parts[2]),
        );
    }
    // HS256 keyed with the RSA public key (algorithm confusion).
    add(
        "HS256 with the public key as secret",
        jsonwebtoken::encode(
            &header(Algorithm::HS256, "rsa-1"),
            &claims(),
            &EncodingKey::from_secret(rsa.public_pem.as_bytes()).expect("hmac key"),
        )
        .expect("sign"),
    );
    add("foreign key with a copied kid", evil.sign(&claims()));
    add(
        "disallowed algorithm RS384",
        rsa.sign_with(header(Algorithm::RS384, "rsa-1"), &claims()),
    );
    add(
        "disallowed algorithm PS256",
        rsa.sign_with(header(Algorithm::PS256, "rsa-1"), &claims()),
    );
    add(
        "EC key under an RSA kid",
        ec.sign_with(header(Algorithm::ES256, "rsa-1"), &claims()),
    );
    add("expired", rsa.sign(&altered("exp", json!(now() - 120))));
    add(
        "not yet valid",
        rsa.sign(&altered("nbf", json!(now() + 600))),
    );
    add(
        "string exp",
        rsa.sign(&altered("exp", json!((now() + 600).to_string()))),
    );
    add(
        "string nbf",
        rsa.sign(&altered("nbf", json!((now() - 5).to_string()))),
    );
    add(
        "float exp far away",
        rsa.sign(&altered("exp", json!(1e300))),
    );
    for claim in ["exp", "iss", "aud", "sub"] {
        add(&format!("missing {claim}"), rsa.sign(&without(claim)));
    }
    add(
        "wrong iss",
        rsa.sign(&altered("iss", json!("https://evil.example.com"))),
    );
    add("wrong aud", rsa.sign(&altered("aud", json!(["other-api"]))));
    add("sub not a string", rsa.sign(&altered("sub", json!(42))));
    add(
        "tenant not a string",
        rsa.sign(&altered("tid", json!({"id": "acme"}))),
    );
    add(
        "tampered payload",
        format!(
            "{}.{}.{}",
            parts[0],
            b64(&altered("roles", json!(["hr", "integration"]))),
            parts[2]
        ),
    );
    add("two segments", format!("{}.{}", parts[0], parts[1]));
    add("four segments", format!("{good}.{}", parts[2]));
    add("garbage segments", "!!!.###.$$$".into());
    add(
        "header not json",
        format!(
            "{}.{}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("not json"),
            parts[1],
            parts[2]
        ),
    );
    add("empty signature", format!("{}.{}.", parts[0], parts[1]));
    add(
        "oversized header",
        rsa.sign_with(header(Algorithm::RS256, &"k".repeat(9000)), &claims()),
    );
    // Key material named by the token itself is never fetched or trusted.
    let mut jku = header(Algorithm::RS256, "attacker");
    jku.jku = Some(format!("{}/attacker-jwks", server.base));
    jku.x5u = Some(format!("{}/attacker-cert", server.base));
    add(
        "jku and x5u to the attacker's keys",
        evil.sign_with(jku, &claims()),
    );
    let mut embedded = header(Algorithm::RS256, "embedded");
    embedded.jwk = Some(evil_jwk);
    add("embedded jwk", evil.sign_with(embedded, &claims()));

    for (name, token) in &corpus {
        assert_eq!(status(&app, token).await, 401, "{name}");
    }
    // A token outside the Authorization header is no token at all.
    let in_query = app
        .client
        .get(app.url(&format!("/v1/catalogs/competencies?access_token={good}")))
        .send()
        .await
        .expect("request");
    assert_eq!(in_query.status(), 401);
    assert_eq!(server.other_requests(), 0, "jku/x5u were fetched");
}

async fn a_required_typ_is_enforced(backend: Backend) {
    let key = SigningKey::rsa("k");
    let server = JwksServer::start(&[&key]).await;
    let app = jwks_app(backend, &server, |s| s.auth_typ = "at+jwt".into()).await;
    let mut access = Header::new(Algorithm::RS256);
    access.kid = Some("k".into());
    access.typ = Some("at+jwt".into());
    assert_eq!(status(&app, &key.sign_with(access, &claims())).await, 200);
    // An ID token (typ JWT) is not an access token.
    assert_eq!(status(&app, &key.sign(&claims())).await, 401);
}

async fn idp_role_names_are_mapped_to_debrief_roles(backend: Backend) {
    let key = SigningKey::rsa("k");
    let server = JwksServer::start(&[&key]).await;
    let app = jwks_app(backend, &server, |s| {
        s.auth_roles_claim = "realm_access.roles".into();
        s.auth_tenant_claim = "org.id".into();
        s.auth_role_map = "debrief-hr=hr,debrief-managers=hiring_manager".into();
    })
    .await;
    let token = |roles: Value| {
        let mut c = claims();
        c.as_object_mut().expect("object").remove("roles");
        c["realm_access"] = json!({"roles": roles});
        c["org"] = json!({"id": "acme"});
        key.sign(&c)
    };
    let create = |token: String| {
        app.client
            .post(app.url("/v1/catalogs/competencies"))
            .bearer_auth(token)
            .json(&json!({"key": "mapped_role", "name": "Mapped"}))
            .send()
    };
    let employee = create(token(json!(["offline_access"])))
        .await
        .expect("request");
    assert_eq!(employee.status(), 403);
    let hr = create(token(json!(["offline_access", "debrief-hr"])))
        .await
        .expect("request");
    assert_eq!(hr.status(), 201);
}
