//! The feedback document: what a hiring manager writes and the candidate reads.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::names::named;
use crate::domain::{ActionId, ResourceId};

named! {
    /// How a competency was demonstrated.
    pub enum Level ("assessment level") {
        NotYetDemonstrated = "not_yet_demonstrated",
        Developing = "developing",
        Proficient = "proficient",
        Strong = "strong",
    }
}

named! {
    /// What kind of development action.
    pub enum ActionKind ("action kind") {
        Course = "course",
        Training = "training",
        Workshop = "workshop",
        Certification = "certification",
        Mentoring = "mentoring",
        JobRotation = "job_rotation",
        StretchAssignment = "stretch_assignment",
        Networking = "networking",
        Reading = "reading",
        Other = "other",
    }
}

named! {
    /// When a development action pays off.
    pub enum Horizon ("horizon") {
        ShortTerm = "short_term",
        LongTerm = "long_term",
    }
}

named! {
    /// How soon the candidate could be ready for a role like this one.
    pub enum ReadinessEstimate ("readiness estimate") {
        ReadyNow = "ready_now",
        Within6Months = "within_6_months",
        Within12Months = "within_12_months",
        Beyond12Months = "beyond_12_months",
        NotAssessed = "not_assessed",
    }
}

/// A competency assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// A key of the tenant's competency catalog.
    #[schema(example = "communication")]
    pub competency: String,
    pub level: Level,
    /// What was observed, up to 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub evidence: String,
}

/// Something to work on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImprovementArea {
    /// A competency key, when the area maps to one.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::domain::non_null"
    )]
    #[schema(nullable = false)]
    pub competency: Option<String>,
    /// Up to 1000 characters.
    #[schema(min_length = 1, max_length = 1000)]
    pub description: String,
}

/// One step of the development plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DevelopmentAction {
    /// Assigned by the service when omitted; keep it when editing so that the candidate's
    /// progress stays attached to the action.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::domain::non_null"
    )]
    #[schema(value_type = Option<uuid::Uuid>, nullable = false)]
    pub id: Option<ActionId>,
    pub kind: ActionKind,
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "Complete the SQL for analysts course"
    )]
    pub title: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::domain::non_null"
    )]
    #[schema(nullable = false, max_length = 2000)]
    pub description: Option<String>,
    /// An http(s) link to the course, programme or material.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::domain::non_null"
    )]
    #[schema(
        nullable = false,
        max_length = 2000,
        pattern = "^https?://[^\\s]+$",
        example = "https://learning.example.com/sql-101"
    )]
    pub resource_url: Option<String>,
    pub horizon: Horizon,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::domain::non_null"
    )]
    #[schema(nullable = false)]
    pub target_date: Option<NaiveDate>,
    /// The competency the action develops.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::domain::non_null"
    )]
    #[schema(nullable = false)]
    pub competency: Option<String>,
    /// Ids of resources of the tenant's library (`/v1/resources`), up to 5: active ones when
    /// attached; one retired later stays on the action and readable in the plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<uuid::Uuid>, max_items = 5)]
    pub resources: Vec<ResourceId>,
}

/// The readiness estimate and its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Readiness {
    pub estimate: ReadinessEstimate,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
}

impl Default for Readiness {
    fn default() -> Self {
        Self {
            estimate: ReadinessEstimate::NotAssessed,
            note: String::new(),
        }
    }
}

/// The feedback document: what the candidate will read (everything but `internal_notes`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackDocument {
    /// Keys of the tenant's reason codes; at least one to submit.
    #[serde(default)]
    #[schema(max_items = 7, example = json!(["skills_gap"]))]
    pub reasons: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub assessments: Vec<Assessment>,
    /// Strengths to build on, up to 10 of up to 500 characters.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub strengths: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 10)]
    pub improvement_areas: Vec<ImprovementArea>,
    /// The development plan; at least one action to submit.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub development_actions: Vec<DevelopmentAction>,
    /// Other roles or paths inside the organisation worth considering, up to 10.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub alternative_paths: Vec<String>,
    #[serde(default)]
    pub readiness: Readiness,
    /// The message to the candidate, up to 5000 characters; required to submit.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub summary: String,
    /// Whether a follow-up conversation is offered.
    #[serde(default)]
    pub follow_up_offered: bool,
}

impl FeedbackDocument {
    /// The document with every free-text field removed (anonymisation): reason codes,
    /// competency levels, action kinds and horizons, dates, the readiness estimate and the
    /// follow-up offer stay, so that aggregates survive; what a person wrote does not.
    pub fn without_free_text(&self) -> Self {
        Self {
            reasons: self.reasons.clone(),
            assessments: self
                .assessments
                .iter()
                .map(|a| Assessment {
                    evidence: String::new(),
                    ..a.clone()
                })
                .collect(),
            strengths: Vec::new(),
            improvement_areas: self
                .improvement_areas
                .iter()
                .map(|area| ImprovementArea {
                    competency: area.competency.clone(),
                    description: String::new(),
                })
                .collect(),
            development_actions: self
                .development_actions
                .iter()
                .map(|action| DevelopmentAction {
                    title: String::new(),
                    description: None,
                    resource_url: None,
                    ..action.clone()
                })
                .collect(),
            alternative_paths: Vec::new(),
            readiness: Readiness {
                estimate: self.readiness.estimate,
                note: String::new(),
            },
            summary: String::new(),
            follow_up_offered: self.follow_up_offered,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_free_text_keeps_structure_and_drops_every_prose_field() {
        let marker = "PROSE-6a1f";
        let text = |what: &str| format!("{marker} {what}");
        let document = FeedbackDocument {
            reasons: vec!["skills_gap".into()],
            assessments: vec![Assessment {
                competency: "communication".into(),
                level: Level::Developing,
                evidence: text("evidence"),
            }],
            strengths: vec![text("strength")],
            improvement_areas: vec![ImprovementArea {
                competency: Some("communication".into()),
                description: text("area"),
            }],
            development_actions: vec![DevelopmentAction {
                id: Some(ActionId::from_uuid(uuid::Uuid::nil())),
                kind: ActionKind::Course,
                title: text("title"),
                description: Some(text("description")),
                resource_url: Some(format!("https://learning.example.com/{marker}")),
                horizon: Horizon::ShortTerm,
                target_date: NaiveDate::from_ymd_opt(2027, 3, 1),
                competency: Some("communication".into()),
                resources: vec![ResourceId::from_uuid(uuid::Uuid::max())],
            }],
            alternative_paths: vec![text("path")],
            readiness: Readiness {
                estimate: ReadinessEstimate::Within6Months,
                note: text("note"),
            },
            summary: text("summary"),
            follow_up_offered: true,
        };
        let stripped = document.without_free_text();
        let json = serde_json::to_string(&stripped).expect("json");
        assert!(!json.contains(marker), "{json}");
        assert_eq!(stripped.reasons, document.reasons);
        assert_eq!(stripped.assessments[0].level, Level::Developing);
        assert_eq!(
            stripped.development_actions[0].id,
            Some(ActionId::from_uuid(uuid::Uuid::nil()))
        );
        assert_eq!(
            stripped.development_actions[0].target_date,
            document.development_actions[0].target_date
        );
        // Library resources are the organisation's, not the person's words: they stay.
        assert_eq!(
            stripped.development_actions[0].resources,
            document.development_actions[0].resources
        );
        assert_eq!(
            stripped.readiness.estimate,
            ReadinessEstimate::Within6Months
        );
        assert!(stripped.follow_up_offered);
    }
}
