//! Per-tenant catalogs: the competency framework and the rejection reason codes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use std::collections::BTreeMap;

use super::language::{parse_translations, Translations};
use super::{bounded_text, collected, FieldError};

/// Which catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CatalogKind {
    /// Competencies that feedback assesses (`communication`, `technical_depth`, …).
    Competencies,
    /// Reasons a candidacy was not successful (`skills_gap`, `stronger_candidate`, …).
    ReasonCodes,
}

impl CatalogKind {
    pub const ALL: [CatalogKind; 2] = [CatalogKind::Competencies, CatalogKind::ReasonCodes];

    /// The value stored in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            CatalogKind::Competencies => "competency",
            CatalogKind::ReasonCodes => "reason_code",
        }
    }

    /// The path segment under `/v1/catalogs/`.
    pub fn path_segment(self) -> &'static str {
        match self {
            CatalogKind::Competencies => "competencies",
            CatalogKind::ReasonCodes => "reason-codes",
        }
    }

    /// The entries every new tenant starts with.
    pub fn defaults(self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self {
            CatalogKind::Competencies => DEFAULT_COMPETENCIES,
            CatalogKind::ReasonCodes => DEFAULT_REASON_CODES,
        }
    }
}

const DEFAULT_COMPETENCIES: &[(&str, &str, &str)] = &[
    (
        "technical_depth",
        "Technical depth",
        "Mastery of the tools, methods and knowledge the role relies on.",
    ),
    (
        "problem_solving",
        "Problem solving",
        "Breaks down ambiguous problems and reaches sound, timely decisions.",
    ),
    (
        "communication",
        "Communication",
        "Explains ideas clearly in writing and in person, and listens well.",
    ),
    (
        "collaboration",
        "Collaboration",
        "Works across teams, shares context and builds on others' work.",
    ),
    (
        "leadership",
        "Leadership",
        "Sets direction, grows people and takes ownership of outcomes.",
    ),
    (
        "stakeholder_management",
        "Stakeholder management",
        "Understands stakeholders' needs, sets expectations and manages trade-offs.",
    ),
    (
        "delivery",
        "Delivery",
        "Plans and ships work predictably, at the expected quality.",
    ),
    (
        "strategic_thinking",
        "Strategic thinking",
        "Connects daily work to longer-term goals and anticipates change.",
    ),
    (
        "domain_knowledge",
        "Domain knowledge",
        "Understands the business area, its customers and its constraints.",
    ),
    (
        "adaptability",
        "Adaptability",
        "Learns quickly and stays effective when priorities change.",
    ),
];

const DEFAULT_REASON_CODES: &[(&str, &str, &str)] = &[
    (
        "skills_gap",
        "Skills gap",
        "Some skills the role needs are not yet at the required level.",
    ),
    (
        "experience_gap",
        "Experience gap",
        "The role needs experience the candidate has not had the chance to build yet.",
    ),
    (
        "interview_performance",
        "Interview performance",
        "The interviews did not show the candidate's abilities at the level needed.",
    ),
    (
        "stronger_candidate",
        "Stronger candidate",
        "Another candidate matched the role's needs more closely.",
    ),
    (
        "role_changed_or_cancelled",
        "Role changed or cancelled",
        "The role was changed or cancelled during the process.",
    ),
    (
        "readiness_timing",
        "Readiness and timing",
        "The candidate is on the way, but not ready for this role yet.",
    ),
    (
        "other",
        "Other",
        "A reason not covered by the other codes; explained in the feedback.",
    ),
];

/// A catalog key: `snake_case`, 2–64 characters, starting with a letter. Keys never change;
/// records keep referring to a key after it is retired.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CatalogKey(String);

impl CatalogKey {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let bytes = raw.as_bytes();
        let valid = (2..=64).contains(&bytes.len())
            && bytes[0].is_ascii_lowercase()
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_');
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err("a key is 2-64 characters of a-z, 0-9 and '_', starting with a letter")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for CatalogKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// Longest entry name.
pub const NAME_MAX: usize = 120;
/// Longest entry description.
pub const DESCRIPTION_MAX: usize = 1_000;

/// An entry's name and description in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryText {
    /// 1–120 characters, not blank.
    #[schema(min_length = 1, max_length = 120, example = "Kommunikation")]
    pub name: String,
    /// Up to 1000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub description: String,
}

/// Translations of an entry as received: parsed by `translations`.
pub type RawTranslations = BTreeMap<String, EntryText>;

/// Validates an entry's translations (language tags, bounded texts).
pub fn translations(
    raw: &RawTranslations,
    errors: &mut Vec<FieldError>,
) -> Translations<EntryText> {
    parse_translations("translations", raw, errors, |text, errors| EntryText {
        name: bounded_text("name", &text.name, 1, NAME_MAX, errors),
        description: bounded_text("description", &text.description, 0, DESCRIPTION_MAX, errors),
    })
}

/// A validated new catalog entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub key: CatalogKey,
    pub name: String,
    pub description: String,
    /// The name and description in other languages than the tenant's default.
    pub translations: Translations<EntryText>,
}

impl NewEntry {
    pub fn parse(
        key: &str,
        name: &str,
        description: Option<&str>,
        raw_translations: Option<&RawTranslations>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let translations = raw_translations
            .map(|raw| translations(raw, &mut errors))
            .unwrap_or_default();
        let key =
            CatalogKey::parse(key).map_err(|message| errors.push(FieldError::new("key", message)));
        let name = bounded_text("name", name, 1, NAME_MAX, &mut errors);
        let description = bounded_text(
            "description",
            description.unwrap_or(""),
            0,
            DESCRIPTION_MAX,
            &mut errors,
        );
        match key {
            Ok(key) if errors.is_empty() => Ok(Self {
                key,
                name,
                description,
                translations,
            }),
            _ => Err(errors),
        }
    }
}

/// A validated change to an entry; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryChange {
    pub name: Option<String>,
    pub description: Option<String>,
    /// `false` retires the key: it is no longer offered for new feedback, but stays valid on
    /// records that already use it.
    pub active: Option<bool>,
    /// Replaces every translation of the entry.
    pub translations: Option<Translations<EntryText>>,
}

impl EntryChange {
    /// Whether applying this change to an entry holding these values would change anything.
    pub fn changes(
        &self,
        name: &str,
        description: &str,
        active: bool,
        translations: &Translations<EntryText>,
    ) -> bool {
        self.name.as_deref().is_some_and(|n| n != name)
            || self
                .description
                .as_deref()
                .is_some_and(|d| d != description)
            || self.active.is_some_and(|a| a != active)
            || self
                .translations
                .as_ref()
                .is_some_and(|t| t != translations)
    }
}

impl EntryChange {
    pub fn parse(
        name: Option<&str>,
        description: Option<&str>,
        active: Option<bool>,
        raw_translations: Option<&RawTranslations>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = name.map(|name| bounded_text("name", name, 1, NAME_MAX, &mut errors));
        let description =
            description.map(|d| bounded_text("description", d, 0, DESCRIPTION_MAX, &mut errors));
        let translations = raw_translations.map(|raw| translations(raw, &mut errors));
        if name.is_none() && description.is_none() && active.is_none() && translations.is_none() {
            errors.push(FieldError::new(
                "",
                "give at least one of name, description, active, translations",
            ));
        }
        collected(
            Self {
                name,
                description,
                active,
                translations,
            },
            errors,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_snake_case_and_bounded() {
        for good in ["skills_gap", "k8s", "a1"] {
            assert!(CatalogKey::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "a",
            "Skills",
            "1abc",
            "with-dash",
            "spa ce",
            &"a".repeat(65),
        ] {
            assert!(CatalogKey::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn default_catalogs_hold_valid_unique_entries() {
        for kind in CatalogKind::ALL {
            let mut keys = std::collections::HashSet::new();
            for (key, name, description) in kind.defaults() {
                assert!(
                    NewEntry::parse(key, name, Some(description), None).is_ok(),
                    "{key}"
                );
                assert!(keys.insert(*key), "duplicate {key}");
            }
        }
        let reasons: Vec<_> = CatalogKind::ReasonCodes
            .defaults()
            .iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(
            reasons,
            [
                "skills_gap",
                "experience_gap",
                "interview_performance",
                "stronger_candidate",
                "role_changed_or_cancelled",
                "readiness_timing",
                "other"
            ]
        );
    }

    #[test]
    fn a_new_entry_reports_every_bad_field() {
        let errors =
            NewEntry::parse("Bad Key", "  ", Some(&"x".repeat(1001)), None).expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["key", "name", "description"]);
    }

    #[test]
    fn names_are_trimmed_and_control_characters_refused() {
        let entry = NewEntry::parse("ok_key", "  Name  ", None, None).expect("valid");
        assert_eq!(entry.name, "Name");
        assert!(NewEntry::parse("ok_key", "bad\u{0007}", None, None).is_err());
    }

    #[test]
    fn an_empty_change_is_refused() {
        assert!(EntryChange::parse(None, None, None, None).is_err());
        assert!(EntryChange::parse(None, None, Some(false), None).is_ok());
    }
}
