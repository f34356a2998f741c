//! The candidate's side: released feedback, acknowledgement, the development plan, follow-ups,
//! and the HR portal reading on the candidate's behalf.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{assert_problem, id, ok, portal, spawn_app, Caller, TestApp};
use crate::scenario::documents;

backend_tests!(
    the_whole_story_from_requisition_to_an_answered_follow_up,
    another_employees_feedback_a_draft_and_an_unknown_id_all_answer_the_same_404,
    acknowledging_is_once_and_visible_to_the_manager_and_hr,
    the_plan_groups_actions_by_horizon_and_shows_what_is_due,
    the_candidate_sees_the_latest_revision_marked_as_amended,
    the_hr_portal_reads_on_the_candidates_behalf_with_the_same_redaction,
    follow_ups_reach_their_addressee_and_are_answered_once,
);

const SECRET: &str = "ZZ-NOT-FOR-THE-CANDIDATE-91f3";

fn one_action() -> Value {
    json!([{"kind": "stretch_assignment", "title": "Lead the Q1 forecast", "horizon": "short_term"}])
}

/// Requisition (managers M1, M2), application of `candidate`, rejection, and feedback taken to
/// `until` (`draft` or `released`) by M1 and HR.
async fn feedback_for(
    app: &TestApp,
    candidate: &'static str,
    actions: Value,
    until: &str,
) -> Value {
    let scenario = app
        .scenario()
        .title("Senior Analyst")
        .managers(&["M1", "M2"])
        .candidate(candidate)
        .document(documents::with_actions(actions))
        .notes(SECRET);
    let story = match until {
        "draft" => scenario.draft().await,
        _ => scenario.released().await,
    };
    story.feedback
}

async fn the_whole_story_from_requisition_to_an_answered_follow_up(backend: Backend) {
    let app = spawn_app(backend).await;
    let (manager, hr, candidate) = (
        Caller::manager("M1"),
        Caller::hr("H1"),
        Caller::employee("E42"),
    );
    // The HR portal syncs the opening and the candidacy, then the decision.
    let requisition = ok(app
        .put_as(&portal(), "/v1/requisitions/by-ref/ATS-REQ-7", &json!({"title": "Payments Product Lead", "department": "Product", "hiring_manager_ids": ["M1"]})).await)
    .await;
    let application = ok(app
        .put_as(&portal(), "/v1/applications/by-ref/ATS-APP-7-42", &json!({"requisition_id": requisition["id"], "candidate_id": "E42", "stage_reached": "interview"})).await)
    .await;
    ok(app
        .post_as(
            &portal(),
            &format!("/v1/applications/{}/decision", id(&application)),
            &json!({"outcome": "rejected", "stage_reached": "final"}),
        )
        .await)
    .await;

    // The manager drafts; HR returns it once; the manager fixes and resubmits; HR releases.
    let draft = ok(app
        .post_as(
            &manager,
            &format!("/v1/applications/{}/feedback", id(&application)),
            &json!({"document": documents::with_actions(one_action()), "internal_notes": SECRET}),
        )
        .await)
    .await;
    let feedback_path = format!("/v1/feedback/{}", id(&draft));
    ok(app
        .post_empty(&manager, &format!("{feedback_path}/submit"))
        .await)
    .await;
    ok(app
        .post_as(
            &hr,
            &format!("{feedback_path}/return"),
            &json!({"comment": "Add a long-term action"}),
        )
        .await)
    .await;
    let mut fixed = draft["document"].clone();
    fixed["development_actions"]
        .as_array_mut()
        .expect("actions")
        .push(json!({"kind": "certification", "title": "Product management certificate", "horizon": "long_term"}));
    let current = ok(app.get_as(&manager, &feedback_path).await).await;
    ok(app
        .with_version(
            &manager,
            Method::PUT,
            &feedback_path,
            format!("\"{}\"", current["version"]),
            &json!({"document": fixed, "internal_notes": SECRET}),
        )
        .await)
    .await;
    ok(app
        .post_empty(&manager, &format!("{feedback_path}/submit"))
        .await)
    .await;
    ok(app
        .post_empty(&hr, &format!("{feedback_path}/approve"))
        .await)
    .await;
    ok(app
        .post_empty(&hr, &format!("{feedback_path}/release"))
        .await)
    .await;

    // The candidate reads it, acknowledges it, works the plan and asks for a conversation.
    let list = ok(app.get_as(&candidate, "/v1/me/feedback").await).await;
    assert_eq!(list["items"].as_array().expect("items").len(), 1);
    let mine = &list["items"][0];
    assert_eq!(mine["requisition_title"], "Payments Product Lead");
    assert_eq!(
        mine["document"]["development_actions"]
            .as_array()
            .expect("actions")
            .len(),
        2
    );
    assert_eq!(
        (mine["revision"].clone(), mine["amended"].clone()),
        (json!(1), json!(false))
    );
    let own_path = format!("/v1/me/feedback/{}", id(mine));
    let ack = ok(app
        .post_as(
            &candidate,
            &format!("{own_path}/acknowledge"),
            &json!({"usefulness_rating": 5, "comment": "Very clear, thank you"}),
        )
        .await)
    .await;
    assert_eq!(ack["usefulness_rating"], 5);
    let action = mine["document"]["development_actions"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let progress = ok(app
        .put_as(
            &candidate,
            &format!("{own_path}/actions/{action}"),
            &json!({"status": "in_progress", "note": "Kick-off done"}),
        )
        .await)
    .await;
    assert_eq!(progress["status"], "in_progress");
    let request = app
        .post_as(&candidate, &format!("{own_path}/follow-ups"), &json!({"addressee": "manager", "message": "Could we discuss the long-term path?", "preferred_times": ["Tuesday mornings"]}))
        .await;
    assert_eq!(request.status(), 201);
    let request = request.json::<Value>().await.expect("json");
    assert_eq!(request["status"], "open");

    // The manager sees the request and the candidate's activity, and answers.
    let open = ok(app.get_as(&manager, "/v1/follow-ups?status=open").await).await;
    assert_eq!(open["items"][0]["id"], request["id"]);
    let activity = ok(app
        .get_as(&manager, &format!("{feedback_path}/candidate-activity"))
        .await)
    .await;
    assert_eq!(activity["acknowledgement"]["usefulness_rating"], 5);
    assert_eq!(activity["progress"][0]["status"], "in_progress");
    let answered = ok(app
        .post_as(
            &manager,
            &format!("/v1/follow-ups/{}/answer", id(&request)),
            &json!({"outcome": "scheduled", "note": "Thursday 10:00, room 4"}),
        )
        .await)
    .await;
    assert_eq!(
        (answered["status"].clone(), answered["answered_by"].clone()),
        (json!("scheduled"), json!("M1"))
    );

    // The candidate sees the answer; nothing internal ever reached them.
    let mine_requests = ok(app.get_as(&candidate, "/v1/me/follow-ups").await).await;
    assert_eq!(
        mine_requests["items"][0]["answer_note"],
        "Thursday 10:00, room 4"
    );
    for path in [
        own_path.clone(),
        "/v1/me/feedback".into(),
        format!("{own_path}/plan"),
        "/v1/me/follow-ups".into(),
        "/v1/me/applications".into(),
    ] {
        let text = app
            .get_as(&candidate, &path)
            .await
            .text()
            .await
            .expect("body");
        assert!(
            !text.contains(SECRET) && !text.contains("Add a long-term action"),
            "{path} leaked: {text}"
        );
    }
}

async fn another_employees_feedback_a_draft_and_an_unknown_id_all_answer_the_same_404(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let released = feedback_for(&app, "E1", one_action(), "released").await;
    let draft = feedback_for(&app, "E2", one_action(), "draft").await;
    let problems = [
        (Caller::employee("E2"), id(&released)),
        (Caller::employee("E2"), id(&draft)),
        (Caller::employee("E1"), uuid::Uuid::now_v7().to_string()),
        (Caller::employee("E1").in_tenant("globex"), id(&released)),
    ];
    let mut bodies = Vec::new();
    for (caller, feedback) in problems {
        let mut body = assert_problem(
            app.get_as(&caller, &format!("/v1/me/feedback/{feedback}"))
                .await,
            404,
        )
        .await;
        body.as_object_mut().expect("object").remove("request_id");
        bodies.push(body);
    }
    assert!(
        bodies.windows(2).all(|pair| pair[0] == pair[1]),
        "{bodies:?}"
    );
    // The owner of the draft does not see it either until it is released.
    assert_eq!(
        ok(app.get_as(&Caller::employee("E2"), "/v1/me/feedback").await).await["items"],
        json!([])
    );
    assert_eq!(
        app.get_as(
            &Caller::employee("E1"),
            &format!("/v1/me/feedback/{}", id(&released))
        )
        .await
        .status(),
        200
    );
}

async fn acknowledging_is_once_and_visible_to_the_manager_and_hr(backend: Backend) {
    let app = spawn_app(backend).await;
    let feedback = feedback_for(&app, "E1", one_action(), "released").await;
    let candidate = Caller::employee("E1");
    let path = format!("/v1/me/feedback/{}/acknowledge", id(&feedback));
    assert_problem(
        app.post_as(&candidate, &path, &json!({"usefulness_rating": 6}))
            .await,
        422,
    )
    .await;
    assert_problem(
        app.post_as(&candidate, &path, &json!({"usefulness_rating": 0}))
            .await,
        422,
    )
    .await;
    let first = ok(app
        .post_as(&candidate, &path, &json!({"usefulness_rating": 3}))
        .await)
    .await;
    let second = ok(app
        .post_as(
            &candidate,
            &path,
            &json!({"usefulness_rating": 1, "comment": "changed my mind"}),
        )
        .await)
    .await;
    assert_eq!(second, first, "a second acknowledgement changes nothing");
    let empty = feedback_for(&app, "E1", one_action(), "released").await;
    let plain = ok(app
        .post_as(
            &candidate,
            &format!("/v1/me/feedback/{}/acknowledge", id(&empty)),
            &json!({}),
        )
        .await)
    .await;
    assert!(plain["usefulness_rating"].is_null() && plain["acknowledged_at"].is_string());
    for reader in [Caller::manager("M2"), Caller::hr("H1")] {
        let activity = ok(app
            .get_as(
                &reader,
                &format!("/v1/feedback/{}/candidate-activity", id(&feedback)),
            )
            .await)
        .await;
        assert_eq!(
            activity["acknowledgement"]["acknowledged_at"],
            first["acknowledged_at"]
        );
    }
    assert_problem(
        app.get_as(
            &Caller::manager("M9"),
            &format!("/v1/feedback/{}/candidate-activity", id(&feedback)),
        )
        .await,
        404,
    )
    .await;
    let shown = ok(app
        .get_as(&candidate, &format!("/v1/me/feedback/{}", id(&feedback)))
        .await)
    .await;
    assert_eq!(shown["acknowledgement"]["usefulness_rating"], 3);
}

async fn the_plan_groups_actions_by_horizon_and_shows_what_is_due(backend: Backend) {
    let app = spawn_app(backend).await;
    let today = Utc::now().date_naive();
    let actions = json!([
        {"kind": "course", "title": "Overdue course", "horizon": "short_term", "target_date": (today - Duration::days(3)).to_string()},
        {"kind": "workshop", "title": "Soon workshop", "horizon": "short_term", "target_date": (today + Duration::days(10)).to_string()},
        {"kind": "job_rotation", "title": "Rotation in Risk", "horizon": "long_term", "target_date": (today + Duration::days(200)).to_string()},
    ]);
    let feedback = feedback_for(&app, "E1", actions, "released").await;
    let candidate = Caller::employee("E1");
    let base = format!("/v1/me/feedback/{}", id(&feedback));
    let plan = ok(app.get_as(&candidate, &format!("{base}/plan")).await).await;
    assert_eq!(
        (
            plan["total"].clone(),
            plan["done"].clone(),
            plan["overdue"].clone(),
            plan["due_soon"].clone()
        ),
        (json!(3), json!(0), json!(1), json!(1))
    );
    assert_eq!(plan["short_term"].as_array().expect("short").len(), 2);
    assert_eq!(plan["long_term"][0]["action"]["title"], "Rotation in Risk");
    assert_eq!(plan["short_term"][0]["urgency"], "overdue");
    let overdue = plan["short_term"][0]["action"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    ok(app
        .put_as(
            &candidate,
            &format!("{base}/actions/{overdue}"),
            &json!({"status": "done", "note": "Certificate received"}),
        )
        .await)
    .await;
    let plan = ok(app.get_as(&candidate, &format!("{base}/plan")).await).await;
    assert_eq!(
        (plan["done"].clone(), plan["overdue"].clone()),
        (json!(1), json!(0))
    );
    assert_eq!(plan["short_term"][0]["note"], "Certificate received");
    // Only the candidate writes progress; an unknown action is 404; readers see it.
    let unknown = app
        .put_as(
            &candidate,
            &format!("{base}/actions/{}", uuid::Uuid::now_v7()),
            &json!({"status": "done"}),
        )
        .await;
    assert_problem(unknown, 404).await;
    let by_manager = app
        .put_as(
            &Caller::manager("M1"),
            &format!("{base}/actions/{overdue}"),
            &json!({"status": "not_started"}),
        )
        .await;
    assert_problem(by_manager, 404).await;
    let activity = ok(app
        .get_as(
            &Caller::hr("H1"),
            &format!("/v1/feedback/{}/candidate-activity", id(&feedback)),
        )
        .await)
    .await;
    assert_eq!(activity["progress"][0]["status"], "done");
}

async fn the_candidate_sees_the_latest_revision_marked_as_amended(backend: Backend) {
    let app = spawn_app(backend).await;
    let feedback = feedback_for(&app, "E1", one_action(), "released").await;
    let mut corrected = feedback["document"].clone();
    corrected["summary"] = json!("Corrected: thank you for applying.");
    ok(app
        .with_version(
            &Caller::hr("H1"),
            Method::POST,
            &format!("/v1/feedback/{}/amend", id(&feedback)),
            format!("\"{}\"", feedback["version"]),
            &json!({"document": corrected, "note": "Summary wording"}),
        )
        .await)
    .await;
    let shown = ok(app
        .get_as(
            &Caller::employee("E1"),
            &format!("/v1/me/feedback/{}", id(&feedback)),
        )
        .await)
    .await;
    assert_eq!(
        (shown["revision"].clone(), shown["amended"].clone()),
        (json!(2), json!(true))
    );
    assert_eq!(
        shown["document"]["summary"],
        "Corrected: thank you for applying."
    );
}

async fn the_hr_portal_reads_on_the_candidates_behalf_with_the_same_redaction(backend: Backend) {
    let app = spawn_app(backend).await;
    let feedback = feedback_for(&app, "E1", one_action(), "released").await;
    let by_candidate = ok(app
        .get_as(
            &Caller::employee("E1"),
            &format!("/v1/me/feedback/{}", id(&feedback)),
        )
        .await)
    .await;
    let on_behalf = ok(app
        .get_as(
            &portal(),
            &format!("/v1/employees/E1/feedback/{}", id(&feedback)),
        )
        .await)
    .await;
    assert_eq!(on_behalf, by_candidate);
    let text = on_behalf.to_string();
    assert!(
        !text.contains(SECRET) && !text.contains("internal_notes"),
        "{text}"
    );
    let list = ok(app.get_as(&portal(), "/v1/employees/E1/feedback").await).await;
    assert_eq!(list["items"][0], by_candidate);
    assert_problem(
        app.get_as(
            &portal(),
            &format!("/v1/employees/E2/feedback/{}", id(&feedback)),
        )
        .await,
        404,
    )
    .await;
    assert_problem(
        app.get_as(&Caller::hr("H1"), "/v1/employees/E1/feedback")
            .await,
        403,
    )
    .await;
}

async fn follow_ups_reach_their_addressee_and_are_answered_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let feedback = feedback_for(&app, "E1", one_action(), "released").await;
    let candidate = Caller::employee("E1");
    let path = format!("/v1/me/feedback/{}/follow-ups", id(&feedback));
    let to_hr = ok(app
        .post_as(
            &candidate,
            &path,
            &json!({"addressee": "hr", "message": "Other openings?"}),
        )
        .await)
    .await;
    let to_manager = ok(app
        .post_as(
            &candidate,
            &path,
            &json!({"addressee": "manager", "message": "Debrief call?"}),
        )
        .await)
    .await;
    assert_problem(
        app.post_as(
            &candidate,
            &path,
            &json!({"addressee": "manager", "message": " "}),
        )
        .await,
        422,
    )
    .await;
    assert_problem(
        app.post_as(
            &candidate,
            &path,
            &json!({"addressee": "ceo", "message": "Hi"}),
        )
        .await,
        400,
    )
    .await;

    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(id)
            .collect()
    };
    assert_eq!(
        ids(&ok(app.get_as(&Caller::manager("M2"), "/v1/follow-ups").await).await),
        [id(&to_manager)]
    );
    assert!(ids(&ok(app.get_as(&Caller::manager("M9"), "/v1/follow-ups").await).await).is_empty());
    assert_eq!(
        ids(&ok(app
            .get_as(&Caller::hr("H1"), "/v1/follow-ups?status=open")
            .await)
        .await),
        [id(&to_hr), id(&to_manager)]
    );

    // A manager cannot answer what was addressed to HR, nor another requisition's requests.
    assert_problem(
        app.post_as(
            &Caller::manager("M1"),
            &format!("/v1/follow-ups/{}/answer", id(&to_hr)),
            &json!({"outcome": "closed"}),
        )
        .await,
        404,
    )
    .await;
    assert_problem(
        app.post_as(
            &Caller::manager("M9"),
            &format!("/v1/follow-ups/{}/answer", id(&to_manager)),
            &json!({"outcome": "closed"}),
        )
        .await,
        404,
    )
    .await;
    ok(app
        .post_as(
            &Caller::hr("H1"),
            &format!("/v1/follow-ups/{}/answer", id(&to_hr)),
            &json!({"outcome": "declined", "note": "No openings this quarter"}),
        )
        .await)
    .await;
    let again = app
        .post_as(
            &Caller::hr("H1"),
            &format!("/v1/follow-ups/{}/answer", id(&to_hr)),
            &json!({"outcome": "scheduled"}),
        )
        .await;
    assert_problem(again, 409).await;
    let mine = ok(app.get_as(&candidate, "/v1/me/follow-ups").await).await;
    assert_eq!(mine["items"][0]["status"], "declined");
    assert_eq!(mine["items"][1]["status"], "open");
    assert!(ok(app
        .get_as(&Caller::employee("E2"), "/v1/me/follow-ups")
        .await)
    .await["items"]
        .as_array()
        .expect("items")
        .is_empty());
}

backend_tests!(a_retried_follow_up_request_is_created_once);

async fn a_retried_follow_up_request_is_created_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let feedback = feedback_for(&app, "E1", one_action(), "released").await;
    let candidate = Caller::employee("E1");
    let send = |message: &'static str| {
        app.as_(
            &candidate,
            Method::POST,
            &format!("/v1/me/feedback/{}/follow-ups", id(&feedback)),
        )
        .header("idempotency-key", "follow-up-1")
        .json(&json!({"addressee": "manager", "message": message}))
        .send()
    };
    let first = send("Could we talk?").await.expect("request");
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("json");
    let retry = send("Could we talk?").await.expect("request");
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.json::<Value>().await.expect("json"), first);
    assert_problem(send("Something else").await.expect("request"), 422).await;
    let mine = ok(app.get_as(&candidate, "/v1/me/follow-ups").await).await;
    assert_eq!(mine["items"].as_array().expect("items").len(), 1);
}
