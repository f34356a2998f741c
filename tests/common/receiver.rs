//! A real HTTP endpoint on loopback that receives webhooks: it records every request as it
//! arrives, then answers as scripted (a status after a delay).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

/// How the receiver answers one request.
#[derive(Debug, Clone, Copy)]
pub struct Reply {
    pub status: u16,
    pub delay: Duration,
    /// Bytes of body (`received` by default).
    pub body_bytes: Option<usize>,
    /// A `Location` header (for a redirect).
    pub location: Option<&'static str>,
}

impl Reply {
    pub const OK: Reply = Reply::status(200);

    pub const fn status(status: u16) -> Self {
        Self {
            status,
            delay: Duration::ZERO,
            body_bytes: None,
            location: None,
        }
    }

    /// Answers only after `delay` (longer than the sender's timeout: never, for it).
    pub const fn after(self, delay: Duration) -> Self {
        Self { delay, ..self }
    }

    /// Answers with a body of `bytes` bytes.
    pub const fn with_body(self, bytes: usize) -> Self {
        Self {
            body_bytes: Some(bytes),
            ..self
        }
    }

    /// Answers with `Location: location`.
    pub const fn redirect_to(self, location: &'static str) -> Self {
        Self {
            location: Some(location),
            ..self
        }
    }
}

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Received {
    pub fn webhook_id(&self) -> String {
        self.header("webhook-id")
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// Whether the Standard Webhooks reference library accepts it with `secret`.
    pub fn verifies_with(&self, secret: &str) -> bool {
        standardwebhooks::Webhook::new(secret)
            .expect("secret")
            .verify(&self.body, &self.headers)
            .is_ok()
    }
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    script: VecDeque<Reply>,
    otherwise: Option<Reply>,
}

pub struct Receiver {
    pub url: String,
    state: Arc<Mutex<State>>,
}

async fn receive(
    request: HttpRequest,
    body: web::Bytes,
    state: web::Data<Mutex<State>>,
) -> HttpResponse {
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in request.headers() {
        if let (Ok(name), Ok(value)) = (
            reqwest::header::HeaderName::from_bytes(name.as_str().as_bytes()),
            reqwest::header::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.append(name, value);
        }
    }
    let reply = {
        let mut state = state.lock().expect("lock");
        state.received.push(Received {
            path: request.path().to_owned(),
            headers,
            body: body.to_vec(),
            at: Instant::now(),
        });
        let otherwise = state.otherwise.unwrap_or(Reply::OK);
        state.script.pop_front().unwrap_or(otherwise)
    };
    tokio::time::sleep(reply.delay).await;
    let mut response =
        HttpResponse::build(actix_web::http::StatusCode::from_u16(reply.status).expect("status"));
    if let Some(location) = reply.location {
        response.insert_header(("location", location));
    }
    match reply.body_bytes {
        Some(bytes) => response.body("x".repeat(bytes)),
        None => response.body("received"),
    }
}

impl Receiver {
    pub async fn start() -> Receiver {
        let state = web::Data::new(Mutex::new(State::default()));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let data = state.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        tokio::spawn(server);
        Receiver {
            url: format!("http://127.0.0.1:{port}/hooks/debrief"),
            state: state.into_inner(),
        }
    }

    /// The next requests are answered so, in order; then as `otherwise` (200 by default).
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.state.lock().expect("lock").script.extend(replies);
    }

    pub fn otherwise(&self, reply: Reply) {
        self.state.lock().expect("lock").otherwise = Some(reply);
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().expect("lock").received.clone()
    }

    /// What arrived once at least `count` requests did, or when `within` ran out.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= count || Instant::now() > deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
