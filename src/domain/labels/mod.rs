//! What a candidate reads besides the manager's words: the names of the catalog keys and of the
//! fixed names (levels, action kinds, horizons, readiness, resource kinds) a feedback document
//! uses, in the language negotiated for them. The managers' free text is never translated.
//!
//! Built in: English, German and French names of every fixed name and of every entry the
//! tenant's catalogs start with (used while the tenant has not renamed the entry). A tenant
//! adds translations of its own entries and resources; a missing one falls back to the
//! tenant's default language, then to English, and every label says which language it is in.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;
use utoipa::ToSchema;

use super::catalog::{CatalogKind, EntryText};
use super::feedback::{
    ActionKind, DevelopmentAction, FeedbackDocument, Horizon, Level, ReadinessEstimate,
};
use super::language::{parse_translations, LanguageSettings, LanguageTag, Translations};
use super::resources::ResourceKind;
use super::{bounded_text, FieldError, Named};

mod builtin;
use builtin::{
    built_in_index, EntryNames, Names, ACTION_KINDS, DEFAULT_ENTRIES, HORIZONS, LEVELS, READINESS,
    RESOURCE_KINDS,
};

/// The sets of fixed names a tenant may name itself, as they are called in `labels`.
pub const NAME_SETS: [&str; 5] = [
    "levels",
    "action_kinds",
    "horizons",
    "readiness",
    "resource_kinds",
];

/// A set of fixed names by its name in `labels`, and its members.
fn members(set: &str) -> Option<(&'static str, Vec<&'static str>)> {
    fn all<N: Named>() -> Vec<&'static str> {
        N::ALL.iter().map(|n| n.as_str()).collect()
    }
    let set = NAME_SETS.into_iter().find(|s| *s == set)?;
    let members = match set {
        "levels" => all::<Level>(),
        "action_kinds" => all::<ActionKind>(),
        "horizons" => all::<Horizon>(),
        "readiness" => all::<ReadinessEstimate>(),
        _ => all::<ResourceKind>(),
    };
    Some((set, members))
}

/// Longest name a tenant gives a fixed name.
pub const FIXED_NAME_MAX: usize = 120;

/// Names of fixed names as received: language → set → member → name.
pub type RawNames = BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>;

/// A tenant's own names for fixed names (`{"es": {"levels": {"strong": "Sólido"}}}`), for
/// languages the built-in names lack or to replace them. Only known sets and members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameTranslations(Translations<BTreeMap<(&'static str, &'static str), String>>);

impl NameTranslations {
    /// Validates names, reporting under `{field}.{language}.{set}.{member}`.
    pub fn parse(field: &str, raw: &RawNames, errors: &mut Vec<FieldError>) -> Self {
        Self(parse_translations(field, raw, errors, |sets, errors| {
            let mut names = BTreeMap::new();
            for (set, given) in sets {
                let Some((set, known)) = members(set) else {
                    errors.push(FieldError::new(
                        set.as_str(),
                        format!("not a set of names; one of {}", NAME_SETS.join(", ")),
                    ));
                    continue;
                };
                for (member, text) in given {
                    let at = format!("{set}.{member}");
                    match known.iter().find(|m| **m == member) {
                        Some(member) => {
                            let text = bounded_text(&at, text, 1, FIXED_NAME_MAX, errors);
                            names.insert((set, *member), text);
                        }
                        None => errors.push(FieldError::new(at, format!("not one of the {set}"))),
                    }
                }
            }
            names
        }))
    }

    fn get(&self, language: &LanguageTag, set: &'static str, member: &'static str) -> Option<&str> {
        self.0
            .get(language)?
            .get(&(set, member))
            .map(String::as_str)
    }

    /// As sent and stored: language → set → member → name.
    pub fn to_raw(&self) -> RawNames {
        let mut raw = RawNames::new();
        for (language, names) in &self.0 {
            let sets = raw.entry(language.to_string()).or_default();
            for ((set, member), name) in names {
                sets.entry((*set).to_owned())
                    .or_default()
                    .insert((*member).to_owned(), name.clone());
            }
        }
        raw
    }
}

/// How a tenant speaks to its candidates: the languages it offers (with its default) and its
/// own names of fixed names. Each part is valid by construction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TenantLanguages {
    pub settings: LanguageSettings,
    pub names: NameTranslations,
}

impl TenantLanguages {
    pub fn parse(
        default: &str,
        offered: &[String],
        names: &RawNames,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let settings = LanguageSettings::parse(default, offered).map_err(|e| errors.extend(e));
        let names = NameTranslations::parse("names", names, &mut errors);
        match settings {
            Ok(settings) if errors.is_empty() => Ok(Self { settings, names }),
            _ => Err(errors),
        }
    }
}

/// The name of a catalog key or fixed name, and the language it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct EntryLabel {
    pub name: String,
    pub description: String,
    /// The language of `name` and `description`: the one asked for, or the fallback's.
    pub language: LanguageTag,
}

/// The name of a fixed name, and the language it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct NameLabel {
    pub name: String,
    pub language: LanguageTag,
}

/// The names of every key one feedback document uses, by key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Labels {
    /// The language negotiated for this answer (also `Content-Language`).
    pub language: LanguageTag,
    /// Reason codes (`document.reasons`).
    pub reasons: BTreeMap<String, EntryLabel>,
    /// Competencies (assessments, improvement areas, development actions).
    pub competencies: BTreeMap<String, EntryLabel>,
    /// Assessment levels.
    pub levels: BTreeMap<String, NameLabel>,
    /// Development action kinds.
    pub action_kinds: BTreeMap<String, NameLabel>,
    /// Development action horizons.
    pub horizons: BTreeMap<String, NameLabel>,
    /// The readiness estimate.
    pub readiness: BTreeMap<String, NameLabel>,
    /// The kinds of the library resources the plan names.
    pub resource_kinds: BTreeMap<String, NameLabel>,
}

/// A catalog entry as the labeller needs it.
#[derive(Debug, Clone)]
pub struct CatalogText {
    pub kind: CatalogKind,
    pub key: String,
    pub name: String,
    pub description: String,
    pub translations: Translations<EntryText>,
}

impl CatalogText {
    /// German and French built-in names, when this is a starting entry the tenant has not
    /// changed (its text is still the built-in English one).
    fn built_in(&self) -> Option<&'static EntryNames> {
        let english = self
            .kind
            .defaults()
            .iter()
            .find(|(key, _, _)| *key == self.key)?;
        if english.1 != self.name || english.2 != self.description {
            return None;
        }
        DEFAULT_ENTRIES
            .iter()
            .find(|(kind, key, _)| *kind == self.kind && *key == self.key)
            .map(|(_, _, names)| names)
    }
}

/// What a tenant's labels are made of: its languages and its catalogs' texts. Immutable, so
/// requests share one (the application caches it by the versions it was read at).
#[derive(Debug)]
pub struct LabelSource {
    languages: TenantLanguages,
    entries: HashMap<(CatalogKind, String), CatalogText>,
}

impl LabelSource {
    pub fn new(languages: TenantLanguages, entries: Vec<CatalogText>) -> Self {
        let entries = entries
            .into_iter()
            .map(|e| ((e.kind, e.key.clone()), e))
            .collect();
        Self { languages, entries }
    }

    /// The labeller for a reader whose `Accept-Language` is `accept_language`.
    pub fn labeller(self: &Arc<Self>, accept_language: Option<&str>) -> Labeller {
        Labeller::in_language(
            self.languages.settings.negotiate(accept_language),
            Arc::clone(self),
        )
    }

    fn default_language(&self) -> &LanguageTag {
        self.languages.settings.default_language()
    }
}

/// Names keys in one language, falling back to the tenant's default language, then English.
#[derive(Debug, Clone)]
pub struct Labeller {
    language: LanguageTag,
    /// The languages to try, best first, without repeats: the negotiated one, the tenant's
    /// default, English.
    preference: Vec<LanguageTag>,
    source: Arc<LabelSource>,
}

impl Labeller {
    fn in_language(language: LanguageTag, source: Arc<LabelSource>) -> Self {
        let mut preference = vec![language.clone()];
        for next in [source.default_language().clone(), LanguageTag::english()] {
            if !preference.contains(&next) {
                preference.push(next);
            }
        }
        Self {
            language,
            preference,
            source,
        }
    }

    /// The negotiated language.
    pub fn language(&self) -> &LanguageTag {
        &self.language
    }

    fn entry(&self, kind: CatalogKind, key: &str) -> EntryLabel {
        let default = self.source.default_language();
        let Some(entry) = self.source.entries.get(&(kind, key.to_owned())) else {
            // Every key a saved document uses is in the catalog (retired keys stay); a key
            // that is not is shown as itself rather than hidden.
            return EntryLabel {
                name: key.to_owned(),
                description: String::new(),
                language: default.clone(),
            };
        };
        let built_in = entry.built_in();
        // A starting entry the tenant has not changed is written in English.
        let base_language = if built_in.is_some() {
            LanguageTag::english()
        } else {
            default.clone()
        };
        for language in &self.preference {
            if let Some(text) = entry.translations.get(language) {
                return EntryLabel {
                    name: text.name.clone(),
                    description: text.description.clone(),
                    language: language.clone(),
                };
            }
            if *language == base_language {
                break;
            }
            let translated = built_in.and_then(|names| {
                built_in_index(language)
                    .and_then(|i| i.checked_sub(1))
                    .and_then(|i| names.get(i))
            });
            if let Some((name, description)) = translated {
                return EntryLabel {
                    name: (*name).to_owned(),
                    description: (*description).to_owned(),
                    language: language.clone(),
                };
            }
        }
        EntryLabel {
            name: entry.name.clone(),
            description: entry.description.clone(),
            language: base_language,
        }
    }

    /// Each language of the preference in turn: the tenant's name, else the built-in one.
    fn fixed<N: Named + Ord>(
        &self,
        set: &'static str,
        table: &[(N, Names)],
        names: impl Iterator<Item = N>,
    ) -> BTreeMap<String, NameLabel> {
        names
            .filter_map(|name| {
                let (_, texts) = table.iter().find(|(n, _)| *n == name)?;
                let label = self.preference.iter().find_map(|language| {
                    let text = self
                        .source
                        .languages
                        .names
                        .get(language, set, name.as_str())
                        .or_else(|| built_in_index(language).map(|i| texts[i]))?;
                    Some(NameLabel {
                        name: text.to_owned(),
                        language: language.clone(),
                    })
                })?;
                Some((name.as_str().to_owned(), label))
            })
            .collect()
    }

    /// The names of every key `document` uses, and of the resource kinds its plan names.
    pub fn labels(
        &self,
        document: &FeedbackDocument,
        resource_kinds: impl Iterator<Item = ResourceKind>,
    ) -> Labels {
        let mut labels = self.plan_labels(document.development_actions.iter(), resource_kinds);
        let assessed = document.assessments.iter().map(|a| a.competency.as_str());
        let areas = document
            .improvement_areas
            .iter()
            .filter_map(|a| a.competency.as_deref());
        for key in assessed.chain(areas) {
            labels
                .competencies
                .insert(key.to_owned(), self.entry(CatalogKind::Competencies, key));
        }
        labels.reasons = document
            .reasons
            .iter()
            .map(|key| (key.clone(), self.entry(CatalogKind::ReasonCodes, key)))
            .collect();
        labels.levels = self.fixed(
            "levels",
            LEVELS,
            document.assessments.iter().map(|a| a.level),
        );
        labels.readiness = self.fixed(
            "readiness",
            READINESS,
            std::iter::once(document.readiness.estimate),
        );
        labels
    }

    /// The names of what development actions use: their kinds, horizons and competencies, and
    /// the kinds of the resources they name.
    pub fn plan_labels<'d>(
        &self,
        actions: impl Iterator<Item = &'d DevelopmentAction> + Clone,
        resource_kinds: impl Iterator<Item = ResourceKind>,
    ) -> Labels {
        Labels {
            language: self.language.clone(),
            reasons: BTreeMap::new(),
            competencies: actions
                .clone()
                .filter_map(|a| a.competency.as_deref())
                .map(|key| (key.to_owned(), self.entry(CatalogKind::Competencies, key)))
                .collect(),
            levels: BTreeMap::new(),
            action_kinds: self.fixed(
                "action_kinds",
                ACTION_KINDS,
                actions.clone().map(|a| a.kind),
            ),
            horizons: self.fixed("horizons", HORIZONS, actions.map(|a| a.horizon)),
            readiness: BTreeMap::new(),
            resource_kinds: self.fixed("resource_kinds", RESOURCE_KINDS, resource_kinds),
        }
    }

    /// A text in the negotiated language from `translations`, else in the default language
    /// (`base`, as written): the text and its language.
    pub fn text<'t, T>(
        &self,
        base: &'t T,
        translations: &'t Translations<T>,
    ) -> (&'t T, LanguageTag) {
        let default = self.source.default_language();
        for language in [&self.language, default] {
            if let Some(text) = translations.get(language) {
                return (text, language.clone());
            }
            if language == default {
                break;
            }
        }
        (base, default.clone())
    }
}

#[cfg(test)]
mod tests;
