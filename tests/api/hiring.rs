//! Requisitions, applications and decisions: the HR-portal integration API.

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, id, portal, spawn_app, Caller, TestApp};

backend_tests!(
    hr_creates_reads_and_changes_a_requisition,
    a_sync_upsert_by_external_ref_is_idempotent,
    requisition_status_moves_follow_the_lifecycle,
    requisition_lists_filter_and_scope_to_the_hiring_manager,
    pagination_is_stable_and_complete_under_concurrent_inserts,
    a_replayed_idempotency_key_creates_one_row,
    applications_are_unique_per_requisition_and_candidate,
    a_decision_is_recorded_once_with_who_and_when,
    application_sync_updates_the_stage_and_refuses_illegal_changes,
    employees_see_only_the_status_of_their_own_applications,
    invalid_hiring_input_is_reported_per_field_and_changes_nothing,
);

async fn body(response: reqwest::Response) -> Value {
    response.json().await.expect("json")
}

fn requisition(title: &str, managers: &[&str]) -> Value {
    json!({"title": title, "department": "Finance", "hiring_manager_ids": managers, "hr_partner_ids": ["H1"]})
}

async fn create_requisition(app: &TestApp, title: &str, managers: &[&str]) -> Value {
    let response = app
        .post_as(&portal(), "/v1/requisitions", &requisition(title, managers))
        .await;
    assert_eq!(response.status(), 201);
    body(response).await
}

async fn create_application(app: &TestApp, requisition_id: &str, candidate: &str) -> Value {
    let response = app
        .post_as(
            &portal(),
            "/v1/applications",
            &json!({"requisition_id": requisition_id, "candidate_id": candidate}),
        )
        .await;
    assert_eq!(response.status(), 201);
    body(response).await
}

async fn hr_creates_reads_and_changes_a_requisition(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let created = app
        .post_as(
            &hr,
            "/v1/requisitions",
            &json!({"external_ref": "REQ-1", "title": " Senior Analyst ", "department": "Finance",
                    "hiring_manager_ids": ["M2", "M1", "M2"]}),
        )
        .await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["etag"], "\"1\"");
    let location = created.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let requisition = body(created).await;
    assert_eq!(location, format!("/v1/requisitions/{}", id(&requisition)));
    assert_eq!(requisition["title"], "Senior Analyst");
    assert_eq!(requisition["hiring_manager_ids"], json!(["M1", "M2"]));
    assert_eq!(requisition["hr_partner_ids"], json!([]));
    assert_eq!(requisition["status"], "open");
    assert_eq!(
        uuid::Uuid::parse_str(&id(&requisition))
            .expect("uuid")
            .get_version_num(),
        7
    );

    let read = app.get_as(&hr, &location).await;
    assert_eq!(read.headers()["etag"], "\"1\"");
    assert_eq!(body(read).await, requisition);

    let patch = |tag: &'static str, change: Value| {
        app.as_(&hr, Method::PATCH, &location)
            .header("if-match", tag)
            .json(&change)
            .send()
    };
    let changed = patch(
        "\"1\"",
        json!({"hiring_manager_ids": ["M3"], "department": "Risk"}),
    )
    .await
    .expect("request");
    assert_eq!(changed.status(), 200);
    let changed = body(changed).await;
    assert_eq!(
        (changed["version"].clone(), changed["department"].clone()),
        (json!(2), json!("Risk"))
    );
    assert_eq!(changed["hiring_manager_ids"], json!(["M3"]));
    assert_eq!(changed["title"], "Senior Analyst");
    assert_problem(
        patch("\"1\"", json!({"title": "Lost"}))
            .await
            .expect("request"),
        412,
    )
    .await;
    assert_problem(
        app.as_(&hr, Method::PATCH, &location)
            .json(&json!({"title": "X"}))
            .send()
            .await
            .expect("request"),
        428,
    )
    .await;
    assert_problem(
        patch("\"2\"", json!({"hiring_manager_ids": []}))
            .await
            .expect("request"),
        422,
    )
    .await;
    // The old manager lost access, the new one has it.
    assert_problem(app.get_as(&Caller::manager("M1"), &location).await, 404).await;
    assert_eq!(
        app.get_as(&Caller::manager("M3"), &location).await.status(),
        200
    );
}

async fn a_sync_upsert_by_external_ref_is_idempotent(backend: Backend) {
    let app = spawn_app(backend).await;
    let sync = |payload: Value| {
        app.as_(&portal(), Method::PUT, "/v1/requisitions/by-ref/ATS-77")
            .json(&payload)
            .send()
    };
    let first = sync(requisition("Data Engineer", &["M1"]))
        .await
        .expect("request");
    assert_eq!(first.status(), 201);
    let first = body(first).await;
    assert_eq!(first["external_ref"], "ATS-77");
    let again = sync(requisition("Data Engineer", &["M1"]))
        .await
        .expect("request");
    assert_eq!(again.status(), 200);
    assert_eq!(
        body(again).await,
        first,
        "a re-run changes nothing, not even the version"
    );

    let renamed = body(
        sync(requisition("Senior Data Engineer", &["M1", "M4"]))
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(
        (renamed["id"].clone(), renamed["version"].clone()),
        (first["id"].clone(), json!(2))
    );
    assert_eq!(renamed["hiring_manager_ids"], json!(["M1", "M4"]));

    let mut closed = requisition("Senior Data Engineer", &["M1", "M4"]);
    closed["status"] = json!("closed");
    assert_eq!(
        body(sync(closed).await.expect("request")).await["status"],
        "closed"
    );
    let mut cancelled = requisition("Senior Data Engineer", &["M1", "M4"]);
    cancelled["status"] = json!("cancelled");
    assert_problem(sync(cancelled).await.expect("request"), 409).await;
    // Re-sending the state as first synced (status omitted, or `open`) keeps HR's close.
    let rerun = body(
        sync(requisition("Senior Data Engineer", &["M1", "M4"]))
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(
        rerun["status"], "closed",
        "an omitted status keeps the current one"
    );
    let mut reopen = requisition("Senior Data Engineer", &["M1", "M4"]);
    reopen["status"] = json!("open");
    let reopened = sync(reopen).await.expect("request");
    assert_eq!(reopened.status(), 200);
    assert_eq!(
        body(reopened).await["status"],
        "closed",
        "a sync never reopens"
    );
    let mut without_partners = requisition("Senior Data Engineer", &["M1", "M4"]);
    without_partners
        .as_object_mut()
        .expect("object")
        .remove("hr_partner_ids");
    let kept = body(sync(without_partners).await.expect("request")).await;
    assert_eq!(
        kept["hr_partner_ids"],
        json!(["H1"]),
        "omitted people keep theirs"
    );

    let list = body(app.get_as(&portal(), "/v1/requisitions").await).await;
    assert_eq!(
        list["items"].as_array().expect("items").len(),
        1,
        "one row for all the syncs"
    );
    // The same reference cannot be created twice through POST either.
    let mut duplicate = requisition("Dup", &["M1"]);
    duplicate["external_ref"] = json!("ATS-77");
    assert_problem(
        app.post_as(&portal(), "/v1/requisitions", &duplicate).await,
        409,
    )
    .await;
}

async fn requisition_status_moves_follow_the_lifecycle(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let req = create_requisition(&app, "Analyst", &["M1"]).await;
    let path = |action: &str| format!("/v1/requisitions/{}/{action}", id(&req));
    let act = |action: &'static str, _: Option<&'static str>| {
        app.as_(&hr, Method::POST, &path(action)).send()
    };
    let closed = body(act("close", None).await.expect("request")).await;
    assert_eq!(
        (closed["status"].clone(), closed["version"].clone()),
        (json!("closed"), json!(2))
    );
    let again = body(act("close", None).await.expect("request")).await;
    assert_eq!(
        again["version"], 2,
        "closing a closed requisition changes nothing"
    );
    assert_problem(act("cancel", None).await.expect("request"), 409).await;
    assert_eq!(
        body(act("reopen", None).await.expect("request")).await["status"],
        "open"
    );
    assert_eq!(
        body(act("cancel", None).await.expect("request")).await["status"],
        "cancelled"
    );
    for action in ["close", "reopen"] {
        let problem = assert_problem(act(action, None).await.expect("request"), 409).await;
        assert!(problem["detail"]
            .as_str()
            .expect("detail")
            .contains("cancelled"));
    }
    let missing = app
        .post_empty(
            &hr,
            &format!("/v1/requisitions/{}/close", uuid::Uuid::now_v7()),
        )
        .await;
    assert_problem(missing, 404).await;
}

async fn requisition_lists_filter_and_scope_to_the_hiring_manager(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = create_requisition(&app, "A", &["M1"]).await;
    let b = create_requisition(&app, "B", &["M1", "M2"]).await;
    let c = create_requisition(&app, "C", &["M2"]).await;
    app.post_empty(&portal(), &format!("/v1/requisitions/{}/close", id(&c)))
        .await;
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(id)
            .collect()
    };

    let all = body(app.get_as(&portal(), "/v1/requisitions").await).await;
    assert_eq!(ids(&all), [id(&a), id(&b), id(&c)]);
    let open = body(app.get_as(&portal(), "/v1/requisitions?status=open").await).await;
    assert_eq!(ids(&open), [id(&a), id(&b)]);
    let m2 = body(
        app.get_as(&Caller::hr("H1"), "/v1/requisitions?hiring_manager=M2")
            .await,
    )
    .await;
    assert_eq!(ids(&m2), [id(&b), id(&c)]);
    let finance = body(
        app.get_as(
            &portal(),
            "/v1/requisitions?department=Finance&status=closed",
        )
        .await,
    )
    .await;
    assert_eq!(ids(&finance), [id(&c)]);

    let manager = Caller::manager("M1");
    let own = body(app.get_as(&manager, "/v1/requisitions").await).await;
    assert_eq!(
        ids(&own),
        [id(&a), id(&b)],
        "a manager sees only their requisitions"
    );
    let other = body(
        app.get_as(&manager, "/v1/requisitions?hiring_manager=M2")
            .await,
    )
    .await;
    assert!(ids(&other).is_empty());
    assert_problem(
        app.get_as(&manager, &format!("/v1/requisitions/{}", id(&c)))
            .await,
        404,
    )
    .await;
    assert_problem(
        app.get_as(&Caller::employee("E1"), "/v1/requisitions")
            .await,
        403,
    )
    .await;
}

async fn pagination_is_stable_and_complete_under_concurrent_inserts(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut before = Vec::new();
    for i in 0..30 {
        before.push(id(
            &create_requisition(&app, &format!("R{i}"), &["M1"]).await
        ));
    }
    let writer = async {
        for i in 0..20 {
            create_requisition(&app, &format!("Late {i}"), &["M1"]).await;
        }
    };
    let reader = async {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/v1/requisitions?limit=7&cursor={c}"),
                None => "/v1/requisitions?limit=7".into(),
            };
            let page = body(app.get_as(&portal(), &path).await).await;
            seen.extend(page["items"].as_array().expect("items").iter().map(id));
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break seen,
            }
        }
    };
    let ((), seen) = tokio::join!(writer, reader);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no requisition twice");
    for id in &before {
        assert!(
            seen.contains(id),
            "{id} existed before the walk and was skipped"
        );
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(sorted, seen, "stable order");
}

async fn a_replayed_idempotency_key_creates_one_row(backend: Backend) {
    let app = spawn_app(backend).await;
    let send = |caller: Caller, key: &'static str, title: &'static str| {
        let request = app
            .as_(&caller, Method::POST, "/v1/requisitions")
            .header("idempotency-key", key)
            .json(&requisition(title, &["M1"]));
        async move { request.send().await.expect("request") }
    };
    let first = send(portal(), "sync-2026-11-25-001", "Analyst").await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first_location = first.headers()["location"].clone();
    let first = body(first).await;

    let retry = send(portal(), "sync-2026-11-25-001", "Analyst").await;
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.headers()["location"], first_location);
    assert_eq!(body(retry).await, first);

    let changed = send(portal(), "sync-2026-11-25-001", "Another title").await;
    let problem = assert_problem(changed, 422).await;
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key");

    // Keys belong to their caller: HR using the same key makes its own requisition.
    let hr = send(Caller::hr("H1"), "sync-2026-11-25-001", "Analyst").await;
    assert_eq!(hr.status(), 201);
    assert_ne!(body(hr).await["id"], first["id"]);

    // Concurrent retries of one request: one row, one answer.
    let racers =
        futures_util::future::join_all((0..8).map(|_| send(portal(), "race-1", "Raced"))).await;
    let mut ids = Vec::new();
    for response in racers {
        assert_eq!(response.status(), 201);
        ids.push(id(&body(response).await));
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let list = body(app.get_as(&portal(), "/v1/requisitions?limit=200").await).await;
    let titles: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| r["title"].as_str().expect("title"))
        .collect();
    assert_eq!(titles.iter().filter(|t| **t == "Raced").count(), 1);
    assert_eq!(titles.len(), 3);

    let bad_key = app
        .as_(&portal(), Method::POST, "/v1/requisitions")
        .header("idempotency-key", "has space")
        .json(&requisition("X", &["M1"]))
        .send()
        .await
        .expect("request");
    assert_problem(bad_key, 400).await;
}

async fn applications_are_unique_per_requisition_and_candidate(backend: Backend) {
    let app = spawn_app(backend).await;
    let req = create_requisition(&app, "Analyst", &["M1"]).await;
    let application = create_application(&app, &id(&req), "E1").await;
    assert_eq!(application["status"], "active");
    assert_eq!(application["stage_reached"], "screening");
    assert!(application["decided_at"].is_null() && application["decided_by"].is_null());
    let again = app
        .post_as(
            &portal(),
            "/v1/applications",
            &json!({"requisition_id": id(&req), "candidate_id": "E1"}),
        )
        .await;
    assert_problem(again, 409).await;
    let unknown = app
        .post_as(
            &portal(),
            "/v1/applications",
            &json!({"requisition_id": uuid::Uuid::now_v7(), "candidate_id": "E1"}),
        )
        .await;
    let problem = assert_problem(unknown, 422).await;
    assert_eq!(problem["errors"][0]["field"], "requisition_id");
    // Another candidate, and the same candidate elsewhere, are fine.
    create_application(&app, &id(&req), "E2").await;
    let other = create_requisition(&app, "Other", &["M2"]).await;
    create_application(&app, &id(&other), "E1").await;
    let listed = body(
        app.get_as(&portal(), "/v1/applications?candidate_id=E1")
            .await,
    )
    .await;
    assert_eq!(listed["items"].as_array().expect("items").len(), 2);
    let for_req = body(
        app.get_as(
            &portal(),
            &format!("/v1/applications?requisition_id={}", id(&req)),
        )
        .await,
    )
    .await;
    assert_eq!(for_req["items"].as_array().expect("items").len(), 2);
    // A hiring manager sees the applications to their requisitions only.
    let managed = body(app.get_as(&Caller::manager("M1"), "/v1/applications").await).await;
    assert_eq!(managed["items"].as_array().expect("items").len(), 2);
    assert_problem(
        app.get_as(
            &Caller::manager("M2"),
            &format!("/v1/applications/{}", id(&application)),
        )
        .await,
        404,
    )
    .await;
    assert_eq!(
        app.get_as(
            &Caller::manager("M1"),
            &format!("/v1/applications/{}", id(&application))
        )
        .await
        .status(),
        200
    );
}

async fn a_decision_is_recorded_once_with_who_and_when(backend: Backend) {
    let app = spawn_app(backend).await;
    let req = create_requisition(&app, "Analyst", &["M1"]).await;
    let application = create_application(&app, &id(&req), "E1").await;
    let path = format!("/v1/applications/{}/decision", id(&application));
    let decided = app
        .post_as(
            &portal(),
            &path,
            &json!({"outcome": "rejected", "stage_reached": "final"}),
        )
        .await;
    assert_eq!(decided.status(), 200);
    let decided = body(decided).await;
    assert_eq!(decided["status"], "rejected");
    assert_eq!(decided["stage_reached"], "final");
    assert_eq!(decided["decided_by"], "hr-portal");
    assert!(decided["decided_at"].is_string());
    assert_eq!(decided["version"], 2);
    let twice = app
        .post_as(
            &Caller::hr("H1"),
            &path,
            &json!({"outcome": "hired", "stage_reached": "final"}),
        )
        .await;
    let problem = assert_problem(twice, 409).await;
    assert!(problem["detail"]
        .as_str()
        .expect("detail")
        .contains("rejected"));
    let read = body(
        app.get_as(&portal(), &format!("/v1/applications/{}", id(&application)))
            .await,
    )
    .await;
    assert_eq!(read, decided, "the refused decision changed nothing");
    let by_manager = app
        .post_as(
            &Caller::manager("M1"),
            &path,
            &json!({"outcome": "hired", "stage_reached": "final"}),
        )
        .await;
    assert_problem(by_manager, 403).await;
    let bad = app
        .post_as(
            &portal(),
            &path,
            &json!({"outcome": "maybe", "stage_reached": "final"}),
        )
        .await;
    assert_problem(bad, 400).await;
    let rejected = body(
        app.get_as(&portal(), "/v1/applications?status=rejected")
            .await,
    )
    .await;
    assert_eq!(rejected["items"].as_array().expect("items").len(), 1);
}

async fn application_sync_updates_the_stage_and_refuses_illegal_changes(backend: Backend) {
    let app = spawn_app(backend).await;
    let req = create_requisition(&app, "Analyst", &["M1"]).await;
    let other = create_requisition(&app, "Other", &["M1"]).await;
    let sync = |payload: Value| {
        app.as_(&portal(), Method::PUT, "/v1/applications/by-ref/APP-9")
            .json(&payload)
            .send()
    };
    let created = sync(json!({"requisition_id": id(&req), "candidate_id": "E7"}))
        .await
        .expect("request");
    assert_eq!(created.status(), 201);
    let created = body(created).await;
    let same = body(
        sync(json!({"requisition_id": id(&req), "candidate_id": "E7"}))
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(same, created);
    let interview = body(
        sync(
            json!({"requisition_id": id(&req), "candidate_id": "E7", "stage_reached": "interview"}),
        )
        .await
        .expect("request"),
    )
    .await;
    assert_eq!(
        (
            interview["stage_reached"].clone(),
            interview["version"].clone()
        ),
        (json!("interview"), json!(2))
    );
    // An omitted stage keeps the stage reached (the default is for new applications only).
    let omitted = body(
        sync(json!({"requisition_id": id(&req), "candidate_id": "E7"}))
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(omitted["stage_reached"], "interview");
    assert_eq!(omitted["version"], 2);
    let moved = sync(json!({"requisition_id": id(&other), "candidate_id": "E7"}))
        .await
        .expect("request");
    assert_problem(moved, 409).await;
    let decided = app
        .post_as(
            &portal(),
            &format!("/v1/applications/{}/decision", id(&created)),
            &json!({"outcome": "withdrawn", "stage_reached": "interview"}),
        )
        .await;
    assert_eq!(decided.status(), 200);
    // A sync that still says what it said before (or anything about the stage) after the
    // decision never reverts or refuses it: 200 with the application as it is.
    let late =
        sync(json!({"requisition_id": id(&req), "candidate_id": "E7", "stage_reached": "final"}))
            .await
            .expect("request");
    assert_eq!(late.status(), 200);
    let late = body(late).await;
    assert_eq!(late["status"], "withdrawn");
    assert_eq!(late["stage_reached"], "interview");
    let rerun = body(
        sync(json!({"requisition_id": id(&req), "candidate_id": "E7"}))
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(
        rerun, late,
        "the identical first sync, re-run after the decision"
    );
    let list = body(app.get_as(&portal(), "/v1/applications").await).await;
    assert_eq!(list["items"].as_array().expect("items").len(), 1);
}

async fn employees_see_only_the_status_of_their_own_applications(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = create_requisition(&app, "Analyst", &["M1"]).await;
    let second = create_requisition(&app, "Team Lead", &["M2"]).await;
    let mine_old = create_application(&app, &id(&first), "E1").await;
    let mine_new = create_application(&app, &id(&second), "E1").await;
    create_application(&app, &id(&first), "E2").await;
    app.post_as(
        &portal(),
        &format!("/v1/applications/{}/decision", id(&mine_old)),
        &json!({"outcome": "rejected", "stage_reached": "interview"}),
    )
    .await;

    let employee = Caller::employee("E1");
    let page = body(app.get_as(&employee, "/v1/me/applications").await).await;
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], mine_new["id"], "newest first");
    assert_eq!(items[1]["id"], mine_old["id"]);
    assert_eq!(items[1]["status"], "rejected");
    assert_eq!(items[1]["requisition_title"], "Analyst");
    let mut fields: Vec<&str> = items[1]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "created_at",
            "decided_at",
            "feedback",
            "id",
            "requisition_department",
            "requisition_title",
            "status"
        ]
    );
    let paged = body(app.get_as(&employee, "/v1/me/applications?limit=1").await).await;
    let next = paged["next_cursor"].as_str().expect("cursor");
    let rest = body(
        app.get_as(
            &employee,
            &format!("/v1/me/applications?limit=1&cursor={next}"),
        )
        .await,
    )
    .await;
    assert_eq!(rest["items"][0]["id"], mine_old["id"]);

    let other = body(
        app.get_as(&Caller::employee("E3"), "/v1/me/applications")
            .await,
    )
    .await;
    assert_eq!(other["items"], json!([]));
    assert_problem(
        app.get_as(&employee, &format!("/v1/applications/{}", id(&mine_old)))
            .await,
        403,
    )
    .await;
    let elsewhere = body(
        app.get_as(
            &Caller::employee("E1").in_tenant("globex"),
            "/v1/me/applications",
        )
        .await,
    )
    .await;
    assert_eq!(elsewhere["items"], json!([]));
}

async fn invalid_hiring_input_is_reported_per_field_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .post_as(
            &portal(),
            "/v1/requisitions",
            &json!({"external_ref": "has space", "title": "", "department": "x".repeat(121),
                    "hiring_manager_ids": [], "hr_partner_ids": ["ok", "not ok"]}),
        )
        .await;
    let problem = assert_problem(response, 422).await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(
        fields,
        [
            "external_ref",
            "title",
            "department",
            "hiring_manager_ids",
            "hr_partner_ids[1]"
        ]
    );
    let many: Vec<String> = (0..21).map(|i| format!("M{i}")).collect();
    let too_many = app
        .post_as(
            &portal(),
            "/v1/requisitions",
            &json!({"title": "T", "department": "D", "hiring_manager_ids": many}),
        )
        .await;
    assert_problem(too_many, 422).await;
    let bad_ref = app
        .put_as(
            &portal(),
            "/v1/requisitions/by-ref/bad%20ref",
            &requisition("T", &["M1"]),
        )
        .await;
    assert_problem(bad_ref, 404).await;
    let bad_id = app.get_as(&portal(), "/v1/requisitions/not-a-uuid").await;
    assert_problem(bad_id, 404).await;
    let list = body(app.get_as(&portal(), "/v1/requisitions").await).await;
    assert_eq!(list["items"], json!([]));
}
