//! The outbox and its feed: every change that matters is an event, written in the change's
//! transaction, read in order through stable cursors, without free text, per tenant.

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, id, ok, portal, spawn_app, Caller, TestApp};
use crate::scenario::documents;

backend_tests!(
    a_rejection_is_told_as_events_in_order_and_polled_by_cursor,
    the_feed_carries_no_free_text_and_writes_no_audit_event,
    a_refused_change_writes_no_event,
    the_feed_is_per_tenant_and_for_hr_and_the_portal_only,
    erasure_pseudonymises_the_subject_in_events,
    the_retention_run_purges_events_after_the_configured_days,
);

const MARKER: &str = "QQ-EVENT-TEXT-41c9";

async fn feed(app: &TestApp, query: &str) -> Value {
    ok(app.get_as(&portal(), &format!("/v1/events{query}")).await).await
}

/// The feed once it holds at least `count` events. On PostgreSQL an event appears once every
/// write transaction that started before it has ended; other tests' writes on the shared
/// server can hold a fresh one back for a few milliseconds.
async fn feed_until(app: &TestApp, query: &str, count: usize) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let page = feed(app, query).await;
        let have = page["items"].as_array().map_or(0, Vec::len);
        if have >= count || std::time::Instant::now() > deadline {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn types(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["type"].as_str().expect("type").to_owned())
        .collect()
}

async fn a_rejection_is_told_as_events_in_order_and_polled_by_cursor(backend: Backend) {
    let app = spawn_app(backend).await;
    let story = app.scenario().released().await;
    let page = feed_until(&app, "", 4).await;
    assert_eq!(
        types(&page),
        [
            "application.decided",
            "feedback.submitted",
            "feedback.approved",
            "feedback.released"
        ]
    );
    let released = &page["items"][3];
    assert_eq!(released["data"]["feedback_id"], story.feedback["id"]);
    assert_eq!(released["data"]["application_id"], story.application["id"]);
    assert_eq!(released["data"]["candidate_id"], "E1");
    assert_eq!(released["data"]["author_id"], "M1");
    assert_eq!(released["data"]["notify"], json!(["E1", "M1"]));
    assert_eq!(released["data"]["status"], "released");
    assert!(released["timestamp"].as_str().is_some());
    assert_eq!(page["items"][0]["data"]["outcome"], "rejected");

    // Polling from where the feed stopped returns what happened since, once.
    let cursor = page["next_cursor"].as_str().expect("cursor").to_owned();
    let nothing = feed(&app, &format!("?cursor={cursor}")).await;
    assert_eq!(nothing["items"], json!([]));
    assert_eq!(
        nothing["next_cursor"],
        cursor.as_str(),
        "still where it was"
    );
    let own = format!("/v1/me/feedback/{}/acknowledge", id(&story.feedback));
    ok(app
        .post_as(
            &Caller::employee("E1"),
            &own,
            &json!({"usefulness_rating": 5}),
        )
        .await)
    .await;
    let since = feed_until(&app, &format!("?cursor={cursor}"), 1).await;
    assert_eq!(types(&since), ["feedback.acknowledged"]);

    // Small pages walk the same sequence; a type filter narrows it.
    let mut walked = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..10 {
        let query = match &next {
            Some(c) => format!("?limit=2&cursor={c}"),
            None => "?limit=2".into(),
        };
        let page = feed(&app, &query).await;
        let got = types(&page);
        if got.is_empty() {
            break;
        }
        walked.extend(got);
        next = page["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(walked.len(), 5, "{walked:?}");
    assert_eq!(walked[4], "feedback.acknowledged");
    let only = feed(&app, "?type=feedback.released,feedback.amended").await;
    assert_eq!(types(&only), ["feedback.released"]);
    let unknown = app
        .get_as(&portal(), "/v1/events?type=feedback.exploded")
        .await;
    let body = assert_problem(unknown, 422).await;
    assert_eq!(body["errors"][0]["field"], "type");
}

async fn audit_count(app: &TestApp) -> usize {
    ok(app
        .get_as(&Caller::hr("H1"), "/v1/audit-events?limit=200")
        .await)
    .await["items"]
        .as_array()
        .expect("items")
        .len()
}

async fn the_feed_carries_no_free_text_and_writes_no_audit_event(backend: Backend) {
    let app = spawn_app(backend).await;
    let story = app
        .scenario()
        .document(documents::marked(MARKER, "summary"))
        .notes(format!("{MARKER} notes"))
        .released()
        .await;
    let follow_up = format!("/v1/me/feedback/{}/follow-ups", id(&story.feedback));
    ok(app
        .post_as(
            &Caller::employee("E1"),
            &follow_up,
            &json!({"addressee": "hr", "message": format!("{MARKER} can we talk?")}),
        )
        .await)
    .await;
    let page = feed_until(&app, "", 5).await;
    let before = audit_count(&app).await;
    feed(&app, "").await;
    assert!(types(&page).contains(&"follow_up.requested".to_owned()));
    assert!(
        !page.to_string().contains(MARKER),
        "free text in the feed: {page}"
    );
    assert_eq!(
        audit_count(&app).await,
        before,
        "reading the feed is not audited"
    );
}

async fn a_refused_change_writes_no_event(backend: Backend) {
    let app = spawn_app(backend).await;
    let story = app.scenario().draft().await;
    let before = types(&feed_until(&app, "", 1).await);
    assert_eq!(before, ["application.decided"]);
    // HR cannot approve a draft: 409, and nothing is told.
    let refused = app
        .post_empty(
            &Caller::hr("H1"),
            &format!("/v1/feedback/{}/approve", id(&story.feedback)),
        )
        .await;
    assert_problem(refused, 409).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(types(&feed(&app, "").await), before);
}

async fn the_feed_is_per_tenant_and_for_hr_and_the_portal_only(backend: Backend) {
    let app = spawn_app(backend).await;
    app.scenario().released().await;
    feed_until(&app, "", 4).await;
    let globex = ok(app
        .get_as(&portal().in_tenant("globex"), "/v1/events")
        .await)
    .await;
    assert_eq!(globex["items"], json!([]));
    assert_eq!(
        ok(app.get_as(&Caller::hr("H1"), "/v1/events").await).await["items"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
    for caller in [Caller::employee("E1"), Caller::manager("M1")] {
        assert_problem(app.get_as(&caller, "/v1/events").await, 403).await;
    }
    // A cursor of another list is not a feed position.
    let audit = ok(app
        .get_as(&Caller::hr("H1"), "/v1/audit-events?limit=1")
        .await)
    .await;
    let foreign = audit["next_cursor"].as_str().expect("cursor");
    assert_problem(
        app.get_as(&portal(), &format!("/v1/events?cursor={foreign}"))
            .await,
        422,
    )
    .await;
}

async fn erasure_pseudonymises_the_subject_in_events(backend: Backend) {
    let app = spawn_app(backend).await;
    app.scenario().released().await;
    let erased = app
        .as_(&Caller::hr("H1"), Method::POST, "/v1/subjects/E1/erasure")
        .send()
        .await
        .expect("erasure");
    assert!(erased.status().is_success(), "{}", erased.status());
    let page = feed_until(&app, "", 5).await;
    let kinds = types(&page);
    assert_eq!(kinds.last().map(String::as_str), Some("subject.erased"));
    let text = page.to_string();
    assert!(
        !text.contains("\"E1\""),
        "the erased id is still in the feed: {text}"
    );
    let pseudonym = page["items"][0]["data"]["candidate_id"]
        .as_str()
        .expect("candidate");
    assert!(pseudonym.starts_with("erased:"), "{pseudonym}");
}

async fn the_retention_run_purges_events_after_the_configured_days(backend: Backend) {
    let app = spawn_app(backend).await;
    app.scenario().released().await;
    feed_until(&app, "", 4).await;
    let store = debrief::storage::Store::connect(&app.settings.database)
        .await
        .expect("store");
    let soon = chrono::Utc::now() + chrono::Duration::days(29);
    let kept = debrief::app::retention::apply(&store, soon, false)
        .await
        .expect("retention");
    assert_eq!(kept.events, 0);
    // A deployment that keeps events for a week (DEBRIEF_EVENT_RETENTION_DAYS=7) still has them
    // after six days, not after eight.
    let six = chrono::Utc::now() + chrono::Duration::days(6);
    let week = debrief::app::retention::apply_with_progress(&store, six, false, 7, &())
        .await
        .expect("retention");
    assert_eq!(week.events, 0);
    let eight = chrono::Utc::now() + chrono::Duration::days(8);
    let dry = debrief::app::retention::apply_with_progress(&store, eight, true, 7, &())
        .await
        .expect("retention");
    assert_eq!(dry.events, 0, "a dry run deletes nothing");
    let purged = debrief::app::retention::apply_with_progress(&store, eight, false, 7, &())
        .await
        .expect("retention");
    assert_eq!(purged.events, 4);
    assert_eq!(feed(&app, "").await["items"], json!([]));
}
