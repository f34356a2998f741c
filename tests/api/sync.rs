//! Nightly syncs: many requisitions in one request with a result per item, safe to re-run, and
//! `updated_since` on the requisition and application lists.

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, id, ok, portal, spawn_app, Caller, TestApp};

backend_tests!(
    a_bulk_sync_upserts_each_item_and_is_safe_to_re_run,
    a_bulk_sync_of_no_items_or_too_many_is_refused_and_writes_nothing,
    updated_since_lists_only_what_changed_since,
);

fn item(reference: &str, title: &str) -> Value {
    json!({"external_ref": reference, "title": title, "department": "Finance",
           "hiring_manager_ids": ["M1"]})
}

async fn sync(app: &TestApp, items: Vec<Value>) -> Value {
    ok(app
        .post_as(&portal(), "/v1/requisitions:sync", &json!({"items": items}))
        .await)
    .await
}

fn statuses(result: &Value) -> Vec<u64> {
    result["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["status"].as_u64().expect("status"))
        .collect()
}

async fn a_bulk_sync_upserts_each_item_and_is_safe_to_re_run(backend: Backend) {
    let app = spawn_app(backend).await;
    let items = vec![
        item("REQ-1", "Analyst"),
        item("REQ-2", "Engineer"),
        item("REQ-3", " "),
        item("not a ref", "Designer"),
    ];
    let first = sync(&app, items.clone()).await;
    assert_eq!(statuses(&first), [201, 201, 422, 422]);
    assert_eq!(
        (first["created"].as_u64(), first["refused"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(first["items"][2]["problem"]["errors"][0]["field"], "title");
    assert_eq!(
        first["items"][3]["problem"]["errors"][0]["field"],
        "external_ref"
    );
    assert_eq!(first["items"][1]["index"], 1);
    assert_eq!(first["items"][1]["external_ref"], "REQ-2");
    let one = first["items"][0]["requisition"].clone();
    assert_eq!(one["external_ref"], "REQ-1");

    // The same request again: nothing changes, versions included.
    let again = sync(&app, items.clone()).await;
    assert_eq!(statuses(&again), [200, 200, 422, 422]);
    assert_eq!(again["items"][0]["requisition"]["version"], one["version"]);
    assert_eq!(again["updated"], 2);

    // HR closes REQ-1 and cancels REQ-2; the nightly sync re-sends them as open.
    for (requisition, action) in [
        (&one, "close"),
        (&first["items"][1]["requisition"], "cancel"),
    ] {
        let path = format!("/v1/requisitions/{}/{action}", id(requisition));
        ok(app.post_empty(&Caller::hr("H1"), &path).await).await;
    }
    let mut open = item("REQ-1", "Analyst");
    open["status"] = json!("open");
    let mut closed = item("REQ-2", "Engineer");
    closed["status"] = json!("closed");
    let after = sync(&app, vec![open, item("REQ-1", "Senior Analyst"), closed]).await;
    assert_eq!(statuses(&after), [200, 200, 409]);
    assert_eq!(
        after["items"][0]["requisition"]["status"], "closed",
        "never reopened"
    );
    assert_eq!(after["items"][1]["requisition"]["title"], "Senior Analyst");
    assert_eq!(after["items"][1]["requisition"]["status"], "closed");
    assert!(after["items"][2]["problem"]["detail"].is_string());
    let cancelled = ok(app
        .get_as(
            &portal(),
            &format!("/v1/requisitions/{}", id(&first["items"][1]["requisition"])),
        )
        .await)
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    // Hiring managers do not sync.
    let refused = app
        .post_as(
            &Caller::manager("M1"),
            "/v1/requisitions:sync",
            &json!({"items": [item("REQ-9", "X")]}),
        )
        .await;
    assert_problem(refused, 403).await;
}

async fn a_bulk_sync_of_no_items_or_too_many_is_refused_and_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let title = "Role ".repeat(30);
    let many: Vec<Value> = (0..501).map(|i| item(&format!("R-{i}"), &title)).collect();
    let body = json!({ "items": many });
    assert!(
        body.to_string().len() > 64 * 1024,
        "larger than a single request's limit"
    );
    let too_many = app.post_as(&portal(), "/v1/requisitions:sync", &body).await;
    let problem = assert_problem(too_many, 422).await;
    assert_eq!(problem["errors"][0]["field"], "items");
    let none = app
        .post_as(&portal(), "/v1/requisitions:sync", &json!({"items": []}))
        .await;
    assert_problem(none, 422).await;
    let list = ok(app.get_as(&portal(), "/v1/requisitions").await).await;
    assert_eq!(list["items"], json!([]));
    // 500 is allowed.
    let most: Vec<Value> = (0..500).map(|i| item(&format!("R-{i}"), &title)).collect();
    let done = sync(&app, most).await;
    assert_eq!(done["created"], 500);
}

fn encoded(instant: &Value) -> String {
    instant
        .as_str()
        .expect("instant")
        .replace(':', "%3A")
        .replace('+', "%2B")
}

async fn updated_since_lists_only_what_changed_since(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = sync(&app, vec![item("U-1", "One")]).await["items"][0]["requisition"].clone();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let second = sync(&app, vec![item("U-2", "Two")]).await["items"][0]["requisition"].clone();
    let since = encoded(&second["updated_at"]);
    let refs = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|r| r["external_ref"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let page = ok(app
        .get_as(
            &portal(),
            &format!("/v1/requisitions?updated_since={since}"),
        )
        .await)
    .await;
    assert_eq!(refs(&page), ["U-2"]);
    // A change moves U-1 into the window.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    sync(&app, vec![item("U-1", "One, renamed")]).await;
    let page = ok(app
        .get_as(
            &portal(),
            &format!("/v1/requisitions?updated_since={since}"),
        )
        .await)
    .await;
    assert_eq!(refs(&page), ["U-1", "U-2"]);

    // Applications too: a decision is a change.
    let apply = |candidate: &str| json!({"requisition_id": first["id"], "candidate_id": candidate});
    let a = ok(app
        .post_as(&portal(), "/v1/applications", &apply("E1"))
        .await)
    .await;
    let b = ok(app
        .post_as(&portal(), "/v1/applications", &apply("E2"))
        .await)
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let decided = ok(app
        .post_as(
            &portal(),
            &format!("/v1/applications/{}/decision", id(&a)),
            &json!({"outcome": "rejected", "stage_reached": "interview"}),
        )
        .await)
    .await;
    let since = encoded(&decided["updated_at"]);
    let page = ok(app
        .get_as(
            &portal(),
            &format!("/v1/applications?updated_since={since}"),
        )
        .await)
    .await;
    let ids: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|x| x["id"].as_str())
        .collect();
    assert_eq!(ids, [id(&a)]);
    assert_ne!(id(&b), id(&a));
    let bad = app
        .as_(
            &portal(),
            Method::GET,
            "/v1/requisitions?updated_since=yesterday",
        )
        .send()
        .await
        .expect("request");
    assert!(bad.status().is_client_error());
    assert_eq!(bad.headers()["content-type"], "application/problem+json");
}
