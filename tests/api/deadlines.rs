//! Feedback deadlines: due dates fixed by the tenant's policy, the candidate's view and
//! request, the lists of feedback owed and overdue, and reminders sent once per step.

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use sqlx::Connection;

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, id, ok, portal, spawn_app, Caller, TestApp};

backend_tests!(
    a_rejection_is_due_by_the_policy_of_its_day_and_a_new_policy_moves_no_date,
    the_candidate_sees_where_their_feedback_stands_and_can_ask_for_it,
    managers_see_what_they_owe_and_hr_what_is_overdue,
    reminders_are_told_once_per_step_whoever_sends_them,
);

fn instant(value: &Value) -> DateTime<Utc> {
    value.as_str().expect("instant").parse().expect("RFC 3339")
}

/// Makes an application's due day end `days` days ago, as time passing would.
pub async fn age(app: &TestApp, application: &Value, days: i64) {
    let url = app.settings.database.url.expose_secret().to_owned();
    let due: DateTime<Utc> = Utc::now() - Duration::days(days);
    let date = (due - Duration::days(1)).date_naive();
    let id = uuid::Uuid::parse_str(&id(application)).expect("uuid");
    let sql = "update applications set feedback_due_at = $1, feedback_due_date = $2 where id = $3";
    if url.starts_with("sqlite") {
        let mut c = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("connect");
        sqlx::query(sql)
            .bind(due)
            .bind(date)
            .bind(id)
            .execute(&mut c)
            .await
            .expect("age");
    } else {
        let mut c = sqlx::PgConnection::connect(&url).await.expect("connect");
        sqlx::query(sql)
            .bind(due)
            .bind(date)
            .bind(id)
            .execute(&mut c)
            .await
            .expect("age");
    }
}

async fn application(app: &TestApp, story_app: &Value) -> Value {
    ok(app
        .get_as(&portal(), &format!("/v1/applications/{}", id(story_app)))
        .await)
    .await
}

async fn a_rejection_is_due_by_the_policy_of_its_day_and_a_new_policy_moves_no_date(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let policy = app.get_as(&hr, "/v1/deadline-policy").await;
    assert_eq!(policy.headers()["etag"], "\"1\"");
    let policy: Value = policy.json().await.expect("json");
    assert_eq!(
        policy,
        json!({"due_business_days": 10, "reminder_days_before": [3, 0],
               "escalate_after_business_days": 5, "time_zone": "UTC", "holidays": []})
    );
    let story = app.scenario().draft().await;
    let first = application(&app, &story.application).await;
    let decided = instant(&first["decided_at"]);
    let expected = debrief::domain::deadlines::DeadlinePolicy::default().due(decided);
    assert_eq!(first["feedback_due_date"], expected.date.to_string());
    assert_eq!(instant(&first["feedback_due_at"]), expected.ends);
    // Ten business days span two weekends: at least twelve calendar days whatever the
    // weekday of the decision (a decision late on a Sunday is due at the end of the Friday
    // twelve days later).
    assert!(instant(&first["feedback_due_at"]) > decided + Duration::days(12));
    // The feedback shows its application's due day, from the draft's first answer on.
    assert_eq!(story.feedback["due_date"], first["feedback_due_date"]);
    assert_eq!(story.feedback["due_at"], first["feedback_due_at"]);
    let read = ok(app
        .get_as(&hr, &format!("/v1/feedback/{}", id(&story.feedback)))
        .await)
    .await;
    assert_eq!(read["due_date"], first["feedback_due_date"]);

    let shorter = json!({"due_business_days": 2, "reminder_days_before": [1], "escalate_after_business_days": 3,
                         "time_zone": "Europe/Berlin", "holidays": ["2026-12-24", "2026-12-25"]});
    let unversioned = app
        .as_(&hr, Method::PUT, "/v1/deadline-policy")
        .json(&shorter)
        .send()
        .await
        .expect("put");
    assert_problem(unversioned, 428).await;
    let bad = json!({"due_business_days": 0, "reminder_days_before": [], "escalate_after_business_days": 3,
                     "time_zone": "Europe/Atlantis", "holidays": []});
    let refused = app
        .with_version(&hr, Method::PUT, "/v1/deadline-policy", "\"1\"", &bad)
        .await;
    let problem = assert_problem(refused, 422).await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["due_business_days", "time_zone"]);
    let set = app
        .with_version(&hr, Method::PUT, "/v1/deadline-policy", "\"1\"", &shorter)
        .await;
    assert_eq!(set.headers()["etag"], "\"2\"");
    assert_eq!(ok(set).await, shorter);
    // A whole number written as `2.0` is a number like `2` (JSON Schema's integer): this
    // request is refused for its stale version, not for its body.
    let mut written_as_float = shorter.clone();
    written_as_float["due_business_days"] = json!(2.0);
    let stale = app
        .with_version(
            &hr,
            Method::PUT,
            "/v1/deadline-policy",
            "\"1\"",
            &written_as_float,
        )
        .await;
    assert_problem(stale, 412).await;
    for caller in [Caller::manager("M1"), portal()] {
        assert_problem(app.get_as(&caller, "/v1/deadline-policy").await, 403).await;
    }

    // The first rejection keeps its date; the next one is due by the new policy.
    assert_eq!(
        application(&app, &story.application).await["feedback_due_date"],
        first["feedback_due_date"]
    );
    let next = app.scenario().candidate("E2").draft().await;
    let second = application(&app, &next.application).await;
    let policy = debrief::domain::deadlines::DeadlinePolicy::parse(
        2,
        &[1],
        3,
        "Europe/Berlin",
        &["2026-12-24".parse().unwrap(), "2026-12-25".parse().unwrap()],
    )
    .unwrap();
    let expected = policy.due(instant(&second["decided_at"]));
    assert_eq!(second["feedback_due_date"], expected.date.to_string());
    assert_eq!(instant(&second["feedback_due_at"]), expected.ends);
    // A hire has no feedback due.
    let hired = app.scenario().candidate("E3").application().await;
    let decision = format!("/v1/applications/{}/decision", id(&hired.application));
    let body = json!({"outcome": "hired", "stage_reached": "interview"});
    ok(app.post_as(&portal(), &decision, &body).await).await;
    assert!(application(&app, &hired.application).await["feedback_due_date"].is_null());
}

async fn own_status(app: &TestApp, candidate: &'static str) -> Value {
    let page = ok(app
        .get_as(&Caller::employee(candidate), "/v1/me/applications")
        .await)
    .await;
    page["items"][0].clone()
}

async fn the_candidate_sees_where_their_feedback_stands_and_can_ask_for_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let story = app.scenario().draft().await;
    let mine = own_status(&app, "E1").await;
    assert_eq!(mine["feedback"]["status"], "not_started");
    assert!(mine["feedback"]["due_date"].is_string());
    assert!(mine["feedback"]["requested_at"].is_null());
    assert!(mine.get("document").is_none() && mine["feedback"].get("summary").is_none());

    let ask = format!(
        "/v1/me/applications/{}/feedback-request",
        id(&story.application)
    );
    let first = app.post_empty(&Caller::employee("E1"), &ask).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("json");
    assert_eq!(first["recorded"], true);
    let again = app.post_empty(&Caller::employee("E1"), &ask).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.expect("json");
    assert_eq!(again["recorded"], false);
    assert_eq!(again["requested_at"], first["requested_at"]);
    // Someone else's application, or a made-up one, is not found.
    assert_problem(app.post_empty(&Caller::employee("E2"), &ask).await, 404).await;
    let unknown = format!(
        "/v1/me/applications/{}/feedback-request",
        uuid::Uuid::now_v7()
    );
    assert_problem(app.post_empty(&Caller::employee("E1"), &unknown).await, 404).await;
    let status = own_status(&app, "E1").await;
    assert_eq!(status["feedback"]["requested_at"], first["requested_at"]);
    assert_eq!(
        application(&app, &story.application).await["feedback_requested_at"],
        first["requested_at"]
    );
    let feedback = format!("/v1/feedback/{}", id(&story.feedback));
    let seen = ok(app.get_as(&Caller::manager("M1"), &feedback).await).await;
    assert_eq!(seen["requested_at"], first["requested_at"]);

    // Told once, to the hiring manager, with no free text.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let told = loop {
        let feed = ok(app
            .get_as(&portal(), "/v1/events?type=feedback.requested")
            .await)
        .await;
        if !feed["items"].as_array().expect("items").is_empty()
            || std::time::Instant::now() > deadline
        {
            break feed;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(told["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(told["items"][0]["data"]["notify"], json!(["M1"]));
    assert_eq!(
        told["items"][0]["data"]["application_id"],
        story.application["id"]
    );

    // In review, then released: the status follows, the content stays where it was.
    let submit = format!("/v1/feedback/{}/submit", id(&story.feedback));
    ok(app.post_empty(&Caller::manager("M1"), &submit).await).await;
    assert_eq!(
        own_status(&app, "E1").await["feedback"]["status"],
        "in_review"
    );
    for step in ["approve", "release"] {
        ok(app
            .post_empty(
                &Caller::hr("H1"),
                &format!("/v1/feedback/{}/{step}", id(&story.feedback)),
            )
            .await)
        .await;
    }
    assert_eq!(
        own_status(&app, "E1").await["feedback"]["status"],
        "released"
    );
}

async fn due_list(app: &TestApp, caller: &Caller, query: &str) -> Vec<Value> {
    ok(app
        .get_as(caller, &format!("/v1/feedback-due{query}"))
        .await)
    .await["items"]
        .as_array()
        .expect("items")
        .clone()
}

async fn managers_see_what_they_owe_and_hr_what_is_overdue(backend: Backend) {
    let app = spawn_app(backend).await;
    let soon = app.scenario().draft().await;
    let late = app.scenario().candidate("E2").draft().await;
    let other = app
        .scenario()
        .candidate("E3")
        .managers(&["M2"])
        .draft()
        .await;
    let released = app.scenario().candidate("E4").released().await;
    age(&app, &application(&app, &late.application).await, 4).await;

    let mine = due_list(&app, &Caller::manager("M1"), "").await;
    let ids: Vec<&str> = mine
        .iter()
        .filter_map(|d| d["application_id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [id(&late.application), id(&soon.application)],
        "due soonest first"
    );
    assert_eq!(mine[0]["progress"], "overdue");
    assert!(
        mine[0]["days_overdue"].as_u64().is_some_and(|d| d >= 2),
        "{}",
        mine[0]
    );
    assert_eq!(mine[1]["days_overdue"], 0);
    assert_eq!(mine[1]["feedback_status"], "draft");
    assert!(
        !ids.contains(&id(&released.application).as_str()),
        "released stops the clock"
    );
    assert_eq!(due_list(&app, &Caller::manager("M2"), "").await.len(), 1);

    let hr = Caller::hr("H1");
    assert_eq!(due_list(&app, &hr, "").await.len(), 3);
    let overdue = due_list(&app, &hr, "?overdue=true").await;
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["application_id"], late.application["id"]);
    // Keyset pages walk the same order.
    let first = ok(app.get_as(&hr, "/v1/feedback-due?limit=2").await).await;
    let cursor = first["next_cursor"].as_str().expect("cursor");
    let rest = ok(app
        .get_as(&hr, &format!("/v1/feedback-due?limit=2&cursor={cursor}"))
        .await)
    .await;
    assert_eq!(rest["items"][0]["application_id"], other.application["id"]);
    assert!(rest["next_cursor"].is_null());
    for caller in [Caller::employee("E1"), portal()] {
        assert_problem(app.get_as(&caller, "/v1/feedback-due").await, 403).await;
    }
}

async fn reminder_events(app: &TestApp) -> Vec<Value> {
    let feed = ok(app
        .get_as(
            &portal(),
            "/v1/events?type=feedback.due_soon,feedback.overdue,feedback.escalated&limit=200",
        )
        .await)
    .await;
    feed["items"].as_array().expect("items").clone()
}

async fn reminders_are_told_once_per_step_whoever_sends_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let story = app.scenario().draft().await;
    let done = app.scenario().candidate("E2").released().await;
    let row = application(&app, &story.application).await;
    let policy = debrief::domain::deadlines::DeadlinePolicy::default();
    let due = debrief::domain::deadlines::Due {
        date: row["feedback_due_date"].as_str().unwrap().parse().unwrap(),
        ends: instant(&row["feedback_due_at"]),
    };
    let steps = policy.schedule(&due);
    // Two stores are two processes; a third, later, is a restart.
    let (a, b) = (
        debrief::storage::Store::connect(&app.settings.database)
            .await
            .expect("store"),
        debrief::storage::Store::connect(&app.settings.database)
            .await
            .expect("store"),
    );
    let send = debrief::app::deadlines::send_reminders;
    assert_eq!(
        send(&a, steps[0].2 - Duration::seconds(1))
            .await
            .expect("send"),
        0,
        "nothing due yet"
    );
    let at = steps[0].2 + Duration::minutes(1); // three business days before
    let (x, y) = tokio::join!(send(&a, at), send(&b, at));
    assert_eq!(x.expect("send") + y.expect("send"), 1);
    let overdue_at = due.ends + Duration::hours(1);
    let (x, y) = tokio::join!(send(&a, overdue_at), send(&b, overdue_at));
    // The due-day reminder is skipped once the feedback is already overdue.
    assert_eq!(x.expect("send") + y.expect("send"), 1);
    let restarted = debrief::storage::Store::connect(&app.settings.database)
        .await
        .expect("store");
    assert_eq!(send(&restarted, overdue_at).await.expect("send"), 0);
    let escalate_at = steps[3].2 + Duration::hours(1);
    assert_eq!(send(&restarted, escalate_at).await.expect("send"), 1);
    assert_eq!(
        send(&restarted, escalate_at + Duration::days(30))
            .await
            .expect("send"),
        0,
        "escalated: done"
    );

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let events = loop {
        let events = reminder_events(&app).await;
        if events.len() >= 3 || std::time::Instant::now() > deadline {
            break events;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(
        kinds,
        [
            "feedback.due_soon",
            "feedback.overdue",
            "feedback.escalated"
        ]
    );
    assert!(
        events
            .iter()
            .all(|e| e["data"]["application_id"] == story.application["id"]),
        "none for released feedback ({})",
        id(&done.application)
    );
    assert_eq!(events[0]["data"]["business_days"], 3);
    assert_eq!(
        events[0]["data"]["notify"],
        json!(["M1"]),
        "the manager, not the candidate"
    );
    assert!(events[2]["data"]["days_overdue"]
        .as_u64()
        .is_some_and(|d| d >= 5));
    assert_eq!(events[2]["data"]["candidate_id"], "E1");
}
