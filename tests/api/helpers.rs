//! `spawn_app`: a fresh application on a fresh database, on port 0.

use debrief::auth::{mint_token, TokenRequest};
use debrief::config::{RawSettings, Settings};
use debrief::domain::Role;
use debrief::startup::Application;
use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::Value;

use crate::common::{Backend, TestDatabase};

pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub settings: Settings,
    /// The database, dropped with the app that created it (`None` on a replica).
    _database: Option<TestDatabase>,
}

/// Starts the service on a new database of `backend`. Logs go to stderr when `TEST_LOG` is set.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(backend: Backend, customise: impl FnOnce(&mut RawSettings)) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        debrief::telemetry::init(
            debrief::config::LogFormat::Text,
            "debug,sqlx=warn,actix_server=warn",
            debrief::telemetry::LogStream::Stderr,
        );
    }
    let database = TestDatabase::create(&backend).await;
    let mut raw = database.settings();
    customise(&mut raw);
    let settings = raw.parse().expect("valid settings");
    let application = Application::build(&settings)
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    TestApp {
        address,
        client: Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        settings,
        _database: Some(database),
    }
}

impl TestApp {
    /// The Prometheus text of `/metrics`.
    pub async fn metrics(&self) -> String {
        self.request(Method::GET, "/metrics")
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text")
    }

    /// A second process of the service on the same database: another replica.
    pub async fn replica(&self) -> TestApp {
        let application = Application::build(&self.settings)
            .await
            .expect("replica builds");
        let address = format!("http://127.0.0.1:{}", application.port());
        tokio::spawn(application.run_until_stopped());
        TestApp {
            address,
            client: self.client.clone(),
            settings: self.settings.clone(),
            _database: None,
        }
    }
}

/// A caller: who they are and which tenant they belong to.
#[derive(Debug, Clone)]
pub struct Caller {
    pub sub: &'static str,
    pub roles: Vec<Role>,
    pub tenant: &'static str,
}

impl Caller {
    pub fn employee(sub: &'static str) -> Self {
        Self {
            sub,
            roles: vec![],
            tenant: "acme",
        }
    }
    pub fn hr(sub: &'static str) -> Self {
        Self {
            sub,
            roles: vec![Role::Hr],
            tenant: "acme",
        }
    }
    pub fn manager(sub: &'static str) -> Self {
        Self {
            sub,
            roles: vec![Role::HiringManager],
            tenant: "acme",
        }
    }
    pub fn integration(sub: &'static str) -> Self {
        Self {
            sub,
            roles: vec![Role::Integration],
            tenant: "acme",
        }
    }
    pub fn in_tenant(mut self, tenant: &'static str) -> Self {
        self.tenant = tenant;
        self
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A real HS256 token, signed with this application's development secret.
    pub fn token(&self, caller: &Caller) -> String {
        mint_token(
            &self.settings,
            &TokenRequest {
                sub: caller.sub.into(),
                roles: caller.roles.clone(),
                tenant: caller.tenant.into(),
                ttl_secs: 600,
            },
        )
        .expect("token")
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    pub fn as_(&self, caller: &Caller, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(self.token(caller))
    }

    pub async fn get_as(&self, caller: &Caller, path: &str) -> Response {
        self.as_(caller, Method::GET, path)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_as(&self, caller: &Caller, path: &str, body: &Value) -> Response {
        self.as_(caller, Method::POST, path)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// A POST without a body (workflow steps).
    pub async fn post_empty(&self, caller: &Caller, path: &str) -> Response {
        self.as_(caller, Method::POST, path)
            .send()
            .await
            .expect("request")
    }

    pub async fn put_as(&self, caller: &Caller, path: &str, body: &Value) -> Response {
        self.as_(caller, Method::PUT, path)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// A write guarded by `If-Match` (`if_match` as sent, such as `"\"3\""`).
    pub async fn with_version(
        &self,
        caller: &Caller,
        method: Method,
        path: &str,
        if_match: impl AsRef<str>,
        body: &Value,
    ) -> Response {
        self.as_(caller, method, path)
            .header("if-match", if_match.as_ref())
            .json(body)
            .send()
            .await
            .expect("request")
    }
}

/// The HR portal's service account in the default tenant.
pub fn portal() -> Caller {
    Caller::integration("hr-portal")
}

/// The JSON body of a response that must have succeeded.
pub async fn ok(response: Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.expect("json");
    assert!(status.is_success(), "{status}: {body}");
    body
}

/// The `id` of a resource.
pub fn id(value: &Value) -> String {
    value["id"].as_str().expect("id").to_owned()
}

/// Asserts `response` is a problem document with `status` and returns its body.
pub async fn assert_problem(response: Response, status: u16) -> Value {
    assert_eq!(
        response.status().as_u16(),
        status,
        "status of {}",
        response.url()
    );
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("x-request-id header");
    let body: Value = response.json().await.expect("problem body");
    assert_eq!(body["status"], status);
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:debrief:problem:")),
        "{body}"
    );
    assert!(
        body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    assert_eq!(body["request_id"], request_id.as_str());
    body
}
