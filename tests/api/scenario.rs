//! One way to build the world a test needs, and one source of test documents:
//!
//! ```ignore
//! let story = app.scenario().managers(&["M1", "M2"]).candidate("E42")
//!     .document(documents::complete()).released().await;
//! ```
//!
//! Every step goes through the API as the role that does it in real life: the HR portal syncs
//! the requisition and the application and records the rejection; the first hiring manager
//! (or HR, with `written_by_hr`) writes the feedback; HR reviews and releases it.

#![allow(dead_code)]

use serde_json::{json, Value};

use crate::helpers::{id, ok, Caller, TestApp};

/// Feedback documents for tests.
pub mod documents {
    use serde_json::{json, Value};

    /// The smallest document that can be submitted: a reason, a summary, one action.
    pub fn minimal(summary: &str) -> Value {
        json!({
            "reasons": ["skills_gap"],
            "summary": summary,
            "development_actions": [{"kind": "course", "title": "Advanced SQL", "horizon": "short_term"}],
        })
    }

    /// Every section filled in.
    pub fn complete() -> Value {
        json!({
            "reasons": ["skills_gap", "interview_performance"],
            "assessments": [{"competency": "communication", "level": "developing", "evidence": "Answers lacked structure."}],
            "strengths": ["Deep knowledge of the payments domain"],
            "improvement_areas": [{"competency": "stakeholder_management", "description": "Aligning senior stakeholders"}],
            "development_actions": [
                {"kind": "course", "title": "Advanced SQL", "horizon": "short_term", "target_date": "2027-03-31",
                 "resource_url": "https://learning.example.com/sql", "competency": "technical_depth"},
                {"kind": "mentoring", "title": "Monthly sessions with a senior analyst", "horizon": "long_term"}
            ],
            "alternative_paths": ["Analytics Engineer in Platform"],
            "readiness": {"estimate": "within_6_months", "note": "With the SQL course done."},
            "summary": "Thank you for applying. You were a strong contender; here is what would make the difference.",
            "follow_up_offered": true
        })
    }

    /// A submittable document with these development actions.
    pub fn with_actions(actions: Value) -> Value {
        json!({
            "reasons": ["experience_gap"],
            "strengths": ["Thorough analysis"],
            "development_actions": actions,
            "alternative_paths": ["Senior Analyst in Risk"],
            "readiness": {"estimate": "within_12_months", "note": "After a stretch project"},
            "summary": "Thank you for applying; here is a plan for the next opening.",
            "follow_up_offered": true
        })
    }

    /// A complete document whose every free text carries `marker` (privacy and log tests
    /// search for it).
    pub fn marked(marker: &str, summary: &str) -> Value {
        json!({
            "reasons": ["skills_gap"],
            "assessments": [{"competency": "communication", "level": "developing", "evidence": format!("{marker} evidence")}],
            "strengths": [format!("{marker} strength")],
            "improvement_areas": [{"description": format!("{marker} area")}],
            "development_actions": [{"kind": "course", "title": format!("{marker} course"), "horizon": "short_term",
                                     "description": format!("{marker} why")}],
            "alternative_paths": [format!("{marker} path")],
            "readiness": {"estimate": "within_6_months", "note": format!("{marker} readiness")},
            "summary": format!("{marker} {summary}"),
        })
    }
}

/// What a scenario built; steps not reached are `null`.
#[derive(Debug, Clone)]
pub struct Story {
    pub requisition: Value,
    pub application: Value,
    pub feedback: Value,
}

/// A world to build, step by step (see the module docs).
pub struct Scenario<'a> {
    app: &'a TestApp,
    tenant: &'static str,
    managers: Vec<&'static str>,
    title: &'static str,
    department: &'static str,
    candidate: &'static str,
    stage: &'static str,
    requisition: Option<Value>,
    document: Value,
    notes: String,
    written_by_hr: bool,
}

impl TestApp {
    /// A requisition "Analyst" in Finance managed by M1, in tenant `acme`, for candidate E1,
    /// with the minimal document; change what the test needs.
    pub fn scenario(&self) -> Scenario<'_> {
        Scenario {
            app: self,
            tenant: "acme",
            managers: vec!["M1"],
            title: "Analyst",
            department: "Finance",
            candidate: "E1",
            stage: "final",
            requisition: None,
            document: documents::minimal("Thank you for applying; here is what would help."),
            notes: String::new(),
            written_by_hr: false,
        }
    }
}

impl Scenario<'_> {
    pub fn in_tenant(mut self, tenant: &'static str) -> Self {
        self.tenant = tenant;
        self
    }

    pub fn managers(mut self, managers: &[&'static str]) -> Self {
        self.managers = managers.to_vec();
        self
    }

    pub fn title(mut self, title: &'static str) -> Self {
        self.title = title;
        self
    }

    /// The requisition's department (default Finance).
    pub fn department(mut self, department: &'static str) -> Self {
        self.department = department;
        self
    }

    pub fn candidate(mut self, candidate: &'static str) -> Self {
        self.candidate = candidate;
        self
    }

    /// The stage the rejected candidate reached (default `final`).
    pub fn stage(mut self, stage: &'static str) -> Self {
        self.stage = stage;
        self
    }

    /// Apply to this existing requisition instead of a new one.
    pub fn on(mut self, requisition: &Value) -> Self {
        self.requisition = Some(requisition.clone());
        self
    }

    pub fn document(mut self, document: Value) -> Self {
        self.document = document;
        self
    }

    pub fn notes(mut self, notes: impl Into<String>) -> Self {
        self.notes = notes.into();
        self
    }

    /// HR writes the feedback instead of the first hiring manager.
    pub fn written_by_hr(mut self) -> Self {
        self.written_by_hr = true;
        self
    }

    pub fn portal(&self) -> Caller {
        Caller::integration("hr-portal").in_tenant(self.tenant)
    }

    pub fn manager(&self) -> Caller {
        Caller::manager(self.managers[0]).in_tenant(self.tenant)
    }

    pub fn hr(&self) -> Caller {
        Caller::hr("H1").in_tenant(self.tenant)
    }

    fn author(&self) -> Caller {
        if self.written_by_hr {
            self.hr()
        } else {
            self.manager()
        }
    }

    pub async fn requisition(self) -> Story {
        let requisition = match &self.requisition {
            Some(requisition) => requisition.clone(),
            None => {
                let body = json!({"title": self.title, "department": self.department, "hiring_manager_ids": self.managers});
                ok(self
                    .app
                    .post_as(&self.portal(), "/v1/requisitions", &body)
                    .await)
                .await
            }
        };
        Story {
            requisition,
            application: Value::Null,
            feedback: Value::Null,
        }
    }

    /// An active application of the candidate.
    pub async fn application(self) -> Story {
        let app = self.app;
        let portal = self.portal();
        let candidate = self.candidate;
        let mut story = self.requisition().await;
        let body = json!({"requisition_id": story.requisition["id"], "candidate_id": candidate});
        story.application = ok(app.post_as(&portal, "/v1/applications", &body).await).await;
        story
    }

    /// The application, rejected.
    pub async fn rejected(self) -> Story {
        let (app, portal, stage) = (self.app, self.portal(), self.stage);
        let mut story = self.application().await;
        let path = format!("/v1/applications/{}/decision", id(&story.application));
        let decision = json!({"outcome": "rejected", "stage_reached": stage});
        story.application = ok(app.post_as(&portal, &path, &decision).await).await;
        story
    }

    /// A draft on the rejected application.
    pub async fn draft(self) -> Story {
        let (app, author) = (self.app, self.author());
        let body = json!({"document": self.document, "internal_notes": self.notes});
        let mut story = Scenario {
            document: Value::Null,
            notes: String::new(),
            ..self
        }
        .rejected()
        .await;
        let path = format!("/v1/applications/{}/feedback", id(&story.application));
        story.feedback = ok(app.post_as(&author, &path, &body).await).await;
        story
    }

    pub async fn submitted(self) -> Story {
        self.until(&["submit"]).await
    }

    pub async fn approved(self) -> Story {
        self.until(&["submit", "approve"]).await
    }

    pub async fn released(self) -> Story {
        self.until(&["submit", "approve", "release"]).await
    }

    async fn until(self, steps: &[&str]) -> Story {
        let (app, author, hr) = (self.app, self.author(), self.hr());
        let mut story = self.draft().await;
        for step in steps {
            let caller = if *step == "submit" { &author } else { &hr };
            story.feedback = step_on(app, caller, &story.feedback, step).await;
        }
        story
    }
}

/// A workflow step (`submit`, `approve`, `release`, …) without a body, which must succeed.
pub async fn step_on(app: &TestApp, caller: &Caller, feedback: &Value, step: &str) -> Value {
    let path = format!("/v1/feedback/{}/{step}", id(feedback));
    ok(app.post_empty(caller, &path).await).await
}
