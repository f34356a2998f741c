//! Webhooks: subscriptions, signed deliveries to a real receiver on loopback (checked with the
//! Standard Webhooks reference library), retries, disabling, rotation, redelivery, the
//! destination guard, and several `serve` processes sharing one PostgreSQL queue.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::receiver::{Receiver, Reply};
use crate::common::Backend;
use crate::helpers::{assert_problem, id, ok, portal, spawn_app, spawn_app_with, Caller, TestApp};

backend_tests!(
    a_rejection_is_delivered_signed_once_per_event_as_the_feed_tells_it,
    types_and_enabled_decide_what_a_subscription_receives,
    failures_and_timeouts_are_retried_with_the_same_webhook_id_until_the_schedule_ends,
    an_endpoint_failing_for_long_is_disabled_and_an_event_says_so,
    a_rotated_secret_signs_beside_the_new_one_during_its_grace,
    redelivery_sends_an_event_again,
    redirects_are_not_followed_and_answers_are_kept_short,
    local_destinations_are_refused_unless_allowed,
);

const WAIT: Duration = Duration::from_secs(15);

/// Subscribes `url` (as the HR portal); the view and its secret.
async fn subscribe(app: &TestApp, body: Value) -> (Value, String) {
    let response = app.post_as(&portal(), "/v1/webhooks", &body).await;
    assert_eq!(response.status(), 201);
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let created: Value = response.json().await.expect("json");
    assert_eq!(location, Some(format!("/v1/webhooks/{}", id(&created))));
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    (created, secret)
}

async fn deliveries(app: &TestApp, subscription: &Value, query: &str) -> Value {
    let path = format!("/v1/webhooks/{}/deliveries{query}", id(subscription));
    ok(app.get_as(&portal(), &path).await).await
}

async fn attempts(app: &TestApp, subscription: &Value) -> Vec<Value> {
    let path = format!("/v1/webhooks/{}/attempts", id(subscription));
    ok(app.get_as(&portal(), &path).await).await["items"]
        .as_array()
        .expect("items")
        .clone()
}

/// Polls `check` on the subscription's deliveries until it holds (or the wait runs out).
async fn deliveries_until(
    app: &TestApp,
    subscription: &Value,
    check: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let page = deliveries(app, subscription, "").await;
        let items = page["items"].as_array().expect("items").clone();
        if check(&items) || std::time::Instant::now() > deadline {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn a_rejection_is_delivered_signed_once_per_event_as_the_feed_tells_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let receiver = Receiver::start().await;
    let (subscription, secret) = subscribe(&app, json!({"url": receiver.url})).await;
    assert_eq!(subscription["enabled"], true);
    assert_eq!(subscription["event_types"], json!([]));
    // The secret is shown once: never on a read or in a list.
    let read = app
        .get_as(&portal(), &format!("/v1/webhooks/{}", id(&subscription)))
        .await;
    assert_eq!(read.headers()["etag"], "\"1\"");
    let read: Value = read.json().await.expect("json");
    assert!(read.get("secret").is_none());
    let list = ok(app.get_as(&Caller::hr("H1"), "/v1/webhooks").await).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    assert!(!list.to_string().contains("whsec_"));

    app.scenario().released().await;
    let received = receiver.wait_for(4, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received = receiver.received().len().max(received.len());
    assert_eq!(received, 4, "one delivery per event");
    let received = receiver.received();
    for message in &received {
        assert!(message.verifies_with(&secret), "{:?}", message.headers);
        assert!(!message.verifies_with("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"));
        assert_eq!(message.header("content-type"), "application/json");
        assert!(message
            .header("user-agent")
            .starts_with("Debrief-Webhooks/"));
        assert_eq!(message.webhook_id(), message.json()["id"]);
    }
    // The body is the feed's item: same id, type, timestamp and data.
    let feed = ok(app.get_as(&portal(), "/v1/events").await).await;
    let mut from_feed: Vec<Value> = feed["items"].as_array().expect("items").clone();
    let mut delivered: Vec<Value> = received.iter().map(|m| m.json()).collect();
    let by_id = |v: &Value| v["id"].as_str().unwrap_or_default().to_owned();
    from_feed.sort_by_key(by_id);
    delivered.sort_by_key(by_id);
    assert_eq!(delivered, from_feed);
    let types: HashSet<&str> = delivered
        .iter()
        .filter_map(|m| m["type"].as_str())
        .collect();
    assert!(types.contains("feedback.released"), "{types:?}");

    let items = deliveries_until(&app, &subscription, |items| {
        items.len() == 4 && items.iter().all(|d| d["state"] == "delivered")
    })
    .await;
    assert!(items.iter().all(|d| d["attempts"] == 1), "{items:?}");
    let log = attempts(&app, &subscription).await;
    assert_eq!(log.len(), 4);
    assert!(log
        .iter()
        .all(|a| a["status_code"] == 200 && a["error"].is_null()));
    assert_eq!(log[0]["response_body"], "received");
}

async fn types_and_enabled_decide_what_a_subscription_receives(backend: Backend) {
    let app = spawn_app(backend).await;
    let receiver = Receiver::start().await;
    let url = |path: &str| format!("{}/{path}", receiver.url);
    subscribe(
        &app,
        json!({"url": url("released"), "event_types": ["feedback.released"]}),
    )
    .await;
    let (off, _) = subscribe(&app, json!({"url": url("off"), "enabled": false})).await;
    assert_eq!(off["disabled_reason"], "manual");
    subscribe(&app, json!({"url": url("all")})).await;
    let unknown = app
        .post_as(
            &portal(),
            "/v1/webhooks",
            &json!({"url": url("x"), "event_types": ["feedback.exploded"]}),
        )
        .await;
    let problem = assert_problem(unknown, 422).await;
    assert_eq!(problem["errors"][0]["field"], "event_types[0]");

    let story = app.scenario().released().await;
    receiver.wait_for(5, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let paths = |suffix: &str| {
        receiver
            .received()
            .iter()
            .filter(|m| m.path.ends_with(suffix))
            .map(|m| m.json()["type"].as_str().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(paths("/released"), ["feedback.released"]);
    assert_eq!(paths("/all").len(), 4);
    assert!(paths("/off").is_empty());

    // Enabled again (at its version), it receives what happens from then on.
    let path = format!("/v1/webhooks/{}", id(&off));
    let enabled = app
        .with_version(
            &portal(),
            Method::PATCH,
            &path,
            "\"1\"",
            &json!({"enabled": true}),
        )
        .await;
    let enabled = ok(enabled).await;
    assert_eq!(enabled["enabled"], true);
    assert!(enabled["disabled_reason"].is_null());
    let own = format!("/v1/me/feedback/{}/acknowledge", id(&story.feedback));
    ok(app
        .post_as(
            &Caller::employee("E1"),
            &own,
            &json!({"usefulness_rating": 4}),
        )
        .await)
    .await;
    receiver.wait_for(7, WAIT).await;
    assert_eq!(paths("/off"), ["feedback.acknowledged"]);
}

async fn failures_and_timeouts_are_retried_with_the_same_webhook_id_until_the_schedule_ends(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |raw| {
        raw.webhook_retry_schedule_secs = "1,1".into();
        raw.webhook_timeout_ms = 500;
        raw.webhook_lease_secs = 3;
    })
    .await;
    let flaky = Receiver::start().await;
    // A 500, then no answer within the timeout, then a 200.
    flaky.script([
        Reply::status(500),
        Reply::OK.after(Duration::from_secs(3)),
        Reply::OK,
    ]);
    let broken = Receiver::start().await;
    broken.otherwise(Reply::status(503));
    let (recovers, secret) = subscribe(&app, json!({"url": flaky.url})).await;
    let (fails, _) = subscribe(&app, json!({"url": broken.url})).await;
    app.scenario().draft().await; // one event: application.decided

    let received = flaky.wait_for(3, WAIT).await;
    assert_eq!(received.len(), 3);
    let ids: HashSet<String> = received.iter().map(|m| m.webhook_id()).collect();
    assert_eq!(ids.len(), 1, "one webhook-id across retries");
    assert!(received.iter().all(|m| m.verifies_with(&secret)));
    for pair in received.windows(2) {
        assert!(
            pair[1].at - pair[0].at >= Duration::from_millis(700),
            "backoff between attempts"
        );
    }
    let items = deliveries_until(&app, &recovers, |items| {
        items.first().is_some_and(|d| d["state"] == "delivered")
    })
    .await;
    assert_eq!(items[0]["attempts"], 3);
    let log = attempts(&app, &recovers).await;
    let codes: Vec<Value> = log.iter().map(|a| a["status_code"].clone()).collect();
    assert_eq!(codes, [json!(200), Value::Null, json!(500)], "{log:?}");
    assert!(log[1]["error"]
        .as_str()
        .is_some_and(|e| e.contains("timed out")));
    assert_eq!(log[2]["error"], "the endpoint answered 500");
    assert_eq!(
        log.iter().map(|a| a["attempt"].clone()).collect::<Vec<_>>(),
        [3, 2, 1]
    );

    // Three failures: the schedule (1 s, 1 s) is over and the delivery has failed.
    let items = deliveries_until(&app, &fails, |items| {
        items.first().is_some_and(|d| d["state"] == "failed")
    })
    .await;
    assert_eq!(items[0]["state"], "failed");
    assert_eq!(items[0]["attempts"], 3);
    assert!(items[0]["next_attempt_at"].is_null());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(broken.received().len(), 3, "no attempt after the last");
    let failed = deliveries(&app, &fails, "?state=failed").await;
    assert_eq!(failed["items"].as_array().map(Vec::len), Some(1));
    let none = deliveries(&app, &fails, "?state=delivered").await;
    assert_eq!(none["items"], json!([]));
}

async fn an_endpoint_failing_for_long_is_disabled_and_an_event_says_so(backend: Backend) {
    let app = spawn_app_with(backend, |raw| {
        raw.webhook_retry_schedule_secs = "1,1,1,1,1".into();
        raw.webhook_disable_after_secs = 1;
    })
    .await;
    let receiver = Receiver::start().await;
    receiver.otherwise(Reply::status(500));
    let (subscription, _) = subscribe(&app, json!({"url": receiver.url})).await;
    app.scenario().draft().await;
    let path = format!("/v1/webhooks/{}", id(&subscription));
    let deadline = std::time::Instant::now() + WAIT;
    let disabled = loop {
        let current = ok(app.get_as(&portal(), &path).await).await;
        if current["enabled"] == false || std::time::Instant::now() > deadline {
            break current;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(disabled["enabled"], false, "{disabled}");
    assert_eq!(disabled["disabled_reason"], "failing");
    assert!(disabled["failing_since"].is_string());
    // It failed for longer than a second, over at least two attempts; then nothing more.
    let attempts_made = receiver.received().len();
    assert!((2..=4).contains(&attempts_made), "{attempts_made}");
    let items = deliveries_until(&app, &subscription, |items| {
        items.first().is_some_and(|d| d["state"] != "pending")
    })
    .await;
    assert_eq!(items[0]["state"], "cancelled");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(receiver.received().len(), attempts_made);

    // The feed (and every other subscription) hears that it was disabled.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let told = loop {
        let feed = ok(app
            .get_as(&portal(), "/v1/events?type=webhook_subscription.disabled")
            .await)
        .await;
        if !feed["items"].as_array().expect("items").is_empty()
            || std::time::Instant::now() > deadline
        {
            break feed;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        told["items"][0]["data"]["subscription_id"],
        subscription["id"]
    );
    assert_eq!(told["items"][0]["data"]["reason"], "failing");

    // Enabled again, its record starts afresh.
    let version = disabled["version"].as_i64().expect("version");
    let enabled = app
        .with_version(
            &portal(),
            Method::PATCH,
            &path,
            format!("\"{version}\""),
            &json!({"enabled": true}),
        )
        .await;
    let enabled = ok(enabled).await;
    assert!(enabled["failing_since"].is_null());
    assert!(enabled["disabled_reason"].is_null());
}

async fn ping(app: &TestApp, subscription: &Value) -> Value {
    let path = format!("/v1/webhooks/{}/ping", id(subscription));
    ok(app.post_empty(&portal(), &path).await).await
}

async fn a_rotated_secret_signs_beside_the_new_one_during_its_grace(backend: Backend) {
    let app = spawn_app(backend).await;
    let receiver = Receiver::start().await;
    let (subscription, first) = subscribe(&app, json!({"url": receiver.url})).await;
    let pinged = ping(&app, &subscription).await;
    assert_eq!(pinged["status_code"], 200);
    assert!(pinged["event_id"].is_null());
    let message = &receiver.wait_for(1, WAIT).await[0];
    assert_eq!(message.json()["type"], "webhook.ping");
    assert!(message.verifies_with(&first));
    assert_eq!(message.header("webhook-signature").split(' ').count(), 1);

    let rotate = format!("/v1/webhooks/{}/rotate-secret", id(&subscription));
    let rotated = ok(app.post_empty(&portal(), &rotate).await).await;
    let second = rotated["secret"].as_str().expect("secret").to_owned();
    assert_ne!(second, first);
    assert!(rotated["previous_secret_valid_until"].is_string());
    ping(&app, &subscription).await;
    let message = &receiver.wait_for(2, WAIT).await[1];
    assert_eq!(message.header("webhook-signature").split(' ').count(), 2);
    assert!(
        message.verifies_with(&first),
        "the old secret still verifies"
    );
    assert!(message.verifies_with(&second));

    // Without a grace period the old secret stops at once.
    let now = ok(app
        .post_empty(&portal(), &format!("{rotate}?grace_period_seconds=0"))
        .await)
    .await;
    let third = now["secret"].as_str().expect("secret").to_owned();
    assert!(now["previous_secret_valid_until"].is_null());
    ping(&app, &subscription).await;
    let message = &receiver.wait_for(3, WAIT).await[2];
    assert!(message.verifies_with(&third));
    assert!(!message.verifies_with(&second));
    let log = attempts(&app, &subscription).await;
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|a| a["webhook_id"]
        .as_str()
        .is_some_and(|w| w.starts_with("ping_"))));
}

async fn redelivery_sends_an_event_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let receiver = Receiver::start().await;
    let (subscription, _) = subscribe(&app, json!({"url": receiver.url})).await;
    app.scenario().draft().await;
    let first = receiver.wait_for(1, WAIT).await[0].webhook_id();
    deliveries_until(&app, &subscription, |items| {
        items.first().is_some_and(|d| d["state"] == "delivered")
    })
    .await;
    let again = format!(
        "/v1/webhooks/{}/deliveries/{first}/redeliver",
        id(&subscription)
    );
    let queued = app.post_empty(&portal(), &again).await;
    assert_eq!(queued.status(), 202);
    let received = receiver.wait_for(2, WAIT).await;
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].webhook_id(), first, "the same webhook-id");

    // An event from before a subscription existed can be sent to it too.
    let later = format!("{}/later", receiver.url);
    let (newer, _) = subscribe(&app, json!({"url": later})).await;
    let path = format!("/v1/webhooks/{}/deliveries/{first}/redeliver", id(&newer));
    assert_eq!(app.post_empty(&portal(), &path).await.status(), 202);
    let received = receiver.wait_for(3, WAIT).await;
    assert_eq!(received[2].path, "/hooks/debrief/later");
    // Unknown events and another tenant's subscriptions are not found.
    let unknown = format!(
        "/v1/webhooks/{}/deliveries/{}/redeliver",
        id(&subscription),
        uuid::Uuid::now_v7()
    );
    assert_problem(app.post_empty(&portal(), &unknown).await, 404).await;
    let globex = portal().in_tenant("globex");
    assert_problem(app.post_empty(&globex, &again).await, 404).await;
    let log = attempts(&app, &subscription).await;
    assert_eq!(log.len(), 2);
}

async fn redirects_are_not_followed_and_answers_are_kept_short(backend: Backend) {
    let app = spawn_app(backend).await;
    let target = Receiver::start().await;
    let redirecting = Receiver::start().await;
    // A redirect to an endpoint that would answer 200: a failure, and not followed.
    let location: &'static str = Box::leak(target.url.clone().into_boxed_str());
    redirecting.otherwise(Reply::status(307).redirect_to(location));
    let (moved, _) = subscribe(&app, json!({"url": redirecting.url})).await;
    let pinged = ping(&app, &moved).await;
    assert_eq!(pinged["status_code"], 307);
    assert_eq!(pinged["error"], "the endpoint answered 307");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(target.received().is_empty(), "the redirect was followed");

    // A long answer is kept to its first KiB.
    let chatty = Receiver::start().await;
    chatty.otherwise(Reply::OK.with_body(64 * 1024));
    let (talks, _) = subscribe(&app, json!({"url": chatty.url})).await;
    let pinged = ping(&app, &talks).await;
    assert_eq!(pinged["status_code"], 200);
    assert!(pinged["error"].is_null(), "{pinged}");
    let kept = pinged["response_body"].as_str().expect("body");
    assert_eq!(kept.len(), 1024);
    assert_eq!(attempts(&app, &talks).await[0]["response_body"], kept);
}

/// This machine's name: not `localhost`, yet it resolves to a loopback or private address.
async fn local_name() -> String {
    let name = std::fs::read_to_string("/etc/hostname")
        .map(|n| n.trim().to_owned())
        .expect("/etc/hostname");
    let addresses: Vec<_> = tokio::net::lookup_host((name.as_str(), 443))
        .await
        .expect("the host name resolves")
        .collect();
    assert!(
        !addresses.is_empty()
            && addresses
                .iter()
                .all(|a| !debrief::domain::webhooks::is_public(a.ip())),
        "{name} resolves to {addresses:?}: the test needs a name of a local address"
    );
    name
}

async fn local_destinations_are_refused_unless_allowed(backend: Backend) {
    let app = spawn_app_with(backend, |raw| {
        raw.webhook_allow_local_destinations = false;
    })
    .await;
    for url in [
        "http://portal.example.com/hook",
        "https://127.0.0.1/hook",
        "https://10.0.0.8/hook",
        "https://192.168.1.20/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://localhost:8443/hook",
        "https://user:secret@portal.example.com/hook",
    ] {
        let refused = app
            .post_as(&portal(), "/v1/webhooks", &json!({"url": url}))
            .await;
        let problem = assert_problem(refused, 422).await;
        assert_eq!(problem["errors"][0]["field"], "url", "{url}");
    }
    // A name is checked where it leads, at every delivery: this one leads to this machine.
    let name = local_name().await;
    let receiver = Receiver::start().await;
    let port = receiver
        .url
        .split(':')
        .nth(2)
        .and_then(|p| p.split('/').next());
    let url = format!("https://{name}:{}/hooks", port.expect("port"));
    let (subscription, _) = subscribe(&app, json!({"url": url})).await;
    let pinged = ping(&app, &subscription).await;
    assert!(pinged["status_code"].is_null());
    let error = pinged["error"].as_str().expect("error");
    assert!(error.contains("no public address"), "{error}");
    let change = app
        .with_version(
            &portal(),
            Method::PATCH,
            &format!("/v1/webhooks/{}", id(&subscription)),
            "\"1\"",
            &json!({"url": "https://172.16.4.4/"}),
        )
        .await;
    assert_problem(change, 422).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(receiver.received().is_empty());
}
