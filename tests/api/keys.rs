//! Test signing keys (RSA 2048 and EC P-256, generated per test) and a real JWKS HTTP server
//! that can rotate keys, go down, and count what it was asked.

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpResponse, HttpServer};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

pub fn pem(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|chunk| std::str::from_utf8(chunk).expect("ascii"))
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

pub struct SigningKey {
    pub kid: String,
    pub alg: Algorithm,
    pub encoding: EncodingKey,
    pub public_pem: String,
}

impl SigningKey {
    pub fn rsa(kid: &str) -> Self {
        let pair =
            aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).expect("rsa key");
        let private = pem("PRIVATE KEY", pair.as_der().expect("pkcs8").as_ref());
        let public = pem(
            "PUBLIC KEY",
            pair.public_key().as_der().expect("spki").as_ref(),
        );
        Self {
            kid: kid.into(),
            alg: Algorithm::RS256,
            encoding: EncodingKey::from_rsa_pem(private.as_bytes()).expect("encoding key"),
            public_pem: public,
        }
    }

    pub fn ec(kid: &str) -> Self {
        let alg = &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED_SIGNING;
        let pair = aws_lc_rs::signature::EcdsaKeyPair::generate(alg).expect("ec key");
        let private = pem("PRIVATE KEY", pair.to_pkcs8v1().expect("pkcs8").as_ref());
        let public = pem(
            "PUBLIC KEY",
            pair.public_key().as_der().expect("spki").as_ref(),
        );
        Self {
            kid: kid.into(),
            alg: Algorithm::ES256,
            encoding: EncodingKey::from_ec_pem(private.as_bytes()).expect("encoding key"),
            public_pem: public,
        }
    }

    /// The public half as a JWK, with this key's `kid`.
    pub fn jwk(&self) -> Value {
        let jwk = Jwk::from_encoding_key(&self.encoding, self.alg).expect("jwk");
        let mut value = serde_json::to_value(jwk).expect("json");
        value["kid"] = json!(self.kid);
        value["use"] = json!("sig");
        value
    }

    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(self.alg);
        header.kid = Some(self.kid.clone());
        self.sign_with(header, claims)
    }

    pub fn sign_with(&self, header: Header, claims: &Value) -> String {
        encode(&header, claims, &self.encoding).expect("sign")
    }
}

#[derive(Default)]
struct JwksState {
    keys: Mutex<Vec<Value>>,
    down: AtomicBool,
    jwks_requests: AtomicUsize,
    other_requests: AtomicUsize,
}

/// A JWKS endpoint at `/jwks` and an OpenID discovery document (which only `debrief check`
/// reads); every other path is counted as a request Debrief must not make.
pub struct JwksServer {
    pub base: String,
    state: Arc<JwksState>,
}

impl JwksServer {
    pub async fn start(keys: &[&SigningKey]) -> Self {
        let state = Arc::new(JwksState::default());
        *state.keys.lock().expect("lock") = keys.iter().map(|k| k.jwk()).collect();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("addr").port()
        );
        let shared = state.clone();
        let served_base = base.clone();
        let server = HttpServer::new(move || {
            let discovery_base = served_base.clone();
            let state = shared.clone();
            let other = shared.clone();
            App::new()
                .route(
                    "/jwks",
                    web::get().to(move || {
                        let state = state.clone();
                        async move {
                            state.jwks_requests.fetch_add(1, Ordering::SeqCst);
                            if state.down.load(Ordering::SeqCst) {
                                return HttpResponse::ServiceUnavailable().finish();
                            }
                            let keys = state.keys.lock().expect("lock").clone();
                            HttpResponse::Ok().json(json!({ "keys": keys }))
                        }
                    }),
                )
                .route(
                    "/.well-known/openid-configuration",
                    web::get().to(move || {
                        let base = discovery_base.clone();
                        async move {
                            HttpResponse::Ok().json(json!({
                                "issuer": base.clone(),
                                "jwks_uri": format!("{base}/jwks"),
                            }))
                        }
                    }),
                )
                .default_service(web::to(move || {
                    let other = other.clone();
                    async move {
                        other.other_requests.fetch_add(1, Ordering::SeqCst);
                        HttpResponse::NotFound().finish()
                    }
                }))
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        tokio::spawn(server);
        Self { base, state }
    }

    pub fn url(&self) -> String {
        format!("{}/jwks", self.base)
    }

    pub fn publish(&self, keys: &[&SigningKey]) {
        *self.state.keys.lock().expect("lock") = keys.iter().map(|k| k.jwk()).collect();
    }

    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }

    pub fn jwks_requests(&self) -> usize {
        self.state.jwks_requests.load(Ordering::SeqCst)
    }

    pub fn other_requests(&self) -> usize {
        self.state.other_requests.load(Ordering::SeqCst)
    }
}
