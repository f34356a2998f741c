//! What the hot requests cost the database, from `/metrics`
//! (`debrief_db_statements_per_request`, `debrief_db_checkouts_per_request`): statements (each
//! a round trip) and pool checkouts per request, for the candidate's read, list and plan and
//! the manager's draft save, on both backends. The budgets are today's counts: a change that
//! adds a round trip fails here and has to say why (docs/performance.md).

use reqwest::Method;
use serde_json::json;

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{id, ok, spawn_app, Caller, TestApp};
use crate::scenario::documents;

backend_tests!(
    the_hot_requests_stay_within_their_round_trips,
    a_replica_never_validates_with_a_stale_catalog,
);

/// (statements, checkouts) summed over every request to `route` so far, and how many.
async fn cost(app: &TestApp, method: &str, route: &str) -> (f64, f64, f64) {
    let text = app.metrics().await;
    let labels = format!("{{method=\"{method}\",route=\"{route}\"}}");
    let value = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{name}{labels} ")))
            .map_or(0.0, |v| v.trim().parse::<f64>().expect("number"))
    };
    (
        value("debrief_db_statements_per_request_sum"),
        value("debrief_db_checkouts_per_request_sum"),
        value("debrief_db_statements_per_request_count"),
    )
}

/// Runs `request` once to warm up (the first list loads the cursor key once per process), then
/// three times, and answers the statements and checkouts per request of those three.
async fn per_request<F, Fut>(app: &TestApp, method: &str, route: &str, request: F) -> (f64, f64)
where
    F: Fn(u32) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    request(0).await;
    let (statements, checkouts, count) = cost(app, method, route).await;
    for i in 1..=3 {
        request(i).await;
    }
    let (statements_after, checkouts_after, count_after) = cost(app, method, route).await;
    let requests = count_after - count;
    assert_eq!(requests, 3.0, "{method} {route}: three requests counted");
    (
        (statements_after - statements) / requests,
        (checkouts_after - checkouts) / requests,
    )
}

async fn the_hot_requests_stay_within_their_round_trips(backend: Backend) {
    let postgres = matches!(backend, Backend::Postgres(_));
    let app = spawn_app(backend).await;
    let released = app
        .scenario()
        .candidate("E1")
        .document(documents::complete())
        .released()
        .await;
    let feedback = id(&released.feedback);
    let candidate = Caller::employee("E1");
    let read = per_request(&app, "GET", "/v1/me/feedback/{id}", |_| async {
        ok(app
            .get_as(&candidate, &format!("/v1/me/feedback/{feedback}"))
            .await)
        .await;
    })
    .await;
    let list = per_request(&app, "GET", "/v1/me/feedback", |_| async {
        ok(app.get_as(&candidate, "/v1/me/feedback").await).await;
    })
    .await;
    let plan = per_request(&app, "GET", "/v1/me/feedback/{id}/plan", |_| async {
        ok(app
            .get_as(&candidate, &format!("/v1/me/feedback/{feedback}/plan"))
            .await)
        .await;
    })
    .await;

    let draft = app
        .scenario()
        .candidate("E2")
        .document(documents::minimal("First words."))
        .draft()
        .await;
    let path = format!("/v1/feedback/{}", id(&draft.feedback));
    let manager = Caller::manager("M1");
    let save = per_request(&app, "PUT", "/v1/feedback/{id}", |i| {
        let (app, path, manager) = (&app, &path, &manager);
        async move {
            let body = json!({"document": documents::minimal(&format!("Revision {i}."))});
            let version = i + 1;
            ok(app
                .with_version(manager, Method::PUT, path, format!("\"{version}\""), &body)
                .await)
            .await;
        }
    })
    .await;

    // Written at once or not, every save left its workflow event and its audit row.
    let audit = ok(app
        .get_as(
            &Caller::hr("H1"),
            &format!(
                "/v1/audit-events?resource_type=feedback&resource_id={}&limit=200",
                id(&draft.feedback)
            ),
        )
        .await)
    .await;
    let edits: Vec<&serde_json::Value> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "feedback.edit")
        .collect();
    assert_eq!(edits.len(), 4, "{audit}");
    for edit in &edits {
        assert_eq!(edit["actor"], "M1");
        assert_eq!(edit["candidate_id"], "E2");
        assert_eq!(edit["details"]["to"], "draft");
        assert!(edit["request_id"].is_string(), "{edit}");
    }
    let history = ok(app
        .get_as(&Caller::hr("H1"), &format!("{path}/history"))
        .await)
    .await;
    let steps = history["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["action"] == "edit" && e["actor"] == "M1")
        .count();
    assert_eq!(steps, 4, "{history}");

    let measured = [
        ("candidate read", read),
        ("candidate list", list),
        ("plan", plan),
        ("draft save", save),
    ];
    println!("postgres {postgres}: (statements, checkouts) per request: {measured:?}");
    // Budgets: today's counts. The draft save reads the record (with the catalogs' version,
    // which lets the key cache answer) and writes the update, its workflow event and audit row
    // in one statement on PostgreSQL (data-modifying CTEs); on SQLite, in-process, the same
    // writes in one transaction. (Under a
    // PostgreSQL role that row-level security applies to, each checkout also scopes the
    // session to the tenant: one more statement; the tests connect as the tables' owner.)
    // Lower them as requests get cheaper.
    let save = if postgres { 2.0 } else { 6.0 };
    let budgets = [(1.0, 1.0), (1.0, 1.0), (1.0, 1.0), (save, 1.0)];
    for ((name, (statements, checkouts)), (max_statements, max_checkouts)) in
        measured.iter().zip(budgets)
    {
        assert!(
            *statements <= max_statements,
            "{name}: {statements} statements per request, budget {max_statements}"
        );
        assert!(
            *checkouts <= max_checkouts,
            "{name}: {checkouts} checkouts per request, budget {max_checkouts}"
        );
    }
}

/// The catalog keys a save is validated against come from a per-process cache keyed by the
/// catalogs' version that the save's first statement reads: a key retired through another
/// replica is refused here on the very next save.
async fn a_replica_never_validates_with_a_stale_catalog(backend: Backend) {
    let app = spawn_app(backend).await;
    let other = app.replica().await;
    let draft = app
        .scenario()
        .candidate("E4")
        .document(documents::minimal("First words."))
        .draft()
        .await;
    let path = format!("/v1/feedback/{}", id(&draft.feedback));
    let manager = Caller::manager("M1");
    let mut document = documents::minimal("Second words.");
    ok(app
        .with_version(
            &manager,
            Method::PUT,
            &path,
            "\"1\"",
            &json!({"document": document}),
        )
        .await)
    .await;

    let retire = json!({"active": false});
    ok(other
        .with_version(
            &Caller::hr("H1"),
            Method::PATCH,
            "/v1/catalogs/reason-codes/experience_gap",
            "\"1\"",
            &retire,
        )
        .await)
    .await;
    document["reasons"] = json!(["experience_gap"]);
    let refused = app
        .with_version(
            &manager,
            Method::PUT,
            &path,
            "\"2\"",
            &json!({"document": document}),
        )
        .await;
    let problem = crate::helpers::assert_problem(refused, 422).await;
    assert_eq!(
        problem["errors"][0]["field"], "document.reasons[0]",
        "{problem}"
    );
}
