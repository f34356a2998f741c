//! Structured feedback and the HR review workflow.

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, id, ok, portal, spawn_app, Caller, TestApp};
use crate::scenario::documents;

backend_tests!(
    a_manager_drafts_and_hr_reviews_returns_approves_releases_and_amends,
    illegal_workflow_steps_are_refused_and_change_nothing,
    a_tenant_may_skip_the_hr_review,
    of_two_editors_with_the_same_etag_exactly_one_wins,
    a_raced_release_happens_once,
    internal_fields_never_reach_the_candidate_or_other_readers,
    catalog_keys_are_checked_and_retired_keys_stay_valid_on_old_records,
    one_feedback_per_application_and_creates_are_idempotent,
    lists_give_hr_a_review_queue_and_managers_their_own,
);

const MARKER: &str = "ZZ-INTERNAL-7c1e";

/// An application of E1 to a requisition managed by M1 and M2, rejected if asked.
async fn setup(app: &TestApp, rejected: bool) -> Value {
    let scenario = app.scenario().managers(&["M1", "M2"]);
    if rejected {
        scenario.rejected().await.application
    } else {
        scenario.application().await.application
    }
}

async fn draft(app: &TestApp, application: &Value, document: Value) -> Value {
    let body = json!({"document": document, "internal_notes": format!("{MARKER} compared with the other finalist")});
    let response = app
        .post_as(
            &Caller::manager("M1"),
            &format!("/v1/applications/{}/feedback", id(application)),
            &body,
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.expect("json")
}

async fn step(
    app: &TestApp,
    caller: &Caller,
    feedback: &Value,
    action: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app.as_(
        caller,
        Method::POST,
        &format!("/v1/feedback/{}/{action}", id(feedback)),
    );
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request")
}

async fn a_manager_drafts_and_hr_reviews_returns_approves_releases_and_amends(backend: Backend) {
    let app = spawn_app(backend).await;
    let (manager, hr) = (Caller::manager("M1"), Caller::hr("H1"));
    let application = setup(&app, false).await;
    let created = draft(&app, &application, json!({"summary": "First thoughts"})).await;
    assert_eq!(
        (
            created["status"].clone(),
            created["version"].clone(),
            created["revision"].clone()
        ),
        (json!("draft"), json!(1), json!(0))
    );
    assert_eq!(created["author_id"], "M1");
    assert_eq!(created["candidate_id"], "E1");

    let incomplete = step(&app, &manager, &created, "submit", None).await;
    let problem = assert_problem(incomplete, 422).await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["document.reasons", "document.development_actions"]);

    let path = format!("/v1/feedback/{}", id(&created));
    let edited = ok(app
        .with_version(&manager, Method::PUT, &path, "\"1\"", &json!({"document": documents::complete(), "internal_notes": format!("{MARKER} notes")})).await)
    .await;
    assert_eq!(edited["version"], 2);
    let action_ids: Vec<&str> = edited["document"]["development_actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a["id"].as_str().expect("id"))
        .collect();
    assert_eq!(action_ids.len(), 2, "ids are assigned");

    let submitted = ok(step(&app, &manager, &edited, "submit", None).await).await;
    assert_eq!(submitted["status"], "submitted");
    let locked = app
        .with_version(
            &manager,
            Method::PUT,
            &path,
            "\"3\"",
            &json!({"document": documents::complete()}),
        )
        .await;
    assert_problem(locked, 409).await;

    let returned = ok(step(
        &app,
        &hr,
        &submitted,
        "return",
        Some(json!({"comment": "Please add evidence for the SQL gap."})),
    )
    .await)
    .await;
    assert_eq!(returned["status"], "returned");
    let seen_by_author = ok(app.get_as(&manager, &path).await).await;
    assert_eq!(
        seen_by_author["review_comment"],
        "Please add evidence for the SQL gap."
    );

    let mut improved = documents::complete();
    improved["assessments"][0]["evidence"] = json!("Two of three case answers lacked structure.");
    let version = seen_by_author["version"].as_i64().expect("version");
    ok(app
        .with_version(
            &manager,
            Method::PUT,
            &path,
            format!("\"{version}\""),
            &json!({"document": improved, "internal_notes": MARKER}),
        )
        .await)
    .await;
    let resubmitted = ok(step(&app, &manager, &created, "submit", None).await).await;
    assert_eq!(resubmitted["status"], "submitted");
    let approved = ok(step(&app, &hr, &created, "approve", None).await).await;
    assert_eq!(approved["status"], "approved");

    // Release needs the application to be rejected.
    let early = step(&app, &hr, &created, "release", None).await;
    let problem = assert_problem(early, 409).await;
    assert!(problem["detail"]
        .as_str()
        .expect("detail")
        .contains("active"));
    ok(app
        .post_as(
            &portal(),
            &format!("/v1/applications/{}/decision", id(&application)),
            &json!({"outcome": "rejected", "stage_reached": "final"}),
        )
        .await)
    .await;
    let released = ok(step(&app, &hr, &created, "release", None).await).await;
    assert_eq!(
        (
            released["status"].clone(),
            released["revision"].clone(),
            released["amended"].clone()
        ),
        (json!("released"), json!(1), json!(false))
    );
    assert!(released["released_at"].is_string());

    let mut corrected = improved_document(&released);
    corrected["summary"] = json!("Corrected summary: thank you for applying.");
    let amend = |tag: String, body: Value| {
        app.as_(&hr, Method::POST, &format!("{path}/amend"))
            .header("if-match", tag)
            .json(&body)
            .send()
    };
    let stale = amend(
        "\"1\"".into(),
        json!({"document": corrected, "note": "Typo"}),
    )
    .await
    .expect("request");
    assert_problem(stale, 412).await;
    let amended = ok(amend(
        format!("\"{}\"", released["version"]),
        json!({"document": corrected, "note": "Corrected the summary"}),
    )
    .await
    .expect("request"))
    .await;
    assert_eq!(
        (
            amended["revision"].clone(),
            amended["amended"].clone(),
            amended["status"].clone()
        ),
        (json!(2), json!(true), json!("released"))
    );
    assert_eq!(
        amended["document"]["development_actions"][0]["id"],
        released["document"]["development_actions"][0]["id"],
        "action ids survive an amendment that keeps them"
    );

    let history = ok(app.get_as(&hr, &format!("{path}/history")).await).await;
    let steps: Vec<(String, String)> = history["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            (
                e["action"].as_str().expect("action").to_owned(),
                e["actor"].as_str().expect("actor").to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("create", "M1"),
        ("edit", "M1"),
        ("submit", "M1"),
        ("return", "H1"),
        ("edit", "M1"),
        ("submit", "M1"),
        ("approve", "H1"),
        ("release", "H1"),
        ("amend", "H1"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(steps, expected);
    assert_eq!(
        history["events"][3]["comment"],
        "Please add evidence for the SQL gap."
    );
    let revisions = history["revisions"].as_array().expect("revisions");
    assert_eq!(revisions.len(), 2);
    assert_eq!(
        revisions[0]["document"]["summary"],
        documents::complete()["summary"]
    );
    assert_eq!(revisions[1]["note"], "Corrected the summary");
    assert_problem(app.get_as(&manager, &format!("{path}/history")).await, 403).await;
}

fn improved_document(feedback: &Value) -> Value {
    feedback["document"].clone()
}

async fn illegal_workflow_steps_are_refused_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let application = setup(&app, true).await;
    let feedback = draft(&app, &application, documents::complete()).await;
    for action in ["approve", "release"] {
        assert_problem(step(&app, &hr, &feedback, action, None).await, 409).await;
    }
    assert_problem(
        step(
            &app,
            &hr,
            &feedback,
            "return",
            Some(json!({"comment": "x"})),
        )
        .await,
        409,
    )
    .await;
    let amend = app
        .with_version(
            &hr,
            Method::POST,
            &format!("/v1/feedback/{}/amend", id(&feedback)),
            "\"1\"",
            &json!({"document": documents::complete(), "note": "n"}),
        )
        .await;
    assert_problem(amend, 409).await;
    ok(step(&app, &hr, &feedback, "submit", None).await).await;
    assert_problem(step(&app, &hr, &feedback, "submit", None).await, 409).await;
    assert_problem(step(&app, &hr, &feedback, "release", None).await, 409).await;
    let no_comment = step(
        &app,
        &hr,
        &feedback,
        "return",
        Some(json!({"comment": "   "})),
    )
    .await;
    assert_problem(no_comment, 422).await;
    // Only HR reviews.
    assert_problem(
        step(&app, &Caller::manager("M1"), &feedback, "approve", None).await,
        403,
    )
    .await;
    let current = ok(app
        .get_as(&hr, &format!("/v1/feedback/{}", id(&feedback)))
        .await)
    .await;
    assert_eq!(
        (current["status"].clone(), current["version"].clone()),
        (json!("submitted"), json!(2))
    );
}

async fn a_tenant_may_skip_the_hr_review(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    assert_eq!(
        ok(app.get_as(&hr, "/v1/review-policy").await).await["skip_hr_review"],
        false
    );
    let skip = json!({"skip_hr_review": true});
    // A versioned setting: without `If-Match` 428, with an old version 412, nothing changes.
    assert_problem(app.put_as(&hr, "/v1/review-policy", &skip).await, 428).await;
    assert_problem(
        app.with_version(&hr, Method::PUT, "/v1/review-policy", "\"7\"", &skip)
            .await,
        412,
    )
    .await;
    let set = app
        .with_version(&hr, Method::PUT, "/v1/review-policy", "\"1\"", &skip)
        .await;
    assert_eq!(set.headers()["etag"], "\"2\"");
    assert_eq!(ok(set).await["skip_hr_review"], true);
    let again = app
        .with_version(&hr, Method::PUT, "/v1/review-policy", "\"1\"", &skip)
        .await;
    assert_problem(again, 412).await;
    assert_problem(
        app.with_version(
            &Caller::manager("M1"),
            Method::PUT,
            "/v1/review-policy",
            "\"2\"",
            &json!({"skip_hr_review": false}),
        )
        .await,
        403,
    )
    .await;
    let application = setup(&app, true).await;
    let feedback = draft(&app, &application, documents::complete()).await;
    let submitted = ok(step(&app, &Caller::manager("M1"), &feedback, "submit", None).await).await;
    assert_eq!(submitted["status"], "approved");
    // Another tenant keeps the review step.
    assert_eq!(
        ok(app
            .get_as(&Caller::hr("H9").in_tenant("globex"), "/v1/review-policy")
            .await)
        .await["skip_hr_review"],
        false
    );
}

async fn of_two_editors_with_the_same_etag_exactly_one_wins(backend: Backend) {
    let app = spawn_app(backend).await;
    let application = setup(&app, false).await;
    let feedback = draft(&app, &application, json!({})).await;
    let path = format!("/v1/feedback/{}", id(&feedback));
    let editors = ["M1", "M2", "M1", "M2", "M1", "M2"].map(|sub| {
        let mut document = documents::complete();
        document["summary"] = json!(format!("Written by {sub}"));
        app.as_(&Caller::manager(sub), Method::PUT, &path)
            .header("if-match", "\"1\"")
            .json(&json!({"document": document}))
            .send()
    });
    let responses = futures_util::future::join_all(editors).await;
    let statuses: Vec<u16> = responses
        .into_iter()
        .map(|r| r.expect("request").status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 412).count(),
        statuses.len() - 1,
        "{statuses:?}"
    );
    let current = ok(app.get_as(&Caller::hr("H1"), &path).await).await;
    assert_eq!(current["version"], 2);
}

async fn a_raced_release_happens_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let application = setup(&app, true).await;
    let feedback = draft(&app, &application, documents::complete()).await;
    ok(step(&app, &hr, &feedback, "submit", None).await).await;
    ok(step(&app, &hr, &feedback, "approve", None).await).await;
    let releases =
        futures_util::future::join_all((0..6).map(|_| step(&app, &hr, &feedback, "release", None)))
            .await;
    for response in releases {
        let body = ok(response).await;
        assert_eq!(
            (body["status"].clone(), body["revision"].clone()),
            (json!("released"), json!(1))
        );
    }
    let history = ok(app
        .get_as(&hr, &format!("/v1/feedback/{}/history", id(&feedback)))
        .await)
    .await;
    let releases = history["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["action"] == "release")
        .count();
    assert_eq!(releases, 1);
    assert_eq!(history["revisions"].as_array().expect("revisions").len(), 1);
}

async fn internal_fields_never_reach_the_candidate_or_other_readers(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let application = setup(&app, true).await;
    let feedback = draft(&app, &application, documents::complete()).await;
    ok(step(&app, &hr, &feedback, "submit", None).await).await;
    ok(step(
        &app,
        &hr,
        &feedback,
        "return",
        Some(json!({"comment": format!("{MARKER} in the review comment")})),
    )
    .await)
    .await;
    ok(step(&app, &Caller::manager("M1"), &feedback, "submit", None).await).await;
    ok(step(&app, &hr, &feedback, "approve", None).await).await;
    ok(step(&app, &hr, &feedback, "release", None).await).await;

    // The author and HR see the internal fields.
    let path = format!("/v1/feedback/{}", id(&feedback));
    for privileged in [Caller::manager("M1"), hr.clone()] {
        let body = ok(app.get_as(&privileged, &path).await).await;
        assert!(body["internal_notes"]
            .as_str()
            .expect("notes")
            .contains(MARKER));
    }
    // A co-manager of the requisition reads the feedback but not the author's notes.
    let co_manager = ok(app.get_as(&Caller::manager("M2"), &path).await).await;
    assert!(
        co_manager.get("internal_notes").is_none() && co_manager.get("review_comment").is_none(),
        "{co_manager}"
    );

    // The candidate, on every route an employee can call, never sees the marker.
    let candidate = Caller::employee("E1");
    let mut seen = 0;
    for route in [
        "/v1/me/applications".to_owned(),
        "/v1/catalogs/competencies".to_owned(),
        "/v1/catalogs/reason-codes".to_owned(),
        "/v1/feedback".to_owned(),
        path.clone(),
        format!("{path}/history"),
        format!("/v1/applications/{}", id(&application)),
        "/v1/applications".to_owned(),
        "/v1/requisitions".to_owned(),
    ] {
        let response = app.get_as(&candidate, &route).await;
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        assert!(
            !text.contains(MARKER),
            "{route} leaked internal fields to the candidate: {text}"
        );
        assert!(
            status == 200 || status == 403 || status == 404,
            "{route}: {status}"
        );
        seen += 1;
    }
    assert_eq!(seen, 9);
    // The HR portal reads no feedback through these routes.
    assert_problem(app.get_as(&portal(), &path).await, 403).await;
}

async fn catalog_keys_are_checked_and_retired_keys_stay_valid_on_old_records(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let application = setup(&app, false).await;
    let mut bad = documents::complete();
    bad["reasons"] = json!(["skills_gap", "made_up"]);
    bad["assessments"][0]["competency"] = json!("telepathy");
    bad["development_actions"][0]["resource_url"] = json!("javascript:alert(1)");
    let response = app
        .post_as(
            &Caller::manager("M1"),
            &format!("/v1/applications/{}/feedback", id(&application)),
            &json!({"document": bad}),
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
            "document.reasons[1]",
            "document.assessments[0].competency",
            "document.development_actions[0].resource_url"
        ]
    );

    let mut with_timing = documents::complete();
    with_timing["reasons"] = json!(["readiness_timing"]);
    let feedback = draft(&app, &application, with_timing.clone()).await;
    let retired = app
        .with_version(
            &hr,
            Method::PATCH,
            "/v1/catalogs/reason-codes/readiness_timing",
            "\"1\"",
            &json!({"active": false}),
        )
        .await;
    assert_eq!(retired.status(), 200);
    let path = format!("/v1/feedback/{}", id(&feedback));
    // Keeping the retired key on this record is fine...
    ok(app
        .with_version(
            &Caller::manager("M1"),
            Method::PUT,
            &path,
            "\"1\"",
            &json!({"document": with_timing}),
        )
        .await)
    .await;
    // ...but a new record cannot pick it.
    let other = ok(app
        .post_as(
            &portal(),
            "/v1/applications",
            &json!({"requisition_id": application["requisition_id"], "candidate_id": "E2"}),
        )
        .await)
    .await;
    let refused = app
        .post_as(
            &Caller::manager("M1"),
            &format!("/v1/applications/{}/feedback", id(&other)),
            &json!({"document": with_timing}),
        )
        .await;
    assert_problem(refused, 422).await;
}

async fn one_feedback_per_application_and_creates_are_idempotent(backend: Backend) {
    let app = spawn_app(backend).await;
    let application = setup(&app, false).await;
    let path = format!("/v1/applications/{}/feedback", id(&application));
    let send = || {
        app.as_(&Caller::manager("M1"), Method::POST, &path)
            .header("idempotency-key", "draft-1")
            .json(&json!({"document": {"summary": "Start"}}))
            .send()
    };
    let first = send().await.expect("request");
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("json");
    let replay = send().await.expect("request");
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(replay.json::<Value>().await.expect("json"), first);
    let second = app
        .post_as(&Caller::hr("H1"), &path, &json!({"document": {}}))
        .await;
    assert_problem(second, 409).await;
    // Managers write feedback only for their requisitions; employees not at all.
    assert_problem(
        app.post_as(&Caller::manager("M9"), &path, &json!({"document": {}}))
            .await,
        404,
    )
    .await;
    assert_problem(
        app.post_as(&Caller::employee("E1"), &path, &json!({"document": {}}))
            .await,
        403,
    )
    .await;
}

async fn lists_give_hr_a_review_queue_and_managers_their_own(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let first = setup(&app, true).await;
    let queued = draft(&app, &first, documents::complete()).await;
    ok(step(&app, &hr, &queued, "submit", None).await).await;
    let other_req = ok(app
        .post_as(
            &portal(),
            "/v1/requisitions",
            &json!({"title": "Lead", "department": "Ops", "hiring_manager_ids": ["M7"]}),
        )
        .await)
    .await;
    let other_app = ok(app
        .post_as(
            &portal(),
            "/v1/applications",
            &json!({"requisition_id": other_req["id"], "candidate_id": "E5"}),
        )
        .await)
    .await;
    let others = ok(app
        .post_as(
            &Caller::manager("M7"),
            &format!("/v1/applications/{}/feedback", id(&other_app)),
            &json!({"document": {}}),
        )
        .await)
    .await;

    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(id)
            .collect()
    };
    let queue = ok(app.get_as(&hr, "/v1/feedback?status=submitted").await).await;
    assert_eq!(ids(&queue), [id(&queued)]);
    let all = ok(app.get_as(&hr, "/v1/feedback").await).await;
    assert_eq!(ids(&all), [id(&queued), id(&others)]);
    let waiting = ok(app
        .get_as(
            &hr,
            "/v1/feedback?status=submitted&updated_before=2000-01-01T00:00:00Z",
        )
        .await)
    .await;
    assert!(ids(&waiting).is_empty());
    let mine = ok(app
        .get_as(&Caller::manager("M7"), "/v1/feedback?status=draft")
        .await)
    .await;
    assert_eq!(ids(&mine), [id(&others)]);
    let theirs = ok(app.get_as(&Caller::manager("M1"), "/v1/feedback").await).await;
    assert_eq!(ids(&theirs), [id(&queued)]);
}
