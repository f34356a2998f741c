//! Privacy: the subject access export, erasure, legal holds and retention, over HTTP on both
//! backends (retention through the same function the CLI and the periodic task run).

use chrono::{Months, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use debrief::storage::Store;

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, id, ok, portal, spawn_app, Caller, TestApp};
use crate::scenario::documents;

backend_tests!(
    the_export_holds_everything_about_the_subject_and_nothing_about_others,
    erasure_deletes_free_text_replaces_the_id_everywhere_and_keeps_aggregates,
    a_legal_hold_blocks_erasure_and_retention_until_lifted,
    retention_anonymises_what_expired_in_tenants_with_a_policy_only,
    only_hr_sets_the_retention_policy_and_out_of_range_changes_nothing,
);

/// A candidate's whole story: application, rejection, feedback released then amended,
/// acknowledged with a comment, progress noted, a follow-up requested and answered. Every
/// free text carries `marker`. Returns (application, feedback).
async fn story(
    app: &TestApp,
    requisition: &Value,
    candidate: &'static str,
    marker: &str,
) -> (Value, Value) {
    let story = app
        .scenario()
        .on(requisition)
        .candidate(candidate)
        .document(documents::marked(marker, "summary"))
        .notes(format!("{marker} internal"))
        .released()
        .await;
    let (application, mut feedback) = (story.application, story.feedback);
    let (manager, hr) = (Caller::manager("M1"), Caller::hr("H1"));
    feedback = ok(app
        .with_version(&hr, Method::POST, &format!("/v1/feedback/{}/amend", id(&feedback)), format!("\"{}\"", feedback["version"]), &json!({"document": documents::marked(marker, "amended"), "note": format!("{marker} amend note"),
                      "internal_notes": format!("{marker} internal 2")}),).await)
    .await;
    let me = Caller::employee(candidate);
    let own = format!("/v1/me/feedback/{}", id(&feedback));
    ok(app
        .post_as(
            &me,
            &format!("{own}/acknowledge"),
            &json!({"usefulness_rating": 4, "comment": format!("{marker} thanks")}),
        )
        .await)
    .await;
    let action = feedback["document"]["development_actions"][0]["id"]
        .as_str()
        .expect("action id")
        .to_owned();
    ok(app
        .put_as(
            &me,
            &format!("{own}/actions/{action}"),
            &json!({"status": "in_progress", "note": format!("{marker} progress")}),
        )
        .await)
    .await;
    let follow_up = ok(app
        .post_as(
            &me,
            &format!("{own}/follow-ups"),
            &json!({"addressee": "manager", "message": format!("{marker} talk?"), "preferred_times": [format!("{marker} Monday")]}),
        )
        .await)
    .await;
    ok(app
        .post_as(
            &manager,
            &format!("/v1/follow-ups/{}/answer", id(&follow_up)),
            &json!({"outcome": "scheduled", "note": format!("{marker} Thursday")}),
        )
        .await)
    .await;
    (application, feedback)
}

async fn requisition(app: &TestApp, caller: &Caller) -> Value {
    ok(app
        .post_as(
            caller,
            "/v1/requisitions",
            &json!({"title": "Analyst", "department": "Finance", "hiring_manager_ids": ["M1"]}),
        )
        .await)
    .await
}

async fn export(app: &TestApp, subject: &str) -> reqwest::Response {
    app.get_as(&Caller::hr("H1"), &format!("/v1/subjects/{subject}/export"))
        .await
}

async fn erase(app: &TestApp, subject: &str) -> reqwest::Response {
    app.post_empty(
        &Caller::hr("H1"),
        &format!("/v1/subjects/{subject}/erasure"),
    )
    .await
}

async fn store(app: &TestApp) -> Store {
    Store::connect(&app.settings.database).await.expect("store")
}

async fn the_export_holds_everything_about_the_subject_and_nothing_about_others(backend: Backend) {
    let app = spawn_app(backend).await;
    let req = requisition(&app, &portal()).await;
    let (application, feedback) = story(&app, &req, "E1", "MINE-7f3a").await;
    let (other_application, other_feedback) = story(&app, &req, "E2", "THEIRS-91c2").await;

    let document = ok(export(&app, "E1").await).await;
    let text = document.to_string();
    assert_eq!(document["subject_id"], "E1");
    assert_eq!(
        document["applications"]
            .as_array()
            .expect("applications")
            .len(),
        1
    );
    assert_eq!(
        document["applications"][0]["application"]["id"],
        application["id"]
    );
    assert_eq!(
        document["applications"][0]["requisition"]["title"],
        "Analyst"
    );
    let exported = &document["feedback"][0];
    assert_eq!(exported["feedback"]["id"], feedback["id"]);
    // Internal notes, every revision with its notes, the workflow log, the candidate's own
    // acknowledgement, progress and follow-ups.
    assert_eq!(
        exported["feedback"]["internal_notes"],
        "MINE-7f3a internal 2"
    );
    let revisions = exported["history"]["revisions"]
        .as_array()
        .expect("revisions");
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[0]["internal_notes"], "MINE-7f3a internal");
    assert_eq!(revisions[1]["note"], "MINE-7f3a amend note");
    assert!(
        exported["history"]["events"]
            .as_array()
            .expect("events")
            .len()
            >= 5
    );
    assert_eq!(exported["acknowledgement"]["comment"], "MINE-7f3a thanks");
    assert_eq!(exported["progress"][0]["note"], "MINE-7f3a progress");
    assert_eq!(exported["follow_ups"][0]["message"], "MINE-7f3a talk?");
    assert_eq!(
        exported["follow_ups"][0]["answer_note"],
        "MINE-7f3a Thursday"
    );
    let actions: Vec<&str> = document["audit_events"]
        .as_array()
        .expect("audit events")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    for expected in [
        "application.create",
        "application.decide",
        "feedback.release",
        "feedback.amend",
        "feedback.acknowledge",
        "follow_up.answer",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    // Nothing about the other candidate on the same requisition.
    for foreign in [
        "THEIRS-91c2",
        "\"E2\"",
        &id(&other_application),
        &id(&other_feedback),
    ] {
        assert!(!text.contains(foreign), "the export leaks {foreign}");
    }
    // The export itself is accountable.
    let trail = ok(app
        .get_as(
            &Caller::hr("AUDITOR"),
            "/v1/audit-events?resource_type=subject&resource_id=E1",
        )
        .await)
    .await;
    assert_eq!(trail["items"][0]["action"], "subject.export");
    assert_eq!(trail["items"][0]["actor"], "H1");
    // HR only; nothing held, a malformed id and another tenant's subject are all 404.
    assert_problem(
        app.get_as(&Caller::manager("M1"), "/v1/subjects/E1/export")
            .await,
        403,
    )
    .await;
    assert_problem(
        app.get_as(&Caller::employee("E1"), "/v1/subjects/E1/export")
            .await,
        403,
    )
    .await;
    assert_problem(export(&app, "NOBODY").await, 404).await;
    assert_problem(export(&app, "%20").await, 404).await;
    assert_problem(
        app.get_as(
            &Caller::hr("H9").in_tenant("globex"),
            "/v1/subjects/E1/export",
        )
        .await,
        404,
    )
    .await;
}

async fn erasure_deletes_free_text_replaces_the_id_everywhere_and_keeps_aggregates(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let req = requisition(&app, &portal()).await;
    let marker = "ERASE-ME-5d1e";
    let (application, feedback) = story(&app, &req, "E1", marker).await;
    let (_, other_feedback) = story(&app, &req, "E2", "KEEP-ME-2b7c").await;
    // A remembered create response that names the subject.
    let second_req = requisition(&app, &portal()).await;
    let key_create = || {
        app.as_(&portal(), Method::POST, "/v1/applications")
            .header("idempotency-key", "create-e1-second")
            .json(&json!({"requisition_id": second_req["id"], "candidate_id": "E1"}))
    };
    let created = key_create().send().await.expect("create");
    assert_eq!(created.status(), 201);
    let replay = key_create().send().await.expect("replay");
    assert_eq!(
        replay
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.to_str().ok()),
        Some(Some("true"))
    );

    let erased = ok(erase(&app, "E1").await).await;
    let pseudonym = erased["pseudonym"].as_str().expect("pseudonym").to_owned();
    assert!(pseudonym.starts_with("erased:"), "{pseudonym}");
    assert_eq!(erased["applications"], 2);
    assert_eq!(erased["feedback"], 1);
    assert_eq!(erased["follow_ups"], 1);
    assert_eq!(erased["idempotency_records"], 1);
    assert!(
        erased["audit_events"].as_u64().expect("count") >= 10,
        "{erased}"
    );

    // The subject is gone: nothing to export or erase, nothing in their own views.
    assert_problem(export(&app, "E1").await, 404).await;
    assert_problem(erase(&app, "E1").await, 404).await;
    let mine = ok(app.get_as(&Caller::employee("E1"), "/v1/me/feedback").await).await;
    assert_eq!(mine["items"], json!([]));
    let mine = ok(app
        .get_as(&Caller::employee("E1"), "/v1/me/applications")
        .await)
    .await;
    assert_eq!(mine["items"], json!([]));

    // HR still sees the record, without any free text and under the pseudonym; the
    // structured parts (reasons, levels, action kinds, readiness estimate) remain.
    let hr = Caller::hr("H1");
    let kept = ok(app
        .get_as(&hr, &format!("/v1/feedback/{}", id(&feedback)))
        .await)
    .await;
    assert_eq!(kept["candidate_id"], pseudonym.as_str());
    assert_eq!(kept["status"], "released");
    assert_eq!(kept["internal_notes"], "");
    assert_eq!(kept["document"]["reasons"], json!(["skills_gap"]));
    assert_eq!(kept["document"]["assessments"][0]["level"], "developing");
    assert_eq!(kept["document"]["development_actions"][0]["kind"], "course");
    assert_eq!(kept["document"]["readiness"]["estimate"], "within_6_months");
    let kept_application = ok(app
        .get_as(&hr, &format!("/v1/applications/{}", id(&application)))
        .await)
    .await;
    assert_eq!(kept_application["candidate_id"], pseudonym.as_str());
    assert_eq!(kept_application["status"], "rejected");
    let history = ok(app
        .get_as(&hr, &format!("/v1/feedback/{}/history", id(&feedback)))
        .await)
    .await;
    let follow_ups = ok(app.get_as(&hr, "/v1/follow-ups?limit=200").await).await;
    let trail = ok(app
        .get_as(&Caller::hr("AUDITOR"), "/v1/audit-events?limit=200")
        .await)
    .await;
    for (what, body) in [
        ("feedback", &kept),
        ("history", &history),
        ("follow-ups", &follow_ups),
        ("audit", &trail),
    ] {
        let text = body.to_string();
        assert!(
            !text.contains(marker),
            "{what} still holds the subject's free text: {text}"
        );
        assert!(
            !text.contains("\"E1\""),
            "{what} still names the subject: {text}"
        );
    }
    // The audit trail now points at the pseudonym, and records the erasure (not who was erased).
    let about = ok(app
        .get_as(
            &Caller::hr("AUDITOR"),
            &format!("/v1/audit-events?limit=200&candidate_id={pseudonym}"),
        )
        .await)
    .await;
    let actions: Vec<&str> = about["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert!(actions.contains(&"feedback.acknowledge"), "{actions:?}");
    // (HR's reads above are recorded under the pseudonym too.)
    assert!(actions.contains(&"subject.erase"), "{actions:?}");
    // The other candidate is untouched.
    let theirs = ok(app
        .get_as(
            &Caller::employee("E2"),
            &format!("/v1/me/feedback/{}", id(&other_feedback)),
        )
        .await)
    .await;
    assert!(theirs["document"]["summary"]
        .as_str()
        .expect("summary")
        .contains("KEEP-ME-2b7c"));
    // The remembered response is gone: the same key now creates afresh (for a new E1).
    let again = key_create().send().await.expect("create again");
    assert_eq!(again.status(), 201);
    assert!(again.headers().get("idempotent-replayed").is_none());
    // HR only.
    assert_problem(
        app.post_empty(&Caller::manager("M1"), "/v1/subjects/E2/erasure")
            .await,
        403,
    )
    .await;
}

async fn a_legal_hold_blocks_erasure_and_retention_until_lifted(backend: Backend) {
    let app = spawn_app(backend).await;
    let req = requisition(&app, &portal()).await;
    let marker = "HELD-3c9d";
    let (application, _) = story(&app, &req, "E1", marker).await;
    let hr = Caller::hr("H1");
    let hold_path = format!("/v1/applications/{}/legal-hold", id(&application));
    assert_problem(app.get_as(&hr, &hold_path).await, 404).await;
    // Validation first: an empty reason changes nothing.
    let empty = app.put_as(&hr, &hold_path, &json!({"reason": "  "})).await;
    assert_problem(empty, 422).await;
    assert_problem(app.get_as(&hr, &hold_path).await, 404).await;
    let hold = ok(app
        .put_as(
            &hr,
            &hold_path,
            &json!({"reason": "Tribunal claim 2026/114"}),
        )
        .await)
    .await;
    assert_eq!(hold["reason"], "Tribunal claim 2026/114");
    assert_eq!(hold["placed_by"], "H1");
    assert_eq!(
        ok(app.get_as(&hr, &hold_path).await).await["reason"],
        "Tribunal claim 2026/114"
    );
    // Managers and other tenants cannot see or touch holds.
    assert_problem(app.get_as(&Caller::manager("M1"), &hold_path).await, 403).await;
    assert_problem(
        app.get_as(&Caller::hr("H9").in_tenant("globex"), &hold_path)
            .await,
        404,
    )
    .await;

    // Erasure is refused and changes nothing.
    let refused = assert_problem(erase(&app, "E1").await, 409).await;
    assert!(
        refused["detail"]
            .as_str()
            .expect("detail")
            .contains(&id(&application)),
        "{refused}"
    );
    let still = ok(export(&app, "E1").await).await;
    assert!(still.to_string().contains(marker));
    assert_eq!(
        still["applications"][0]["legal_hold"]["reason"],
        "Tribunal claim 2026/114"
    );

    // Retention keeps it too.
    ok(set_retention(&app, &hr, json!(12)).await).await;
    let later = Utc::now()
        .checked_add_months(Months::new(13))
        .expect("date");
    let store = store(&app).await;
    let report = debrief::app::retention::apply(&store, later, false)
        .await
        .expect("retention");
    assert!(report.anonymised.is_empty());
    assert_eq!(report.held.len(), 1);
    assert_eq!(report.held[0].application_id.to_string(), id(&application));
    assert!(ok(export(&app, "E1").await)
        .await
        .to_string()
        .contains(marker));

    // Lifted: erasure goes through.
    let lifted = app
        .as_(&hr, Method::DELETE, &hold_path)
        .send()
        .await
        .expect("delete");
    assert_eq!(lifted.status(), 204);
    assert_problem(
        app.as_(&hr, Method::DELETE, &hold_path)
            .send()
            .await
            .expect("delete"),
        404,
    )
    .await;
    ok(erase(&app, "E1").await).await;
    let trail = ok(app
        .get_as(
            &Caller::hr("AUDITOR"),
            &format!(
                "/v1/audit-events?limit=200&resource_id={}",
                id(&application)
            ),
        )
        .await)
    .await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert!(
        actions.contains(&"legal_hold.place") && actions.contains(&"legal_hold.release"),
        "{actions:?}"
    );
}

async fn set_retention(app: &TestApp, caller: &Caller, months: Value) -> reqwest::Response {
    app.put_as(
        caller,
        "/v1/retention-policy",
        &json!({"months_after_decision": months}),
    )
    .await
}

async fn retention_anonymises_what_expired_in_tenants_with_a_policy_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let acme_req = requisition(&app, &portal()).await;
    let (decided, feedback) = story(&app, &acme_req, "E1", "OLD-8e2f").await;
    // An application still in progress is never due.
    let active = ok(app
        .post_as(
            &portal(),
            "/v1/applications",
            &json!({"requisition_id": acme_req["id"], "candidate_id": "E3"}),
        )
        .await)
    .await;
    // Another tenant without a policy keeps everything.
    let globex_portal = portal().in_tenant("globex");
    let globex_req = requisition(&app, &globex_portal).await;
    let globex_app = ok(app
        .post_as(
            &globex_portal,
            "/v1/applications",
            &json!({"requisition_id": globex_req["id"], "candidate_id": "E1"}),
        )
        .await)
    .await;
    ok(app
        .post_as(
            &globex_portal,
            &format!("/v1/applications/{}/decision", id(&globex_app)),
            &json!({"outcome": "rejected", "stage_reached": "screening"}),
        )
        .await)
    .await;
    let hr = Caller::hr("H1");
    ok(set_retention(&app, &hr, json!(12)).await).await;
    let store = store(&app).await;

    // Not yet: eleven months on, nothing is due.
    let soon = Utc::now()
        .checked_add_months(Months::new(11))
        .expect("date");
    assert!(debrief::app::retention::apply(&store, soon, true)
        .await
        .expect("dry")
        .anonymised
        .is_empty());

    // A dry run thirteen months on lists the decided acme application only, and changes nothing.
    let later = Utc::now()
        .checked_add_months(Months::new(13))
        .expect("date");
    let dry = debrief::app::retention::apply(&store, later, true)
        .await
        .expect("dry run");
    let listed: Vec<String> = dry
        .anonymised
        .iter()
        .map(|i| i.application_id.to_string())
        .collect();
    assert_eq!(listed, [id(&decided)]);
    assert!(ok(export(&app, "E1").await)
        .await
        .to_string()
        .contains("OLD-8e2f"));

    let report = debrief::app::retention::apply(&store, later, false)
        .await
        .expect("apply");
    assert_eq!(report.anonymised.len(), 1);
    let kept = ok(app
        .get_as(&hr, &format!("/v1/feedback/{}", id(&feedback)))
        .await)
    .await;
    assert!(kept["candidate_id"]
        .as_str()
        .expect("candidate")
        .starts_with("erased:"));
    assert!(!kept.to_string().contains("OLD-8e2f"), "{kept}");
    assert_eq!(kept["document"]["reasons"], json!(["skills_gap"]));
    let untouched = ok(app
        .get_as(&hr, &format!("/v1/applications/{}", id(&active)))
        .await)
    .await;
    assert_eq!(untouched["candidate_id"], "E3");
    let globex = ok(app
        .get_as(
            &Caller::hr("H9").in_tenant("globex"),
            &format!("/v1/applications/{}", id(&globex_app)),
        )
        .await)
    .await;
    assert_eq!(globex["candidate_id"], "E1");
    // Recorded by the system, under the pseudonym; and a second run finds nothing.
    let trail = ok(app
        .get_as(
            &Caller::hr("AUDITOR"),
            &format!("/v1/audit-events?limit=200&resource_id={}", id(&decided)),
        )
        .await)
    .await;
    let last = trail["items"]
        .as_array()
        .expect("items")
        .last()
        .expect("event")
        .clone();
    assert_eq!(last["action"], "retention.anonymise");
    assert_eq!(last["actor"], "retention");
    assert_eq!(last["candidate_id"], kept["candidate_id"]);
    let again = debrief::app::retention::apply(&store, later, false)
        .await
        .expect("again");
    assert!(again.anonymised.is_empty());
    store.close().await;
}

async fn only_hr_sets_the_retention_policy_and_out_of_range_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let hr = Caller::hr("H1");
    let policy = ok(app.get_as(&hr, "/v1/retention-policy").await).await;
    assert_eq!(policy, json!({"months_after_decision": null}));
    assert_eq!(
        ok(set_retention(&app, &hr, json!(24)).await).await["months_after_decision"],
        24
    );
    // 12.0 is an integer to JSON Schema, so it is taken as one.
    assert_eq!(
        ok(set_retention(&app, &hr, json!(12.0)).await).await["months_after_decision"],
        12
    );
    ok(set_retention(&app, &hr, json!(24)).await).await;
    for bad in [json!(0), json!(1201), json!(-1), json!("24"), json!(2.5)] {
        let status = set_retention(&app, &hr, bad.clone())
            .await
            .status()
            .as_u16();
        assert!(status == 422 || status == 400, "{bad}: {status}");
    }
    assert_problem(
        set_retention(&app, &Caller::manager("M1"), json!(1)).await,
        403,
    )
    .await;
    assert_eq!(
        ok(app.get_as(&hr, "/v1/retention-policy").await).await["months_after_decision"],
        24
    );
    // Each tenant has its own.
    let globex = ok(app
        .get_as(
            &Caller::hr("H9").in_tenant("globex"),
            "/v1/retention-policy",
        )
        .await)
    .await;
    assert_eq!(globex["months_after_decision"], Value::Null);
    assert_eq!(
        ok(set_retention(&app, &hr, Value::Null).await).await["months_after_decision"],
        Value::Null
    );
}
