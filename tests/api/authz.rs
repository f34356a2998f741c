//! The authorization matrix (`debrief::auth::policy::MATRIX`) walked over real HTTP: every
//! route, every role, every relation (own tenant, other tenant).

use std::collections::BTreeSet;

use debrief::auth::policy::{permits, Operation, MATRIX};
use debrief::domain::Role;
use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::common::Backend;
use crate::helpers::{spawn_app, Caller, TestApp};
use crate::scenario::{documents, Scenario};

#[test]
fn every_route_is_in_the_authorization_matrix() {
    let spec: Value = serde_json::from_str(&debrief::http::openapi_json()).expect("json");
    let routes: BTreeSet<(String, String)> = spec["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .filter(|(path, _)| path.starts_with("/v1/"))
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("item")
                .keys()
                .map(|method| (method.to_uppercase(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let matrix: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|rule| (rule.method.to_owned(), rule.path.to_owned()))
        .collect();
    let missing: Vec<_> = routes.difference(&matrix).collect();
    let stale: Vec<_> = matrix.difference(&routes).collect();
    assert!(
        missing.is_empty(),
        "routes without a rule in the matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rules for routes that do not exist: {stale:?}"
    );
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// An object of the caller's tenant that the caller is related to (their requisition).
    Own,
    /// An object of the caller's tenant that the caller has no relation to.
    Other,
    /// An object of another tenant.
    OtherTenant,
}

/// What a caller whose role holds the capability must get.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Status(u16),
    /// This status for HR and the HR portal, 404 for a hiring manager (not their requisition).
    HrOnly(u16),
}

/// One request of the walk.
struct Probe {
    method: Method,
    path: String,
    body: Option<Value>,
    if_match: Option<String>,
    expect: Expect,
    /// Ids and markers that must not appear in the response.
    must_not_contain: Vec<String>,
}

impl Probe {
    fn new(method: Method, path: impl Into<String>, expect: Expect) -> Self {
        Self {
            method,
            path: path.into(),
            body: None,
            if_match: None,
            expect,
            must_not_contain: Vec::new(),
        }
    }
    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
    fn if_match(mut self, version: &Value) -> Self {
        self.if_match = Some(format!("\"{}\"", version.as_i64().expect("version")));
        self
    }
    fn hiding(mut self, ids: &[&str]) -> Self {
        self.must_not_contain
            .extend(ids.iter().map(|s| (*s).to_owned()));
        self
    }
}

const OWN_MARKER: &str = "acme_marker";
const OTHER_MARKER: &str = "globex_marker";
const PROBE_SUB: &str = "PROBE";

/// Objects in both tenants: requisitions that list the probing caller as hiring manager (own)
/// or not (other), and their applications.
struct World {
    own_req: Value,
    other_req: Value,
    globex_req: Value,
    own_app: Value,
    other_app: Value,
    globex_app: Value,
    mine: Value,
    mine_in_globex: Value,
    own_fb: Value,
    other_fb: Value,
    globex_fb: Value,
    /// Released feedback for the probing caller, in acme and in globex.
    mine_fb: Value,
    mine_fb_globex: Value,
    /// Someone else's released feedback in acme.
    released_other: Value,
    follow_up_globex: Value,
    /// A library resource in acme and one in globex.
    own_resource: Value,
    globex_resource: Value,
}

fn portal(tenant: &'static str) -> Caller {
    Caller::integration("portal").in_tenant(tenant)
}

async fn json_of(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.expect("json");
    assert!(status.is_success(), "fixture failed: {status} {body}");
    body
}

async fn requisition(app: &TestApp, tenant: &'static str, manager: &str) -> Value {
    let body = json!({"title": "Probe", "department": "Probe", "hiring_manager_ids": [manager]});
    json_of(
        app.post_as(&portal(tenant), "/v1/requisitions", &body)
            .await,
    )
    .await
}

async fn application(
    app: &TestApp,
    tenant: &'static str,
    requisition: &Value,
    candidate: &str,
) -> Value {
    let body = json!({"requisition_id": requisition["id"], "candidate_id": candidate});
    json_of(
        app.post_as(&portal(tenant), "/v1/applications", &body)
            .await,
    )
    .await
}

/// A new subscription in `tenant`, made by its HR, pointing at a port where nothing listens.
async fn webhook(app: &TestApp, tenant: &'static str) -> Value {
    let body = json!({"url": "http://127.0.0.1:9/hook", "enabled": false});
    json_of(
        app.post_as(&Caller::hr("H1").in_tenant(tenant), "/v1/webhooks", &body)
            .await,
    )
    .await
}

async fn current(app: &TestApp, tenant: &'static str, path: &str) -> Value {
    json_of(app.get_as(&portal(tenant), path).await).await
}

fn id(value: &Value) -> &str {
    value["id"].as_str().expect("id")
}

/// The request that exercises `operation` on an object of `relation`; `None` where the
/// relation does not apply (a create always writes into the caller's own tenant).
/// A versioned tenant setting written back as it is, at its current `ETag` (read as HR).
async fn setting_written_back(app: &TestApp, path: &'static str) -> Probe {
    let current = app.get_as(&Caller::hr("H1"), path).await;
    let tag = current.headers()["etag"]
        .to_str()
        .expect("etag")
        .trim_matches('"')
        .to_owned();
    let settings: Value = current.json().await.expect("json");
    Probe::new(Method::PUT, path, Expect::Status(200))
        .body(settings)
        .if_match(&json!(tag.parse::<i64>().expect("version")))
}

async fn probe(
    app: &TestApp,
    world: &World,
    operation: Operation,
    relation: Relation,
    role: Role,
) -> Option<Probe> {
    use Relation::*;
    let entry_version = |key: &'static str, tenant: &'static str| async move {
        current(app, tenant, &format!("/v1/catalogs/competencies/{key}")).await["version"].clone()
    };
    let hiring_hidden = |r: Relation| -> Vec<&str> {
        // A hiring manager's lists never show requisitions they are not on.
        let mut hidden = vec![id(&world.globex_req), id(&world.globex_app)];
        if role == Role::HiringManager && r == Own {
            hidden.extend([id(&world.other_req), id(&world.other_app)]);
        }
        hidden
    };
    let requisition_for = |r: Relation| match r {
        Own => &world.own_req,
        Other => &world.other_req,
        OtherTenant => &world.globex_req,
    };
    let application_for = |r: Relation| match r {
        Own => &world.own_app,
        Other => &world.other_app,
        OtherTenant => &world.globex_app,
    };
    let object_expect = |r: Relation, ok: u16| match r {
        Own => Expect::Status(ok),
        Other => Expect::HrOnly(ok),
        OtherTenant => Expect::Status(404),
    };
    Some(match (operation, relation) {
        (Operation::ListCatalogEntries, Other) => return None,
        (Operation::ListCatalogEntries, _) => {
            Probe::new(Method::GET, "/v1/catalogs/competencies?limit=200", Expect::Status(200)).hiding(&[OTHER_MARKER])
        }
        (Operation::ReadCatalogEntry, Other) => return None,
        (Operation::ReadCatalogEntry, Own) => {
            Probe::new(Method::GET, format!("/v1/catalogs/competencies/{OWN_MARKER}"), Expect::Status(200))
        }
        (Operation::ReadCatalogEntry, OtherTenant) => {
            Probe::new(Method::GET, format!("/v1/catalogs/competencies/{OTHER_MARKER}"), Expect::Status(404))
                .hiding(&[OTHER_MARKER])
        }
        (Operation::CreateCatalogEntry, Own) => Probe::new(Method::POST, "/v1/catalogs/competencies", Expect::Status(201))
            .body(json!({"key": format!("made_by_{}", role.as_str()), "name": "Probe"})),
        (Operation::CreateCatalogEntry, _) => return None,
        (Operation::UpdateCatalogEntry, Other) => return None,
        (Operation::UpdateCatalogEntry, Own) => {
            Probe::new(Method::PATCH, format!("/v1/catalogs/competencies/{OWN_MARKER}"), Expect::Status(200))
                .body(json!({"description": format!("changed by {}", role.as_str())}))
                .if_match(&entry_version(OWN_MARKER, "acme").await)
        }
        (Operation::UpdateCatalogEntry, OtherTenant) => {
            Probe::new(Method::PATCH, format!("/v1/catalogs/competencies/{OTHER_MARKER}"), Expect::Status(404))
                .body(json!({"description": "hijacked"}))
                .if_match(&json!(1))
                .hiding(&[OTHER_MARKER])
        }
        (Operation::ListResources, Own) => Probe::new(Method::GET, "/v1/resources?limit=200", Expect::Status(200))
            .hiding(&[id(&world.globex_resource)]),
        (Operation::ReadResource, Own) => {
            Probe::new(Method::GET, format!("/v1/resources/{}", id(&world.own_resource)), Expect::Status(200))
        }
        (Operation::ReadResource, OtherTenant) => {
            Probe::new(Method::GET, format!("/v1/resources/{}", id(&world.globex_resource)), Expect::Status(404))
                .hiding(&[id(&world.globex_resource)])
        }
        (Operation::CreateResource, Own) => Probe::new(Method::POST, "/v1/resources", Expect::Status(201)).body(
            json!({"title": format!("Made by {}", role.as_str()), "kind": "course",
                   "url": "https://learning.example.com/probe", "language": "en"}),
        ),
        (Operation::UpdateResource, Own) => {
            let path = format!("/v1/resources/{}", id(&world.own_resource));
            Probe::new(Method::PATCH, path.clone(), Expect::Status(200))
                .body(json!({"description": format!("changed by {}", role.as_str())}))
                .if_match(&current(app, "acme", &path).await["version"])
        }
        (Operation::UpdateResource, OtherTenant) => {
            Probe::new(Method::PATCH, format!("/v1/resources/{}", id(&world.globex_resource)), Expect::Status(404))
                .body(json!({"description": "hijacked"}))
                .if_match(&json!(1))
                .hiding(&[id(&world.globex_resource)])
        }
        (Operation::ListResources | Operation::ReadResource | Operation::CreateResource | Operation::UpdateResource, _) => {
            return None
        }
        (Operation::ListRequisitions, Other) => return None,
        (Operation::ListRequisitions, r) => {
            Probe::new(Method::GET, "/v1/requisitions?limit=200", Expect::Status(200)).hiding(&hiring_hidden(r))
        }
        (Operation::ReadRequisition, r) => {
            Probe::new(Method::GET, format!("/v1/requisitions/{}", id(requisition_for(r))), object_expect(r, 200))
        }
        (Operation::CreateRequisition, Own) => Probe::new(Method::POST, "/v1/requisitions", Expect::Status(201))
            .body(json!({"title": "By probe", "department": "Probe", "hiring_manager_ids": [PROBE_SUB]})),
        (Operation::CreateRequisition, _) => return None,
        (Operation::UpdateRequisition, r) => {
            let target = requisition_for(r);
            let tenant = if r == OtherTenant { "globex" } else { "acme" };
            let version = current(app, tenant, &format!("/v1/requisitions/{}", id(target))).await["version"].clone();
            Probe::new(Method::PATCH, format!("/v1/requisitions/{}", id(target)), object_expect(r, 200))
                .body(json!({"title": format!("Renamed by {}", role.as_str())}))
                .if_match(&version)
        }
        (Operation::UpsertRequisition, Own) => {
            Probe::new(Method::PUT, format!("/v1/requisitions/by-ref/PROBE-{}", role.as_str()), Expect::Status(201))
                .body(json!({"title": "Synced", "department": "Probe", "hiring_manager_ids": [PROBE_SUB]}))
        }
        (Operation::UpsertRequisition, Other) => return None,
        // The same reference in another tenant is another requisition: created here, never theirs.
        (Operation::UpsertRequisition, OtherTenant) => Probe::new(
            Method::PUT,
            format!("/v1/requisitions/by-ref/GLOBEX-REF-{}", role.as_str()),
            Expect::Status(201),
        )
        .body(json!({"title": "Synced", "department": "Probe", "hiring_manager_ids": [PROBE_SUB]}))
        .hiding(&[id(&world.globex_req)]),
        (Operation::SyncRequisitions, Own) => Probe::new(Method::POST, "/v1/requisitions:sync", Expect::Status(200))
            .body(json!({"items": [{"external_ref": format!("BULK-{}", role.as_str()), "title": "Synced",
                                    "department": "Probe", "hiring_manager_ids": [PROBE_SUB]}]}))
            .hiding(&[id(&world.globex_req)]),
        (Operation::SyncRequisitions, _) => return None,
        (Operation::CloseRequisition | Operation::CancelRequisition | Operation::ReopenRequisition, r) => {
            let action = match operation {
                Operation::CloseRequisition => "close",
                Operation::CancelRequisition => "cancel",
                _ => "reopen",
            };
            let (tenant, manager) = match r {
                Own => ("acme", PROBE_SUB),
                Other => ("acme", "SOMEONE-ELSE"),
                OtherTenant => ("globex", PROBE_SUB),
            };
            let target = requisition(app, tenant, manager).await;
            if action == "reopen" {
                let closed = app
                    .post_empty(&portal(tenant), &format!("/v1/requisitions/{}/close", id(&target))).await;
                assert_eq!(closed.status(), 200);
            }
            Probe::new(Method::POST, format!("/v1/requisitions/{}/{action}", id(&target)), object_expect(r, 200))
        }
        (Operation::ListApplications, Other) => return None,
        (Operation::ListApplications, r) => {
            Probe::new(Method::GET, "/v1/applications?limit=200", Expect::Status(200)).hiding(&hiring_hidden(r))
        }
        (Operation::ReadApplication, r) => {
            Probe::new(Method::GET, format!("/v1/applications/{}", id(application_for(r))), object_expect(r, 200))
        }
        (Operation::CreateApplication, Other) => return None,
        (Operation::CreateApplication, r) => Probe::new(
            Method::POST,
            "/v1/applications",
            // Another tenant's requisition does not exist here.
            Expect::Status(if r == Own { 201 } else { 422 }),
        )
        .body(json!({"requisition_id": requisition_for(r)["id"], "candidate_id": format!("C-{}", role.as_str())})),
        (Operation::UpsertApplication, Other) => return None,
        (Operation::UpsertApplication, r) => Probe::new(
            Method::PUT,
            format!("/v1/applications/by-ref/PROBE-{}", role.as_str()),
            Expect::Status(if r == Own { 201 } else { 422 }),
        )
        .body(json!({"requisition_id": requisition_for(r)["id"], "candidate_id": format!("U-{}", role.as_str())})),
        (Operation::DecideApplication, r) => {
            let (tenant, target) = match r {
                Own => ("acme", &world.own_req),
                Other => ("acme", &world.other_req),
                OtherTenant => ("globex", &world.globex_req),
            };
            let fresh = application(app, tenant, target, &format!("D-{}-{:?}", role.as_str(), r)).await;
            Probe::new(Method::POST, format!("/v1/applications/{}/decision", id(&fresh)), object_expect(r, 200))
                .body(json!({"outcome": "rejected", "stage_reached": "interview"}))
        }
        (Operation::ListOwnApplications, Own) => Probe::new(Method::GET, "/v1/me/applications?limit=200", Expect::Status(200))
            .hiding(&[id(&world.mine_in_globex), id(&world.own_app), id(&world.other_app)]),
        (Operation::ListOwnApplications, _) => return None,
        // Asked once already: every probe is the idempotent repeat (200); never another's.
        (Operation::RequestFeedback, r) => {
            let target = match r {
                Own => &world.mine,
                Other => &world.other_app,
                OtherTenant => &world.mine_in_globex,
            };
            let path = format!("/v1/me/applications/{}/feedback-request", id(target));
            if r == Own {
                let asked = app.post_empty(&Caller::employee(PROBE_SUB), &path).await;
                assert!(asked.status().is_success(), "{}", asked.status());
            }
            Probe::new(Method::POST, path, if r == Own { Expect::Status(200) } else { Expect::Status(404) })
        }
        (Operation::ListFeedbackDue, Own) => Probe::new(Method::GET, "/v1/feedback-due?limit=200", Expect::Status(200))
            .hiding(&[id(&world.globex_app), id(&world.mine_in_globex), INTERNAL]),
        (Operation::ListFeedbackDue, _) => return None,
        (Operation::ReadDeadlinePolicy, Own) => Probe::new(Method::GET, "/v1/deadline-policy", Expect::Status(200)),
        (Operation::UpdateDeadlinePolicy, Own) => setting_written_back(app, "/v1/deadline-policy").await,
        (Operation::ReadDeadlinePolicy | Operation::UpdateDeadlinePolicy, _) => return None,
        (Operation::ListFeedback, Other) => return None,
        (Operation::ListFeedback, r) => {
            let mut hidden = vec![id(&world.globex_fb)];
            if role == Role::HiringManager && r == Own {
                hidden.push(id(&world.other_fb));
            }
            Probe::new(Method::GET, "/v1/feedback?limit=200", Expect::Status(200)).hiding(&hidden)
        }
        (Operation::ReadFeedback, r) => {
            Probe::new(Method::GET, format!("/v1/feedback/{}", id(feedback_for(world, r))), object_expect(r, 200))
        }
        (Operation::ReadFeedbackHistory, r) => Probe::new(
            Method::GET,
            format!("/v1/feedback/{}/history", id(feedback_for(world, r))),
            object_expect(r, 200),
        ),
        (Operation::CreateFeedback, r) => {
            let (tenant, requisition) = target_of(world, r);
            let fresh = application(app, tenant, requisition, &format!("F-{}-{r:?}", role.as_str())).await;
            Probe::new(Method::POST, format!("/v1/applications/{}/feedback", id(&fresh)), object_expect(r, 201))
                .body(json!({"document": {}, "internal_notes": ""}))
        }
        (Operation::EditFeedback, r) => {
            let (tenant, requisition) = target_of(world, r);
            let draft = feedback_in(app, tenant, requisition, "draft").await;
            Probe::new(Method::PUT, format!("/v1/feedback/{}", id(&draft)), object_expect(r, 200))
                .body(json!({"document": documents::minimal(SUMMARY), "internal_notes": "edited"}))
                .if_match(&draft["version"])
        }
        (
            Operation::SubmitFeedback
            | Operation::ReturnFeedback
            | Operation::ApproveFeedback
            | Operation::ReleaseFeedback
            | Operation::AmendFeedback,
            r,
        ) => {
            let (tenant, requisition) = target_of(world, r);
            let (state, action) = match operation {
                Operation::SubmitFeedback => ("draft", "submit"),
                Operation::ReturnFeedback => ("submitted", "return"),
                Operation::ApproveFeedback => ("submitted", "approve"),
                Operation::ReleaseFeedback => ("approved", "release"),
                _ => ("released", "amend"),
            };
            let subject = feedback_in(app, tenant, requisition, state).await;
            let probe = Probe::new(
                Method::POST,
                format!("/v1/feedback/{}/{action}", id(&subject)),
                object_expect(r, 200),
            );
            match action {
                "return" => probe.body(json!({"comment": "Please add evidence."})),
                "amend" => probe
                    .body(json!({"document": documents::minimal(SUMMARY), "note": "Corrected a date."}))
                    .if_match(&subject["version"]),
                _ => probe,
            }
        }
        // Reports count; they never name a candidate, quote feedback or show another tenant.
        (
            Operation::ReadTimelinessReport
            | Operation::ReadOutcomesReport
            | Operation::ReadReasonsReport
            | Operation::ReadCompetencyGapsReport,
            Own,
        ) => {
            let report = match operation {
                Operation::ReadTimelinessReport => "timeliness",
                Operation::ReadOutcomesReport => "outcomes",
                Operation::ReadReasonsReport => "rejection-reasons",
                _ => "competency-gaps",
            };
            Probe::new(Method::GET, format!("/v1/reports/{report}"), Expect::Status(200)).hiding(&[
                PROBE_SUB,
                "E-OWN",
                "E-OTHER",
                OWN_MARKER,
                OTHER_MARKER,
                INTERNAL,
                id(&world.globex_req),
            ])
        }
        (Operation::ReadLanguageSettings, Own) => Probe::new(Method::GET, "/v1/language-settings", Expect::Status(200)),
        (Operation::UpdateLanguageSettings, Own) => setting_written_back(app, "/v1/language-settings").await,
        (Operation::ReadLanguageSettings | Operation::UpdateLanguageSettings, _) => return None,
        (Operation::ReadReportSettings, Own) => Probe::new(Method::GET, "/v1/report-settings", Expect::Status(200)),
        (Operation::UpdateReportSettings, Own) => setting_written_back(app, "/v1/report-settings").await,
        (
            Operation::ReadTimelinessReport
            | Operation::ReadOutcomesReport
            | Operation::ReadReasonsReport
            | Operation::ReadCompetencyGapsReport
            | Operation::ReadReportSettings
            | Operation::UpdateReportSettings,
            _,
        ) => return None,
        (Operation::CheckDraft, Own) => Probe::new(Method::POST, "/v1/feedback/checks", Expect::Status(200))
            .body(json!({"document": {"summary": "Thank you for applying."}})),
        (Operation::CheckDraft, _) => return None,
        (Operation::ReadFeedbackChecks, r) => Probe::new(
            Method::GET,
            format!("/v1/feedback/{}/checks", id(feedback_for(world, r))),
            object_expect(r, 200),
        ),
        (Operation::ReadQualityPhrases, Own) => Probe::new(Method::GET, "/v1/quality-phrases", Expect::Status(200)),
        (Operation::UpdateQualityPhrases, Own) => setting_written_back(app, "/v1/quality-phrases").await,
        (Operation::ListBuiltinPhrases, Own) => {
            Probe::new(Method::GET, "/v1/quality-phrases/builtin", Expect::Status(200))
        }
        (Operation::ReadQualityPhrases | Operation::UpdateQualityPhrases | Operation::ListBuiltinPhrases, _) => {
            return None
        }
        (Operation::ReadReviewPolicy, Own) => Probe::new(Method::GET, "/v1/review-policy", Expect::Status(200)),
        (Operation::UpdateReviewPolicy, Own) => setting_written_back(app, "/v1/review-policy").await,
        (Operation::ReadReviewPolicy | Operation::UpdateReviewPolicy, _) => return None,
        (Operation::ListOwnFeedback, Own) => Probe::new(Method::GET, "/v1/me/feedback?limit=200", Expect::Status(200))
            .hiding(&[id(&world.mine_fb_globex), id(&world.released_other)]),
        (Operation::ListOwnFollowUps, Own) => Probe::new(Method::GET, "/v1/me/follow-ups?limit=200", Expect::Status(200))
            .hiding(&[id(&world.follow_up_globex)]),
        (Operation::ListOwnFeedback | Operation::ListOwnFollowUps, _) => return None,
        (
            Operation::ReadOwnFeedback
            | Operation::AcknowledgeFeedback
            | Operation::UpdateActionProgress
            | Operation::ReadOwnPlan
            | Operation::RequestFollowUp,
            r,
        ) => {
            let target = match r {
                Own => &world.mine_fb,
                Other => &world.released_other,
                OtherTenant => &world.mine_fb_globex,
            };
            let expect = Expect::Status(if r != Own { 404 } else if operation == Operation::RequestFollowUp { 201 } else { 200 });
            let base = format!("/v1/me/feedback/{}", id(target));
            match operation {
                Operation::ReadOwnFeedback => Probe::new(Method::GET, base, expect),
                Operation::ReadOwnPlan => Probe::new(Method::GET, format!("{base}/plan"), expect),
                Operation::AcknowledgeFeedback => {
                    Probe::new(Method::POST, format!("{base}/acknowledge"), expect).body(json!({"usefulness_rating": 4}))
                }
                Operation::UpdateActionProgress => {
                    let action = target["document"]["development_actions"][0]["id"].as_str().expect("action id");
                    Probe::new(Method::PUT, format!("{base}/actions/{action}"), expect).body(json!({"status": "in_progress"}))
                }
                _ => Probe::new(Method::POST, format!("{base}/follow-ups"), expect)
                    .body(json!({"addressee": "manager", "message": "Could we talk about next steps?"})),
            }
            .hiding(&[INTERNAL])
        }
        (Operation::ListFollowUps, Own) => {
            Probe::new(Method::GET, "/v1/follow-ups?limit=200", Expect::Status(200)).hiding(&[id(&world.follow_up_globex)])
        }
        (Operation::ListFollowUps, _) => return None,
        (Operation::AnswerFollowUp, r) => {
            let (tenant, requisition) = target_of(world, r);
            let request = follow_up_on(app, tenant, requisition).await;
            Probe::new(Method::POST, format!("/v1/follow-ups/{}/answer", id(&request)), object_expect(r, 200))
                .body(json!({"outcome": "scheduled", "note": "Thursday 10:00"}))
        }
        (Operation::ReadCandidateActivity, r) => Probe::new(
            Method::GET,
            format!("/v1/feedback/{}/candidate-activity", id(feedback_for(world, r))),
            object_expect(r, 200),
        ),
        (Operation::ListFeedbackOnBehalf, Own) => {
            Probe::new(Method::GET, format!("/v1/employees/{PROBE_SUB}/feedback"), Expect::Status(200))
                .hiding(&[id(&world.mine_fb_globex), INTERNAL])
        }
        (Operation::ListFeedbackOnBehalf, _) => return None,
        (Operation::ListAuditEvents, Own) => Probe::new(Method::GET, "/v1/audit-events?limit=200", Expect::Status(200))
            .hiding(&[id(&world.globex_req), id(&world.globex_fb), INTERNAL]),
        (Operation::ListAuditEvents, _) => return None,
        // The feed shows this tenant's events only; globex's never.
        (Operation::ListEvents, Own) => Probe::new(Method::GET, "/v1/events?limit=200", Expect::Status(200))
            .hiding(&[id(&world.globex_req), id(&world.globex_fb), id(&world.globex_app), INTERNAL]),
        (Operation::ListEvents, _) => return None,
        // Webhook subscriptions are tenant data: the tenant's own, never another tenant's.
        (Operation::ListWebhooks, Own) => {
            let globex = webhook(app, "globex").await;
            Probe::new(Method::GET, "/v1/webhooks?limit=200", Expect::Status(200)).hiding(&[id(&globex), "whsec_"])
        }
        (Operation::CreateWebhook, Own) => Probe::new(Method::POST, "/v1/webhooks", Expect::Status(201))
            .body(json!({"url": "http://127.0.0.1:9/probe"})),
        (
            Operation::ReadWebhook
            | Operation::UpdateWebhook
            | Operation::DeleteWebhook
            | Operation::RotateWebhookSecret
            | Operation::PingWebhook
            | Operation::ListWebhookDeliveries
            | Operation::RedeliverWebhook
            | Operation::ListWebhookAttempts,
            r @ (Own | OtherTenant),
        ) => {
            let tenant = if r == Own { "acme" } else { "globex" };
            let subscription = webhook(app, tenant).await;
            let base = format!("/v1/webhooks/{}", id(&subscription));
            let ok = |status: u16| if r == Own { Expect::Status(status) } else { Expect::Status(404) };
            let event = current(app, tenant, "/v1/events?limit=1").await["items"][0]["id"].clone();
            let event = event.as_str().expect("an event").to_owned();
            match operation {
                Operation::ReadWebhook => Probe::new(Method::GET, base, ok(200)).hiding(&["whsec_"]),
                Operation::UpdateWebhook => Probe::new(Method::PATCH, base, ok(200))
                    .body(json!({"enabled": false}))
                    .if_match(&subscription["version"]),
                Operation::DeleteWebhook => Probe::new(Method::DELETE, base, ok(204)),
                Operation::RotateWebhookSecret => Probe::new(Method::POST, format!("{base}/rotate-secret"), ok(200)),
                Operation::PingWebhook => Probe::new(Method::POST, format!("{base}/ping"), ok(200)),
                Operation::ListWebhookDeliveries => Probe::new(Method::GET, format!("{base}/deliveries"), ok(200)),
                Operation::RedeliverWebhook => {
                    Probe::new(Method::POST, format!("{base}/deliveries/{event}/redeliver"), ok(202))
                }
                _ => Probe::new(Method::GET, format!("{base}/attempts"), ok(200)),
            }
        }
        (
            Operation::ListWebhooks
            | Operation::CreateWebhook
            | Operation::ReadWebhook
            | Operation::UpdateWebhook
            | Operation::DeleteWebhook
            | Operation::RotateWebhookSecret
            | Operation::PingWebhook
            | Operation::ListWebhookDeliveries
            | Operation::RedeliverWebhook
            | Operation::ListWebhookAttempts,
            _,
        ) => return None,
        (Operation::ExportSubject, Own) => Probe::new(Method::GET, "/v1/subjects/E-OWN/export", Expect::Status(200))
            .hiding(&[id(&world.globex_app), id(&world.other_app), "E-OTHER"]),
        // E-GLOBEX exists in globex only: nothing is held about them here.
        (Operation::ExportSubject, OtherTenant) => {
            Probe::new(Method::GET, "/v1/subjects/E-GLOBEX/export", Expect::Status(404))
        }
        (Operation::EraseSubject, Own) => {
            let subject = format!("X-{}", role.as_str());
            application(app, "acme", &world.own_req, &subject).await;
            Probe::new(Method::POST, format!("/v1/subjects/{subject}/erasure"), Expect::Status(200))
        }
        (Operation::EraseSubject, OtherTenant) => {
            let subject = format!("XG-{}", role.as_str());
            application(app, "globex", &world.globex_req, &subject).await;
            Probe::new(Method::POST, format!("/v1/subjects/{subject}/erasure"), Expect::Status(404))
        }
        (Operation::ExportSubject | Operation::EraseSubject, Other) => return None,
        (Operation::ReadLegalHold | Operation::PlaceLegalHold | Operation::ReleaseLegalHold, r) => {
            let (tenant, requisition) = target_of(world, r);
            let fresh = application(app, tenant, requisition, &format!("LH-{}-{r:?}-{operation:?}", role.as_str())).await;
            let path = format!("/v1/applications/{}/legal-hold", id(&fresh));
            let reason = json!({"reason": "Tribunal claim"});
            if operation != Operation::PlaceLegalHold {
                let placed = app.as_(&Caller::hr("H1").in_tenant(tenant), Method::PUT, &path).json(&reason).send().await;
                assert_eq!(placed.expect("hold").status(), 200);
            }
            match operation {
                Operation::ReadLegalHold => Probe::new(Method::GET, path, object_expect(r, 200)),
                Operation::PlaceLegalHold => Probe::new(Method::PUT, path, object_expect(r, 200)).body(reason),
                _ => Probe::new(Method::DELETE, path, object_expect(r, 204)),
            }
        }
        (Operation::ReadRetentionPolicy, Own) => Probe::new(Method::GET, "/v1/retention-policy", Expect::Status(200)),
        (Operation::UpdateRetentionPolicy, Own) => Probe::new(Method::PUT, "/v1/retention-policy", Expect::Status(200))
            .body(json!({"months_after_decision": null})),
        (Operation::ReadRetentionPolicy | Operation::UpdateRetentionPolicy, _) => return None,
        (Operation::ReadFeedbackOnBehalf, r) => {
            let target = match r {
                Own => &world.mine_fb,
                Other => &world.released_other,
                OtherTenant => &world.mine_fb_globex,
            };
            Probe::new(
                Method::GET,
                format!("/v1/employees/{PROBE_SUB}/feedback/{}", id(target)),
                Expect::Status(if r == Own { 200 } else { 404 }),
            )
            .hiding(&[INTERNAL])
        }
    })
}

/// The internal notes every fixture feedback carries; never in a candidate-side response.
const INTERNAL: &str = "fixture-internal-notes";

const SUMMARY: &str = "Thank you for applying. Here is what would make the difference next time.";

/// The fixtures' world on `requisition` in `tenant`: a rejection at the interview, feedback
/// written and reviewed by HR.
fn fixture<'a>(
    app: &'a TestApp,
    tenant: &'static str,
    requisition: &Value,
    candidate: &'static str,
) -> Scenario<'a> {
    app.scenario()
        .in_tenant(tenant)
        .on(requisition)
        .candidate(candidate)
        .stage("interview")
        .written_by_hr()
        .document(documents::minimal(SUMMARY))
}

/// An open follow-up request (addressed to the manager) on fresh released feedback.
async fn follow_up_on(app: &TestApp, tenant: &'static str, requisition: &Value) -> Value {
    let feedback = feedback_in(app, tenant, requisition, "released").await;
    let candidate: &'static str = Box::leak(
        feedback["candidate_id"]
            .as_str()
            .expect("candidate")
            .to_owned()
            .into_boxed_str(),
    );
    let body = json!({"addressee": "manager", "message": "Could we talk?"});
    json_of(
        app.post_as(
            &Caller::employee(candidate).in_tenant(tenant),
            &format!("/v1/me/feedback/{}/follow-ups", id(&feedback)),
            &body,
        )
        .await,
    )
    .await
}

fn feedback_for(world: &World, relation: Relation) -> &Value {
    match relation {
        Relation::Own => &world.own_fb,
        Relation::Other => &world.other_fb,
        Relation::OtherTenant => &world.globex_fb,
    }
}

fn target_of(world: &World, relation: Relation) -> (&'static str, &Value) {
    match relation {
        Relation::Own => ("acme", &world.own_req),
        Relation::Other => ("acme", &world.other_req),
        Relation::OtherTenant => ("globex", &world.globex_req),
    }
}

/// Feedback in `state` on a fresh, rejected application, made by HR of `tenant`.
async fn feedback_in(
    app: &TestApp,
    tenant: &'static str,
    requisition: &Value,
    state: &str,
) -> Value {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static CANDIDATES: AtomicUsize = AtomicUsize::new(0);
    let candidate: &'static str =
        Box::leak(format!("W{}", CANDIDATES.fetch_add(1, Ordering::SeqCst)).into_boxed_str());
    let scenario = fixture(app, tenant, requisition, candidate).notes("fixture");
    let story = match state {
        "draft" => scenario.draft().await,
        "submitted" => scenario.submitted().await,
        "approved" => scenario.approved().await,
        _ => scenario.released().await,
    };
    story.feedback
}

/// The other tenant's objects that acme callers aimed at, as its HR sees them. (Its lists grow:
/// the probes' fixtures are made there by its own HR.)
async fn globex_state(app: &TestApp, world: &World) -> Vec<Value> {
    let hr = Caller::hr("H1").in_tenant("globex");
    let mut state = Vec::new();
    for path in [
        format!("/v1/catalogs/competencies/{OTHER_MARKER}"),
        format!("/v1/resources/{}", id(&world.globex_resource)),
        format!("/v1/requisitions/{}", id(&world.globex_req)),
        format!("/v1/applications/{}", id(&world.globex_app)),
        format!("/v1/feedback/{}", id(&world.globex_fb)),
    ] {
        state.push(json_of(app.get_as(&hr, &path).await).await);
    }
    state
}

backend_tests!(the_matrix_holds_for_every_role_and_relation);

async fn the_matrix_holds_for_every_role_and_relation(backend: Backend) {
    let app = spawn_app(backend).await;
    for (tenant, key) in [("acme", OWN_MARKER), ("globex", OTHER_MARKER)] {
        let created = app
            .post_as(
                &Caller::hr("H1").in_tenant(tenant),
                "/v1/catalogs/competencies",
                &json!({"key": key, "name": key}),
            )
            .await;
        assert_eq!(created.status(), 201);
    }
    let own_req = requisition(&app, "acme", PROBE_SUB).await;
    let other_req = requisition(&app, "acme", "SOMEONE-ELSE").await;
    let globex_req = requisition(&app, "globex", PROBE_SUB).await;
    let own_fb = feedback_in(&app, "acme", &own_req, "draft").await;
    let other_fb = feedback_in(&app, "acme", &other_req, "draft").await;
    let globex_fb = feedback_in(&app, "globex", &globex_req, "draft").await;
    let mine = fixture(&app, "acme", &other_req, PROBE_SUB)
        .notes(INTERNAL)
        .released()
        .await;
    let mine_in_globex = fixture(&app, "globex", &globex_req, PROBE_SUB)
        .notes(INTERNAL)
        .released()
        .await;
    let (mine, mine_fb) = (mine.application, mine.feedback);
    let (mine_in_globex, mine_fb_globex) = (mine_in_globex.application, mine_in_globex.feedback);
    let released_other = feedback_in(&app, "acme", &own_req, "released").await;
    let follow_up_globex = json_of(
        app.post_as(
            &Caller::employee(PROBE_SUB).in_tenant("globex"),
            &format!("/v1/me/feedback/{}/follow-ups", id(&mine_fb_globex)),
            &json!({"addressee": "hr", "message": "In globex"}),
        )
        .await,
    )
    .await;
    let mut resources = Vec::new();
    for tenant in ["acme", "globex"] {
        let body = json!({"title": format!("Library of {tenant}"), "kind": "community",
                          "url": "https://community.example.com/", "language": "en"});
        resources.push(
            json_of(
                app.post_as(&Caller::hr("H1").in_tenant(tenant), "/v1/resources", &body)
                    .await,
            )
            .await,
        );
    }
    let globex_resource = resources.pop().expect("globex");
    let own_resource = resources.pop().expect("acme");
    let world = World {
        own_resource,
        globex_resource,
        mine_fb,
        mine_fb_globex,
        released_other,
        follow_up_globex,
        own_fb,
        other_fb,
        globex_fb,
        own_app: application(&app, "acme", &own_req, "E-OWN").await,
        other_app: application(&app, "acme", &other_req, "E-OTHER").await,
        globex_app: application(&app, "globex", &globex_req, "E-GLOBEX").await,
        mine,
        mine_in_globex,
        own_req,
        other_req,
        globex_req,
    };
    let globex_before = globex_state(&app, &world).await;

    let mut checked = 0;
    for rule in MATRIX {
        for role in Role::ALL.iter().copied() {
            let caller = Caller {
                sub: PROBE_SUB,
                roles: vec![role],
                tenant: "acme",
            };
            for relation in [Relation::Own, Relation::Other, Relation::OtherTenant] {
                let Some(probe) = probe(&app, &world, rule.operation, relation, role).await else {
                    continue;
                };
                let mut request = app.as_(&caller, probe.method.clone(), &probe.path);
                if let Some(body) = &probe.body {
                    request = request.json(body);
                }
                if let Some(tag) = &probe.if_match {
                    request = request.header("if-match", tag);
                }
                let response = request.send().await.expect("request");
                let status = response.status().as_u16();
                let text = response.text().await.expect("body");
                let expected = if !permits(&[Role::Employee, role], rule.operation) {
                    403
                } else {
                    match probe.expect {
                        Expect::Status(status) => status,
                        Expect::HrOnly(status) if matches!(role, Role::Hr | Role::Integration) => {
                            status
                        }
                        Expect::HrOnly(_) => 404,
                    }
                };
                let what = format!(
                    "{:?} as {role} on {relation:?}: {} {}",
                    rule.operation, probe.method, probe.path
                );
                assert_eq!(status, expected, "{what}: {text}");
                for hidden in &probe.must_not_contain {
                    assert!(
                        !text.contains(hidden.as_str()),
                        "{what} leaked {hidden}: {text}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(
        checked >= MATRIX.len() * Role::ALL.len(),
        "{checked} probes"
    );
    // The caller's own application is listed for them.
    let mine = app
        .get_as(&Caller::employee(PROBE_SUB), "/v1/me/applications")
        .await
        .text()
        .await
        .expect("body");
    assert!(mine.contains(id(&world.mine)), "{mine}");
    // Nothing any acme caller did changed globex's data.
    let globex_after = globex_state(&app, &world).await;
    assert_eq!(globex_after, globex_before);
}
