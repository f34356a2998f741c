//! One HTTP POST of a signed webhook: no redirects, no proxy, bounded in time and in what is
//! kept of the answer, and (unless local destinations are allowed) only to public addresses,
//! checked on the addresses the name resolves to, which are the ones connected to.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::config::WebhookSettings;
use crate::domain::webhooks::{is_public, EndpointUrl};

/// What is kept of an endpoint's answer.
pub const RESPONSE_KEPT_BYTES: usize = 1024;

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The endpoint's status, if it answered.
    pub status: Option<u16>,
    pub latency: Duration,
    /// Why it failed, when it did (a non-2xx status is a failure too).
    pub error: Option<String>,
    /// The start of the answer's body.
    pub body: Option<String>,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }

    fn failed(started: Instant, error: String) -> Self {
        Self {
            status: None,
            latency: started.elapsed(),
            error: Some(error),
            body: None,
        }
    }
}

/// The headers and body of one message.
pub struct Signed<'a> {
    pub webhook_id: &'a str,
    pub timestamp: i64,
    pub signature: String,
    pub body: Vec<u8>,
}

/// Sends webhooks.
#[derive(Clone, Debug)]
pub struct Sender {
    client: reqwest::Client,
    allow_local: bool,
}

impl Sender {
    pub fn new(settings: &WebhookSettings) -> Result<Self, String> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .pool_max_idle_per_host(2)
            .user_agent(concat!("Debrief-Webhooks/", env!("CARGO_PKG_VERSION")));
        if !settings.allow_local_destinations {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        let client = builder
            .build()
            .map_err(|e| format!("cannot build the webhook client: {e}"))?;
        Ok(Self {
            client,
            allow_local: settings.allow_local_destinations,
        })
    }

    /// POSTs `message` to `url`. Never fails: what went wrong is in the outcome.
    pub async fn send(&self, url: &str, message: Signed<'_>) -> Outcome {
        let started = Instant::now();
        // The URL was checked when it was written; a literal address is checked again here
        // (the settings may have changed), a name by the resolver.
        let url = match EndpointUrl::parse(url, self.allow_local) {
            Ok(url) => url,
            Err(why) => return Outcome::failed(started, format!("refused destination: {why}")),
        };
        let request = self
            .client
            .post(url.url().clone())
            .header("content-type", "application/json")
            .header("webhook-id", message.webhook_id)
            .header("webhook-timestamp", message.timestamp.to_string())
            .header("webhook-signature", message.signature)
            .body(message.body);
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return Outcome::failed(started, describe(&error)),
        };
        let status = response.status();
        let (body, read_error) = kept_body(response).await;
        let error = if !status.is_success() {
            Some(format!("the endpoint answered {}", status.as_u16()))
        } else {
            read_error
        };
        Outcome {
            status: Some(status.as_u16()),
            latency: started.elapsed(),
            error,
            body,
        }
    }
}

/// The first `RESPONSE_KEPT_BYTES` of the body; the rest is not read.
async fn kept_body(mut response: reqwest::Response) -> (Option<String>, Option<String>) {
    let mut kept = Vec::new();
    while kept.len() < RESPONSE_KEPT_BYTES {
        match response.chunk().await.transpose() {
            Some(Ok(chunk)) => {
                let room = RESPONSE_KEPT_BYTES - kept.len();
                kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Some(Err(error)) => return (text(kept), Some(describe(&error))),
            None => break,
        }
    }
    (text(kept), None)
}

fn text(bytes: Vec<u8>) -> Option<String> {
    (!bytes.is_empty()).then(|| String::from_utf8_lossy(&bytes).into_owned())
}

/// A delivery error in a few words, with its cause (reqwest's own display says little).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_redirect() {
        "redirected"
    } else {
        "request failed"
    };
    let mut message = kind.to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message.chars().take(500).collect()
}

/// Resolves a name to its public addresses only; a name with none is refused.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|address| is_public(address.ip()))
                .collect();
            if public.is_empty() {
                let refused = std::io::Error::other(format!(
                    "refused destination: {host} resolves to no public address"
                ));
                return Err(Box::new(refused) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused_after_resolution() {
        let refused = PublicOnly
            .resolve("localhost".parse::<Name>().expect("name"))
            .await
            .err()
            .expect("refused");
        assert!(
            refused.to_string().contains("no public address"),
            "{refused}"
        );
    }

    #[tokio::test]
    async fn a_refused_destination_is_an_outcome_not_a_request() {
        let sender = Sender::new(&WebhookSettings::default()).expect("sender");
        let outcome = sender
            .send(
                "https://127.0.0.1:9/hook",
                Signed {
                    webhook_id: "x",
                    timestamp: 0,
                    signature: String::new(),
                    body: Vec::new(),
                },
            )
            .await;
        assert_eq!(outcome.status, None);
        assert!(outcome
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("refused destination")));
    }
}
