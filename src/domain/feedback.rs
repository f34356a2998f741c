//! Structured feedback: the document a hiring manager writes, and the review workflow that
//! guards it until HR releases it to the candidate.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::catalog::bounded_text;
use crate::error::FieldError;

/// Where a feedback document is in its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackStatus {
    /// Being written; editable.
    Draft,
    /// Waiting for HR review; locked.
    Submitted,
    /// Sent back by HR with a comment; editable, then submitted again.
    Returned,
    /// Approved by HR; ready to release.
    Approved,
    /// Visible to the candidate. HR may amend it (a new revision).
    Released,
}

impl FeedbackStatus {
    pub const ALL: [FeedbackStatus; 5] = [
        Self::Draft,
        Self::Submitted,
        Self::Returned,
        Self::Approved,
        Self::Released,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Approved => "approved",
            Self::Released => "released",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether the author may change the document.
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }
}

/// A workflow action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackAction {
    Create,
    Edit,
    Submit,
    Return,
    Approve,
    Release,
    Amend,
}

impl FeedbackAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Edit => "edit",
            Self::Submit => "submit",
            Self::Return => "return",
            Self::Approve => "approve",
            Self::Release => "release",
            Self::Amend => "amend",
        }
    }
}

/// The tenant's review policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReviewPolicy {
    /// Submitting approves at once (no HR review step).
    pub skip_hr_review: bool,
}

/// Why an action is not allowed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {} feedback that is {}", action.as_str(), from.as_str())]
pub struct IllegalTransition {
    pub from: FeedbackStatus,
    pub action: FeedbackAction,
}

/// The workflow: where `action` takes feedback that is `from`.
///
/// `draft → submitted → approved → released`, `submitted → returned → submitted`, and `amend`
/// after release (a new revision, still released). With `skip_hr_review`, submit approves.
pub fn transition(
    from: FeedbackStatus,
    action: FeedbackAction,
    policy: ReviewPolicy,
) -> Result<FeedbackStatus, IllegalTransition> {
    use FeedbackAction as A;
    use FeedbackStatus as S;
    let to = match (from, action) {
        (S::Draft | S::Returned, A::Edit) => from,
        (S::Draft | S::Returned, A::Submit) if policy.skip_hr_review => S::Approved,
        (S::Draft | S::Returned, A::Submit) => S::Submitted,
        (S::Submitted, A::Return) => S::Returned,
        (S::Submitted, A::Approve) => S::Approved,
        (S::Approved, A::Release) => S::Released,
        (S::Released, A::Amend) => S::Released,
        _ => return Err(IllegalTransition { from, action }),
    };
    Ok(to)
}

/// How a competency was demonstrated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    NotYetDemonstrated,
    Developing,
    Proficient,
    Strong,
}

/// What kind of development action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Course,
    Training,
    Workshop,
    Certification,
    Mentoring,
    JobRotation,
    StretchAssignment,
    Networking,
    Reading,
    Other,
}

/// When a development action pays off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Horizon {
    ShortTerm,
    LongTerm,
}

/// How soon the candidate could be ready for a role like this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadinessEstimate {
    ReadyNow,
    #[serde(rename = "within_6_months")]
    Within6Months,
    #[serde(rename = "within_12_months")]
    Within12Months,
    #[serde(rename = "beyond_12_months")]
    Beyond12Months,
    NotAssessed,
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
        deserialize_with = "crate::domain::feedback::non_null"
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
        deserialize_with = "crate::domain::feedback::non_null"
    )]
    #[schema(nullable = false)]
    pub id: Option<Uuid>,
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
        deserialize_with = "crate::domain::feedback::non_null"
    )]
    #[schema(nullable = false, max_length = 2000)]
    pub description: Option<String>,
    /// An http(s) link to the course, programme or material.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::domain::feedback::non_null"
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
        deserialize_with = "crate::domain::feedback::non_null"
    )]
    #[schema(nullable = false)]
    pub target_date: Option<NaiveDate>,
    /// The competency the action develops.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::domain::feedback::non_null"
    )]
    #[schema(nullable = false)]
    pub competency: Option<String>,
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

/// For optional fields: absent means `None`; an explicit `null` is refused.
pub fn non_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Catalog keys a document may use: the active ones, plus any key already on the record
/// (a retired key stays valid on old records).
pub struct AllowedKeys<'a> {
    pub reasons: &'a HashSet<String>,
    pub competencies: &'a HashSet<String>,
}

fn check_key(
    field: String,
    key: &str,
    allowed: &HashSet<String>,
    kept: &HashSet<&str>,
    errors: &mut Vec<FieldError>,
) {
    if !allowed.contains(key) && !kept.contains(key) {
        errors.push(FieldError::new(
            field,
            format!("{key:?} is not an active key of the catalog"),
        ));
    }
}

fn http_url(raw: &str) -> bool {
    let lower = raw.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && raw.len() > lower.find("://").map_or(0, |i| i + 3)
        && !raw.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl FeedbackDocument {
    /// Checks bounds and catalog keys; trims text. Keys used by `previous` stay allowed.
    /// Assigns ids to new development actions.
    pub fn normalise(
        &mut self,
        allowed: &AllowedKeys<'_>,
        previous: Option<&FeedbackDocument>,
    ) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let kept_reasons: HashSet<&str> = previous
            .map(|p| p.reasons.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let kept_competencies: HashSet<&str> = previous
            .map(|p| {
                p.assessments
                    .iter()
                    .map(|a| a.competency.as_str())
                    .chain(
                        p.improvement_areas
                            .iter()
                            .filter_map(|a| a.competency.as_deref()),
                    )
                    .chain(
                        p.development_actions
                            .iter()
                            .filter_map(|a| a.competency.as_deref()),
                    )
                    .collect()
            })
            .unwrap_or_default();

        if self.reasons.len() > 7 {
            errors.push(FieldError::new("reasons", "at most 7 reasons"));
        }
        let mut seen = HashSet::new();
        for (i, reason) in self.reasons.iter().enumerate() {
            if !seen.insert(reason.clone()) {
                errors.push(FieldError::new(format!("reasons[{i}]"), "listed twice"));
            }
            check_key(
                format!("reasons[{i}]"),
                reason,
                allowed.reasons,
                &kept_reasons,
                &mut errors,
            );
        }
        if self.assessments.len() > 20 {
            errors.push(FieldError::new("assessments", "at most 20 assessments"));
        }
        let mut seen = HashSet::new();
        for (i, assessment) in self.assessments.iter_mut().enumerate() {
            if !seen.insert(assessment.competency.clone()) {
                errors.push(FieldError::new(
                    format!("assessments[{i}].competency"),
                    "assessed twice",
                ));
            }
            check_key(
                format!("assessments[{i}].competency"),
                &assessment.competency,
                allowed.competencies,
                &kept_competencies,
                &mut errors,
            );
            assessment.evidence = bounded_text(
                &format!("assessments[{i}].evidence"),
                &assessment.evidence,
                0,
                2000,
                &mut errors,
            );
        }
        if self.strengths.len() > 10 {
            errors.push(FieldError::new("strengths", "at most 10 strengths"));
        }
        for (i, strength) in self.strengths.iter_mut().enumerate() {
            *strength = bounded_text(&format!("strengths[{i}]"), strength, 1, 500, &mut errors);
        }
        if self.improvement_areas.len() > 10 {
            errors.push(FieldError::new("improvement_areas", "at most 10 areas"));
        }
        for (i, area) in self.improvement_areas.iter_mut().enumerate() {
            if let Some(competency) = &area.competency {
                check_key(
                    format!("improvement_areas[{i}].competency"),
                    competency,
                    allowed.competencies,
                    &kept_competencies,
                    &mut errors,
                );
            }
            area.description = bounded_text(
                &format!("improvement_areas[{i}].description"),
                &area.description,
                1,
                1000,
                &mut errors,
            );
        }
        if self.development_actions.len() > 20 {
            errors.push(FieldError::new("development_actions", "at most 20 actions"));
        }
        let mut ids = HashSet::new();
        for (i, action) in self.development_actions.iter_mut().enumerate() {
            let id = *action.id.get_or_insert_with(Uuid::now_v7);
            if !ids.insert(id) {
                errors.push(FieldError::new(
                    format!("development_actions[{i}].id"),
                    "used twice",
                ));
            }
            action.title = bounded_text(
                &format!("development_actions[{i}].title"),
                &action.title,
                1,
                200,
                &mut errors,
            );
            if let Some(description) = &action.description {
                action.description = Some(bounded_text(
                    &format!("development_actions[{i}].description"),
                    description,
                    0,
                    2000,
                    &mut errors,
                ));
            }
            if let Some(url) = &action.resource_url {
                if url.len() > 2000 || !http_url(url) {
                    errors.push(FieldError::new(
                        format!("development_actions[{i}].resource_url"),
                        "must be an http or https URL of at most 2000 characters",
                    ));
                }
            }
            if let Some(competency) = &action.competency {
                check_key(
                    format!("development_actions[{i}].competency"),
                    competency,
                    allowed.competencies,
                    &kept_competencies,
                    &mut errors,
                );
            }
        }
        if self.alternative_paths.len() > 10 {
            errors.push(FieldError::new("alternative_paths", "at most 10 paths"));
        }
        for (i, path) in self.alternative_paths.iter_mut().enumerate() {
            *path = bounded_text(
                &format!("alternative_paths[{i}]"),
                path,
                1,
                300,
                &mut errors,
            );
        }
        self.readiness.note =
            bounded_text("readiness.note", &self.readiness.note, 0, 1000, &mut errors);
        self.summary = bounded_text("summary", &self.summary, 0, 5000, &mut errors);
        errors
    }

    /// What submitting needs: a reason, a summary and a development action.
    pub fn completeness(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.reasons.is_empty() {
            errors.push(FieldError::new(
                "reasons",
                "at least one reason is needed to submit",
            ));
        }
        if self.summary.trim().is_empty() {
            errors.push(FieldError::new(
                "summary",
                "a summary for the candidate is needed to submit",
            ));
        }
        if self.development_actions.is_empty() {
            errors.push(FieldError::new(
                "development_actions",
                "at least one development action is needed to submit",
            ));
        }
        errors
    }
}

/// Validated internal notes (author and HR only).
pub fn internal_notes(raw: &str, errors: &mut Vec<FieldError>) -> String {
    bounded_text("internal_notes", raw, 0, 5000, errors)
}

#[cfg(test)]
mod tests {

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
                id: Some(Uuid::nil()),
                kind: ActionKind::Course,
                title: text("title"),
                description: Some(text("description")),
                resource_url: Some(format!("https://learning.example.com/{marker}")),
                horizon: Horizon::ShortTerm,
                target_date: NaiveDate::from_ymd_opt(2027, 3, 1),
                competency: Some("communication".into()),
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
        assert_eq!(stripped.development_actions[0].id, Some(Uuid::nil()));
        assert_eq!(
            stripped.development_actions[0].target_date,
            document.development_actions[0].target_date
        );
        assert_eq!(
            stripped.readiness.estimate,
            ReadinessEstimate::Within6Months
        );
        assert!(stripped.follow_up_offered);
    }
    use super::*;

    const REVIEW: ReviewPolicy = ReviewPolicy {
        skip_hr_review: false,
    };
    const SKIP: ReviewPolicy = ReviewPolicy {
        skip_hr_review: true,
    };

    #[test]
    fn the_workflow_allows_exactly_the_documented_moves() {
        use FeedbackAction as A;
        use FeedbackStatus as S;
        let legal = [
            (S::Draft, A::Edit, S::Draft),
            (S::Draft, A::Submit, S::Submitted),
            (S::Returned, A::Edit, S::Returned),
            (S::Returned, A::Submit, S::Submitted),
            (S::Submitted, A::Return, S::Returned),
            (S::Submitted, A::Approve, S::Approved),
            (S::Approved, A::Release, S::Released),
            (S::Released, A::Amend, S::Released),
        ];
        for from in S::ALL {
            for action in [
                A::Edit,
                A::Submit,
                A::Return,
                A::Approve,
                A::Release,
                A::Amend,
                A::Create,
            ] {
                let expected = legal
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    transition(from, action, REVIEW).ok(),
                    expected,
                    "{from:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn skipping_review_makes_submit_approve() {
        assert_eq!(
            transition(FeedbackStatus::Draft, FeedbackAction::Submit, SKIP),
            Ok(FeedbackStatus::Approved)
        );
        assert_eq!(
            transition(FeedbackStatus::Returned, FeedbackAction::Submit, SKIP),
            Ok(FeedbackStatus::Approved)
        );
        assert!(transition(FeedbackStatus::Approved, FeedbackAction::Submit, SKIP).is_err());
    }

    fn keys(items: &[&str]) -> HashSet<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn unknown_keys_are_refused_but_retired_keys_already_on_the_record_stay_valid() {
        let reasons = keys(&["skills_gap"]);
        let competencies = keys(&["communication"]);
        let allowed = AllowedKeys {
            reasons: &reasons,
            competencies: &competencies,
        };
        let mut document = FeedbackDocument {
            reasons: vec!["skills_gap".into(), "retired_reason".into()],
            ..FeedbackDocument::default()
        };
        let errors = document.clone().normalise(&allowed, None);
        assert_eq!(
            errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["reasons[1]"]
        );
        let previous = document.clone();
        assert!(document.normalise(&allowed, Some(&previous)).is_empty());
    }

    #[test]
    fn urls_must_be_http_or_https() {
        for (url, ok) in [
            ("https://learning.example.com/x", true),
            ("http://intranet/course", true),
            ("javascript:alert(1)", false),
            ("ftp://x", false),
            ("https://", false),
            ("https://a b", false),
        ] {
            assert_eq!(http_url(url), ok, "{url}");
        }
    }

    #[test]
    fn new_actions_get_ids_and_submit_needs_the_essentials() {
        let empty = HashSet::new();
        let allowed = AllowedKeys {
            reasons: &empty,
            competencies: &empty,
        };
        let mut document = FeedbackDocument {
            development_actions: vec![DevelopmentAction {
                id: None,
                kind: ActionKind::Course,
                title: "SQL".into(),
                description: None,
                resource_url: None,
                horizon: Horizon::ShortTerm,
                target_date: None,
                competency: None,
            }],
            ..FeedbackDocument::default()
        };
        assert!(document.normalise(&allowed, None).is_empty());
        assert!(document.development_actions[0].id.is_some());
        let missing: Vec<_> = document
            .completeness()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(missing, ["reasons", "summary"]);
    }
}
