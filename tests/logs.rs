//! Logs carry ids, never feedback text, personal free text or tokens: a whole flow runs with
//! every log level on, and the captured log is searched for what must not be there.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/mod.rs"]
pub mod common;
#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[path = "api/scenario.rs"]
mod scenario;

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;

use common::Backend;
use helpers::{id, ok, spawn_app, Caller, TestApp};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const MARKER: &str = "QQ-PRIVATE-TEXT-5e1d";
/// An employee id that only ever appears in a request path.
const PERSON: &str = "QQ-PERSON-77";

async fn flow(app: &TestApp) -> Vec<String> {
    let (portal, manager, hr, candidate) = (
        Caller::integration("hr-portal"),
        Caller::manager("M1"),
        Caller::hr("H1"),
        Caller::employee("E1"),
    );
    let document = json!({
        "reasons": ["skills_gap"],
        "strengths": [format!("{MARKER} strength")],
        "development_actions": [{"kind": "course", "title": format!("{MARKER} course"), "horizon": "short_term"}],
        "summary": format!("{MARKER} summary"),
    });
    let feedback = app
        .scenario()
        .document(document)
        .notes(format!("{MARKER} notes"))
        .draft()
        .await
        .feedback;
    let path = format!("/v1/feedback/{}", id(&feedback));
    ok(app.post_empty(&manager, &format!("{path}/submit")).await).await;
    ok(app
        .post_as(
            &hr,
            &format!("{path}/return"),
            &json!({"comment": format!("{MARKER} comment")}),
        )
        .await)
    .await;
    ok(app.post_empty(&manager, &format!("{path}/submit")).await).await;
    ok(app.post_empty(&hr, &format!("{path}/approve")).await).await;
    ok(app.post_empty(&hr, &format!("{path}/release")).await).await;
    let own = format!("/v1/me/feedback/{}", id(&feedback));
    ok(app
        .post_as(
            &candidate,
            &format!("{own}/acknowledge"),
            &json!({"usefulness_rating": 4, "comment": format!("{MARKER} thanks")}),
        )
        .await)
    .await;
    ok(app
        .post_as(
            &candidate,
            &format!("{own}/follow-ups"),
            &json!({"addressee": "hr", "message": format!("{MARKER} talk?")}),
        )
        .await)
    .await;
    // Refused input is not logged either.
    let refused = app
        .post_as(
            &manager,
            "/v1/requisitions",
            &json!({"title": format!("{MARKER} refused"), "department": "x", "hiring_manager_ids": ["M1"]}),
        )
        .await;
    assert_eq!(refused.status(), 403);
    let bad = app
        .post_as(
            &hr,
            "/v1/catalogs/competencies",
            &json!({"key": "Bad Key", "name": format!("{MARKER} name")}),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let tokens = vec![
        app.token(&portal),
        app.token(&manager),
        app.token(&hr),
        app.token(&candidate),
    ];
    // A forged token is refused and not logged.
    let forged = app
        .client
        .get(app.url("/v1/me/feedback"))
        .header("authorization", format!("Bearer {MARKER}.forged.token"))
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status(), 401);
    ok(app.get_as(&hr, &format!("{path}/history")).await).await;
    // A path that names a person: the access log carries the route template, not the path.
    ok(app
        .get_as(&portal, &format!("/v1/employees/{PERSON}/feedback?limit=5"))
        .await)
    .await;
    tokens
}

#[tokio::test]
async fn logs_carry_ids_but_no_feedback_text_personal_text_or_tokens() {
    let captured = Captured::default();
    let sink = captured.clone();
    debrief::telemetry::init_with_writer(
        debrief::config::LogFormat::Json,
        "trace,hyper=off,hyper_util=off,reqwest=off,h2=off",
        move || sink.clone(),
    );
    let app = spawn_app(Backend::Sqlite).await;
    let tokens = flow(&app).await;
    let log = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf8");
    assert!(
        log.contains("request_id") && log.contains("feedback workflow step"),
        "the log was captured: {}",
        &log[..log.len().min(2000)]
    );
    let timed = log.lines().find(|line| {
        line.contains("\"statement finished\"")
            && line.contains("\"statement\":\"get_feedback\"")
            && line.contains("elapsed_us")
            && line.contains("request_id")
    });
    assert!(
        timed.is_some(),
        "each statement's time is logged inside its request"
    );
    assert!(!log.contains(MARKER), "free text reached the log");
    assert!(
        !log.contains(PERSON),
        "an employee id from a path reached the log"
    );
    assert!(
        log.contains("/v1/employees/{employee_id}/feedback"),
        "the access log names the route template"
    );
    for token in tokens {
        let signature = token.rsplit('.').next().expect("signature");
        assert!(!log.contains(signature), "a token reached the log");
    }
    assert!(
        !log.to_lowercase().contains("bearer "),
        "an Authorization header reached the log"
    );
}
