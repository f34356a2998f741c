//! Validation of a feedback document: bounds, catalog keys, what submitting needs.

use std::collections::HashSet;

use super::document::FeedbackDocument;
use crate::domain::resources::PER_ACTION_MAX;
use crate::domain::{bounded_text, ActionId, FieldError, ResourceId};

/// Catalog keys and library resources a document may use: the active ones, plus any already
/// on the record (a retired key or resource stays valid on old records).
pub struct AllowedKeys<'a> {
    pub reasons: &'a HashSet<String>,
    pub competencies: &'a HashSet<String>,
    /// Active library resources (the caller may pass only those the document names).
    pub resources: &'a HashSet<ResourceId>,
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
        let kept_resources: HashSet<ResourceId> = previous
            .map(|p| p.resource_ids().collect())
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
            let id = *action.id.get_or_insert_with(ActionId::generate);
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
            if action.resources.len() > PER_ACTION_MAX {
                errors.push(FieldError::new(
                    format!("development_actions[{i}].resources"),
                    format!("at most {PER_ACTION_MAX} resources"),
                ));
            }
            let mut seen = HashSet::new();
            for (j, resource) in action.resources.iter().enumerate() {
                let field = format!("development_actions[{i}].resources[{j}]");
                if !seen.insert(*resource) {
                    errors.push(FieldError::new(field, "listed twice"));
                } else if !allowed.resources.contains(resource)
                    && !kept_resources.contains(resource)
                {
                    errors.push(FieldError::new(
                        field,
                        format!("{resource} is not an active resource of the library"),
                    ));
                }
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

    /// Every library resource the development actions name (with repeats).
    pub fn resource_ids(&self) -> impl Iterator<Item = ResourceId> + '_ {
        self.development_actions
            .iter()
            .flat_map(|a| a.resources.iter().copied())
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
    use super::*;
    use crate::domain::feedback::{ActionKind, DevelopmentAction, Horizon};

    /// A short-term course with no date, competency or link.
    fn course(resources: Vec<ResourceId>) -> DevelopmentAction {
        DevelopmentAction {
            id: None,
            kind: ActionKind::Course,
            title: "SQL".into(),
            description: None,
            resource_url: None,
            horizon: Horizon::ShortTerm,
            target_date: None,
            competency: None,
            resources,
        }
    }

    fn keys(items: &[&str]) -> HashSet<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn unknown_keys_are_refused_but_retired_keys_already_on_the_record_stay_valid() {
        let reasons = keys(&["skills_gap"]);
        let competencies = keys(&["communication"]);
        let resources = HashSet::new();
        let allowed = AllowedKeys {
            reasons: &reasons,
            competencies: &competencies,
            resources: &resources,
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
    fn resources_must_be_active_unless_already_on_the_record() {
        let empty = HashSet::new();
        let active_one = ResourceId::generate();
        let retired = ResourceId::generate();
        let active = HashSet::from([active_one]);
        let allowed = AllowedKeys {
            reasons: &empty,
            competencies: &empty,
            resources: &active,
        };
        let action = course(vec![active_one, retired, active_one]);
        let mut document = FeedbackDocument {
            development_actions: vec![action],
            ..FeedbackDocument::default()
        };
        let fields: Vec<_> = document
            .clone()
            .normalise(&allowed, None)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "development_actions[0].resources[1]",
                "development_actions[0].resources[2]"
            ]
        );
        document.development_actions[0].resources = vec![active_one, retired];
        let previous = document.clone();
        assert!(document.normalise(&allowed, Some(&previous)).is_empty());
        document.development_actions[0].resources =
            (0..6).map(|_| ResourceId::generate()).collect();
        assert!(document
            .normalise(&allowed, None)
            .iter()
            .any(|e| e.field == "development_actions[0].resources"));
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
        let no_resources = HashSet::new();
        let allowed = AllowedKeys {
            reasons: &empty,
            competencies: &empty,
            resources: &no_resources,
        };
        let mut document = FeedbackDocument {
            development_actions: vec![course(vec![])],
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
