//! The audit trail: every write and every read of a candidate's feedback by someone else is
//! recorded with who, what, which resource, which candidate and the request id; HR queries it.

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, id, ok, spawn_app, Caller, TestApp};
use crate::scenario::documents;

backend_tests!(
    writes_and_reads_by_others_are_recorded_with_who_what_and_the_request_id,
    hr_queries_the_trail_by_candidate_actor_resource_and_time,
);

const TEXT: &str = "ZZ-AUDIT-FREE-TEXT-0b7d";

/// Released feedback for E1 on a fresh requisition; returns (application, feedback).
async fn released(app: &TestApp) -> (Value, Value) {
    let story = app
        .scenario()
        .document(documents::minimal(&format!("{TEXT} summary")))
        .notes(TEXT)
        .released()
        .await;
    (story.application, story.feedback)
}

async fn events(app: &TestApp, query: &str) -> Vec<Value> {
    let page = ok(app
        .get_as(
            &Caller::hr("AUDITOR"),
            &format!("/v1/audit-events?limit=200&{query}"),
        )
        .await)
    .await;
    page["items"].as_array().expect("items").clone()
}

fn actions(events: &[Value]) -> Vec<(String, String)> {
    events
        .iter()
        .map(|e| {
            (
                e["action"].as_str().expect("action").to_owned(),
                e["actor"].as_str().expect("actor").to_owned(),
            )
        })
        .collect()
}

async fn writes_and_reads_by_others_are_recorded_with_who_what_and_the_request_id(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (_, feedback) = released(&app).await;
    let candidate = Caller::employee("E1");
    // The candidate reading their own feedback is not recorded; the manager reading it is.
    ok(app
        .get_as(&candidate, &format!("/v1/me/feedback/{}", id(&feedback)))
        .await)
    .await;
    let read = app
        .as_(
            &Caller::manager("M1"),
            Method::GET,
            &format!("/v1/feedback/{}", id(&feedback)),
        )
        .header("x-request-id", "audit-probe-1")
        .send()
        .await
        .expect("request");
    assert_eq!(read.status(), 200);
    ok(app
        .get_as(
            &Caller::integration("hr-portal"),
            &format!("/v1/employees/E1/feedback/{}", id(&feedback)),
        )
        .await)
    .await;
    ok(app
        .post_as(
            &candidate,
            &format!("/v1/me/feedback/{}/acknowledge", id(&feedback)),
            &json!({"usefulness_rating": 4}),
        )
        .await)
    .await;

    let about_e1 = events(&app, "candidate_id=E1").await;
    let got = actions(&about_e1);
    let expected: Vec<(String, String)> = [
        ("application.create", "hr-portal"),
        ("application.decide", "hr-portal"),
        ("feedback.create", "M1"),
        ("feedback.submit", "M1"),
        ("feedback.approve", "H1"),
        ("feedback.release", "H1"),
        ("feedback.read", "M1"),
        ("feedback.read", "hr-portal"),
        ("feedback.acknowledge", "E1"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(got, expected);
    let manager_read = &about_e1[6];
    assert_eq!(manager_read["request_id"], "audit-probe-1");
    assert_eq!(manager_read["resource_type"], "feedback");
    assert_eq!(manager_read["resource_id"], feedback["id"]);
    assert_eq!(
        manager_read["actor_roles"],
        json!(["employee", "hiring_manager"])
    );
    assert_eq!(about_e1[5]["details"]["to"], "released");
    // Details carry ids and states, never the text.
    let all = ok(app
        .get_as(&Caller::hr("AUDITOR"), "/v1/audit-events?limit=200")
        .await)
    .await
    .to_string();
    assert!(!all.contains(TEXT), "free text reached the audit trail");
    // The requisition's own events are there too (no candidate).
    let requisitions = events(&app, "resource_type=requisition").await;
    assert_eq!(
        actions(&requisitions),
        [("requisition.create".to_owned(), "hr-portal".to_owned())]
    );
    // Only HR reads the trail; there is no way to change it through the API.
    assert_problem(
        app.get_as(&Caller::manager("M1"), "/v1/audit-events").await,
        403,
    )
    .await;
    let delete = app
        .as_(&Caller::hr("H1"), Method::DELETE, "/v1/audit-events")
        .send()
        .await
        .expect("request");
    assert_problem(delete, 405).await;
}

async fn hr_queries_the_trail_by_candidate_actor_resource_and_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let before = chrono::Utc::now();
    let (application, feedback) = released(&app).await;
    let by_h1 = events(&app, "actor=H1").await;
    assert_eq!(
        actions(&by_h1)
            .iter()
            .map(|(a, _)| a.as_str())
            .collect::<Vec<_>>(),
        ["feedback.approve", "feedback.release"]
    );
    let on_application = events(
        &app,
        &format!("resource_type=application&resource_id={}", id(&application)),
    )
    .await;
    assert_eq!(on_application.len(), 2);
    let since = before
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
        .replace('+', "%2B");
    let in_range = events(&app, &format!("from={since}&candidate_id=E1")).await;
    assert_eq!(in_range.len(), 6);
    let future = (chrono::Utc::now() + chrono::Duration::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert!(events(&app, &format!("from={future}")).await.is_empty());
    // Cursor pagination walks every event once.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/audit-events?limit=3&cursor={c}"),
            None => "/v1/audit-events?limit=3".into(),
        };
        let page = ok(app.get_as(&Caller::hr("AUDITOR"), &path).await).await;
        seen.extend(page["items"].as_array().expect("items").iter().map(id));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());
    assert_eq!(seen.len(), events(&app, "").await.len());
    // Provisioning, the requisition, the application and its decision, and four feedback steps.
    assert_eq!(seen.len(), 8);
    assert_problem(
        app.get_as(
            &Caller::hr("H1"),
            "/v1/audit-events?candidate_id=not%20valid",
        )
        .await,
        422,
    )
    .await;
    // Another tenant's trail is separate.
    let other = ok(app
        .get_as(&Caller::hr("H9").in_tenant("globex"), "/v1/audit-events")
        .await)
    .await;
    assert!(!other.to_string().contains(&id(&feedback)));
}
