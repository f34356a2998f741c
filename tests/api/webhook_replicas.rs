//! Several `serve` processes on one PostgreSQL database: they share the deliveries (each event
//! reaches each subscription once), one killed with SIGKILL mid-delivery loses nothing, and
//! they send each feedback reminder once between them, and never again after a restart.

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use secrecy::ExposeSecret;
use serde_json::{json, Value};

use crate::common::receiver::{Receiver, Reply};
use crate::common::Backend;
use crate::helpers::{id, ok, portal, spawn_app_with, TestApp};

/// A `debrief serve` process on the test application's database and data directory (so it
/// accepts the same tokens), dispatching every 50 ms, two deliveries at a time, and sending
/// the reminders that have fallen due every second.
struct Replica {
    child: Child,
    port: u16,
}

impl Replica {
    async fn start(app: &TestApp) -> Replica {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_debrief"))
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DEBRIEF_LISTEN", format!("127.0.0.1:{port}"))
            .env(
                "DEBRIEF_DATABASE_URL",
                app.settings.database.url.expose_secret(),
            )
            .env("DEBRIEF_DATA_DIR", &app.settings.data_dir)
            .env("DEBRIEF_LOG_FILTER", "warn")
            .env("DEBRIEF_WEBHOOK_ALLOW_LOCAL_DESTINATIONS", "true")
            .env("DEBRIEF_WEBHOOK_POLL_INTERVAL_MS", "50")
            .env("DEBRIEF_WEBHOOK_CONCURRENCY", "2")
            .env("DEBRIEF_WEBHOOK_LEASE_SECS", "2")
            .env("DEBRIEF_WEBHOOK_TIMEOUT_MS", "1500")
            .env("DEBRIEF_REMINDER_INTERVAL_SECS", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("debrief serve");
        let replica = Replica { child, port };
        let ready = format!("http://127.0.0.1:{port}/health/ready");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let answered = reqwest::get(&ready).await.map(|r| r.status().as_u16());
            if answered.is_ok_and(|status| status == 200) {
                return replica;
            }
            assert!(Instant::now() < deadline, "the replica did not get ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Deliveries this process recorded as delivered (its `/metrics`).
    async fn delivered(&self) -> u64 {
        let metrics = reqwest::get(format!("http://127.0.0.1:{}/metrics", self.port))
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        metrics
            .lines()
            .find(|l| l.starts_with("debrief_webhook_deliveries_total{outcome=\"delivered\"}"))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The in-process application makes the data; its own dispatcher polls only once a minute
/// and it sends no reminders, so the replicas do the delivering and the reminding.
async fn quiet_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |raw| {
        raw.webhook_poll_interval_ms = 60_000;
        raw.reminder_interval_secs = 0;
    })
    .await
}

async fn reminders(app: &TestApp) -> Vec<(String, String)> {
    let feed = ok(app
        .get_as(
            &portal(),
            "/v1/events?type=feedback.due_soon,feedback.overdue,feedback.escalated&limit=200",
        )
        .await)
    .await;
    feed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| {
            let application = e["data"]["application_id"].as_str().expect("application");
            (
                application.to_owned(),
                e["type"].as_str().expect("type").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn two_serve_processes_send_each_reminder_once_and_a_restart_sends_none_again() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let app = quiet_app(backend).await;
    // Six rejections whose feedback fell due a month ago: each is overdue and escalated.
    let mut late = HashSet::new();
    for candidate in ["R1", "R2", "R3", "R4", "R5", "R6"] {
        let story = app.scenario().candidate(candidate).draft().await;
        crate::deadlines::age(&app, &story.application, 30).await;
        late.insert(id(&story.application));
    }
    let released = app.scenario().candidate("R7").released().await;
    crate::deadlines::age(&app, &released.application, 30).await;
    assert!(reminders(&app).await.is_empty());

    let (first, second) = tokio::join!(Replica::start(&app), Replica::start(&app));
    let deadline = Instant::now() + Duration::from_secs(20);
    while reminders(&app).await.len() < 12 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Both keep ticking every second: give them three more ticks each.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let sent = reminders(&app).await;
    let distinct: HashSet<&(String, String)> = sent.iter().collect();
    assert_eq!(sent.len(), 12, "{sent:?}");
    assert_eq!(
        distinct.len(),
        12,
        "each application and step once: {sent:?}"
    );
    assert!(
        sent.iter()
            .all(|(application, _)| late.contains(application)),
        "none for released feedback"
    );
    for kind in ["feedback.overdue", "feedback.escalated"] {
        assert_eq!(sent.iter().filter(|(_, k)| k == kind).count(), 6, "{kind}");
    }

    // Every process stops; a new one starts on the same database and finds nothing to send.
    first.kill();
    second.kill();
    let _restarted = Replica::start(&app).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(reminders(&app).await.len(), 12);
}

#[tokio::test]
async fn two_serve_processes_share_the_deliveries_and_deliver_each_once() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let app = quiet_app(backend).await;
    let receiver = Receiver::start().await;
    receiver.otherwise(Reply::OK.after(Duration::from_millis(100)));
    let subscribed = app
        .post_as(&portal(), "/v1/webhooks", &json!({"url": receiver.url}))
        .await;
    let secret = ok(subscribed).await["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    // Twelve events queued before either process runs.
    for _ in 0..3 {
        app.scenario().released().await;
    }
    let (first, second) = tokio::join!(Replica::start(&app), Replica::start(&app));
    let received = receiver.wait_for(12, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = receiver.received().len().max(received.len());
    assert_eq!(received, 12);
    let received = receiver.received();
    let ids: HashSet<String> = received.iter().map(|m| m.webhook_id()).collect();
    assert_eq!(ids.len(), 12, "each event once");
    assert!(received.iter().all(|m| m.verifies_with(&secret)));
    let (a, b) = (first.delivered().await, second.delivered().await);
    assert_eq!(a + b, 12, "{a} + {b}");
    assert!(a > 0 && b > 0, "both processes delivered: {a} and {b}");
}

#[tokio::test]
async fn a_process_killed_mid_delivery_loses_nothing() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let app = quiet_app(backend).await;
    let receiver = Receiver::start().await;
    // The first attempt never gets its answer: the process is killed while it waits.
    receiver.script([Reply::OK.after(Duration::from_secs(30))]);
    let subscribed = app
        .post_as(&portal(), "/v1/webhooks", &json!({"url": receiver.url}))
        .await;
    let subscription: Value = ok(subscribed).await;
    app.scenario().draft().await;

    let doomed = Replica::start(&app).await;
    let first = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(first.len(), 1);
    doomed.kill();
    let path = format!("/v1/webhooks/{}/deliveries", id(&subscription));
    let pending = ok(app.get_as(&portal(), &path).await).await;
    assert_eq!(pending["items"][0]["state"], "pending");

    // Another process takes it over once the dead one's claim (2 s) runs out.
    let _heir = Replica::start(&app).await;
    let both = receiver.wait_for(2, Duration::from_secs(15)).await;
    assert_eq!(both.len(), 2);
    assert_eq!(both[1].webhook_id(), both[0].webhook_id());
    assert!(both[1].at - both[0].at >= Duration::from_millis(1500));
    let deadline = Instant::now() + Duration::from_secs(10);
    let delivered = loop {
        let page = ok(app.get_as(&portal(), &path).await).await;
        if page["items"][0]["state"] == "delivered" || Instant::now() > deadline {
            break page;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(delivered["items"][0]["state"], "delivered");
    assert_eq!(
        delivered["items"][0]["attempts"], 2,
        "the lost attempt counts"
    );
    let log = ok(app
        .get_as(
            &portal(),
            &format!("/v1/webhooks/{}/attempts", id(&subscription)),
        )
        .await)
    .await;
    assert_eq!(log["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(log["items"][0]["attempt"], 2);
    assert_eq!(log["items"][0]["status_code"], 200);
}

#[tokio::test]
async fn a_stopping_process_finishes_the_delivery_in_flight() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let app = quiet_app(backend).await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::OK.after(Duration::from_millis(1000))]);
    let subscribed = app
        .post_as(&portal(), "/v1/webhooks", &json!({"url": receiver.url}))
        .await;
    let subscription: Value = ok(subscribed).await;
    app.scenario().draft().await;
    let mut stopping = Replica::start(&app).await;
    receiver.wait_for(1, Duration::from_secs(10)).await;
    let term = Command::new("kill")
        .args(["-TERM", &stopping.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(term.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    while stopping.child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "the process did not stop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Stopped, having recorded the answer it was waiting for: nothing left to retry.
    let path = format!("/v1/webhooks/{}/deliveries", id(&subscription));
    let page = ok(app.get_as(&portal(), &path).await).await;
    assert_eq!(page["items"][0]["state"], "delivered", "{page}");
    assert_eq!(page["items"][0]["attempts"], 1);
    assert_eq!(receiver.received().len(), 1);
}
