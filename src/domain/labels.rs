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

/// The languages of the built-in names, in the order of the tables below.
pub const BUILT_IN: [&str; 3] = ["en", "de", "fr"];

/// A fixed name in English, German and French.
type Names = [&'static str; 3];

const LEVELS: &[(Level, Names)] = &[
    (
        Level::NotYetDemonstrated,
        [
            "Not yet demonstrated",
            "Noch nicht gezeigt",
            "Pas encore démontré",
        ],
    ),
    (
        Level::Developing,
        ["Developing", "In Entwicklung", "En développement"],
    ),
    (
        Level::Proficient,
        ["Proficient", "Sicher beherrscht", "Maîtrisé"],
    ),
    (Level::Strong, ["Strong", "Ausgeprägt", "Très solide"]),
];

const ACTION_KINDS: &[(ActionKind, Names)] = &[
    (ActionKind::Course, ["Course", "Kurs", "Cours"]),
    (ActionKind::Training, ["Training", "Schulung", "Formation"]),
    (ActionKind::Workshop, ["Workshop", "Workshop", "Atelier"]),
    (
        ActionKind::Certification,
        ["Certification", "Zertifizierung", "Certification"],
    ),
    (
        ActionKind::Mentoring,
        ["Mentoring", "Mentoring", "Mentorat"],
    ),
    (
        ActionKind::JobRotation,
        ["Job rotation", "Jobrotation", "Rotation de poste"],
    ),
    (
        ActionKind::StretchAssignment,
        [
            "Stretch assignment",
            "Herausfordernde Aufgabe",
            "Mission de développement",
        ],
    ),
    (
        ActionKind::Networking,
        ["Networking", "Netzwerken", "Réseautage"],
    ),
    (ActionKind::Reading, ["Reading", "Lektüre", "Lecture"]),
    (ActionKind::Other, ["Other", "Sonstiges", "Autre"]),
];

const HORIZONS: &[(Horizon, Names)] = &[
    (
        Horizon::ShortTerm,
        ["Short term", "Kurzfristig", "Court terme"],
    ),
    (
        Horizon::LongTerm,
        ["Long term", "Langfristig", "Long terme"],
    ),
];

const READINESS: &[(ReadinessEstimate, Names)] = &[
    (
        ReadinessEstimate::ReadyNow,
        ["Ready now", "Jetzt bereit", "Prêt dès maintenant"],
    ),
    (
        ReadinessEstimate::Within6Months,
        ["Within 6 months", "Innerhalb von 6 Monaten", "D'ici 6 mois"],
    ),
    (
        ReadinessEstimate::Within12Months,
        [
            "Within 12 months",
            "Innerhalb von 12 Monaten",
            "D'ici 12 mois",
        ],
    ),
    (
        ReadinessEstimate::Beyond12Months,
        [
            "Beyond 12 months",
            "In mehr als 12 Monaten",
            "Au-delà de 12 mois",
        ],
    ),
    (
        ReadinessEstimate::NotAssessed,
        ["Not assessed", "Nicht eingeschätzt", "Non évalué"],
    ),
];

const RESOURCE_KINDS: &[(ResourceKind, Names)] = &[
    (ResourceKind::Course, ["Course", "Kurs", "Cours"]),
    (
        ResourceKind::Training,
        ["Training", "Schulung", "Formation"],
    ),
    (
        ResourceKind::MentoringProgramme,
        [
            "Mentoring programme",
            "Mentoring-Programm",
            "Programme de mentorat",
        ],
    ),
    (
        ResourceKind::JobRotationProgramme,
        [
            "Job rotation programme",
            "Jobrotationsprogramm",
            "Programme de rotation de postes",
        ],
    ),
    (
        ResourceKind::StretchAssignmentPool,
        [
            "Stretch assignment pool",
            "Pool herausfordernder Aufgaben",
            "Vivier de missions de développement",
        ],
    ),
    (
        ResourceKind::Community,
        ["Community", "Community", "Communauté"],
    ),
    (ResourceKind::Reading, ["Reading", "Lektüre", "Lecture"]),
    (ResourceKind::Video, ["Video", "Video", "Vidéo"]),
    (
        ResourceKind::Certification,
        ["Certification", "Zertifizierung", "Certification"],
    ),
    (ResourceKind::Other, ["Other", "Sonstiges", "Autre"]),
];

/// German and French names of the entries every tenant's catalogs start with (their English
/// names are the entries themselves, in `catalog.rs`): key, (name, description) in `de`, `fr`.
type EntryNames = [(&'static str, &'static str); 2];

const DEFAULT_ENTRIES: &[(CatalogKind, &str, EntryNames)] = &[
    (CatalogKind::Competencies, "technical_depth", [
        ("Fachliche Tiefe", "Beherrscht die Werkzeuge, Methoden und das Wissen, auf die die Rolle angewiesen ist."),
        ("Expertise technique", "Maîtrise des outils, méthodes et connaissances sur lesquels repose le poste."),
    ]),
    (CatalogKind::Competencies, "problem_solving", [
        ("Problemlösung", "Zerlegt unklare Probleme und trifft fundierte, rechtzeitige Entscheidungen."),
        ("Résolution de problèmes", "Décompose les problèmes ambigus et prend des décisions solides en temps utile."),
    ]),
    (CatalogKind::Competencies, "communication", [
        ("Kommunikation", "Erklärt Ideen klar, schriftlich wie mündlich, und hört gut zu."),
        ("Communication", "Explique ses idées clairement, à l'écrit comme à l'oral, et sait écouter."),
    ]),
    (CatalogKind::Competencies, "collaboration", [
        ("Zusammenarbeit", "Arbeitet teamübergreifend, teilt Kontext und baut auf der Arbeit anderer auf."),
        ("Collaboration", "Travaille avec les autres équipes, partage le contexte et s'appuie sur le travail des autres."),
    ]),
    (CatalogKind::Competencies, "leadership", [
        ("Führung", "Gibt Richtung vor, fördert Menschen und übernimmt Verantwortung für Ergebnisse."),
        ("Leadership", "Donne une direction, fait grandir les personnes et assume la responsabilité des résultats."),
    ]),
    (CatalogKind::Competencies, "stakeholder_management", [
        ("Stakeholder-Management", "Versteht die Bedürfnisse der Beteiligten, setzt Erwartungen und wägt Zielkonflikte ab."),
        ("Gestion des parties prenantes", "Comprend les besoins des parties prenantes, fixe les attentes et arbitre les compromis."),
    ]),
    (CatalogKind::Competencies, "delivery", [
        ("Umsetzung", "Plant und liefert Arbeit verlässlich und in der erwarteten Qualität."),
        ("Réalisation", "Planifie et livre son travail de façon prévisible, avec la qualité attendue."),
    ]),
    (CatalogKind::Competencies, "strategic_thinking", [
        ("Strategisches Denken", "Verbindet die tägliche Arbeit mit längerfristigen Zielen und sieht Veränderungen voraus."),
        ("Vision stratégique", "Relie le travail quotidien aux objectifs à long terme et anticipe les changements."),
    ]),
    (CatalogKind::Competencies, "domain_knowledge", [
        ("Fachwissen über das Geschäft", "Versteht den Geschäftsbereich, seine Kunden und seine Rahmenbedingungen."),
        ("Connaissance du métier", "Comprend le domaine d'activité, ses clients et ses contraintes."),
    ]),
    (CatalogKind::Competencies, "adaptability", [
        ("Anpassungsfähigkeit", "Lernt schnell und bleibt wirksam, wenn sich Prioritäten ändern."),
        ("Adaptabilité", "Apprend vite et reste efficace quand les priorités changent."),
    ]),
    (CatalogKind::ReasonCodes, "skills_gap", [
        ("Kompetenzlücke", "Einige Fähigkeiten, die die Rolle erfordert, sind noch nicht auf dem nötigen Niveau."),
        ("Écart de compétences", "Certaines compétences requises par le poste ne sont pas encore au niveau attendu."),
    ]),
    (CatalogKind::ReasonCodes, "experience_gap", [
        ("Erfahrungslücke", "Die Rolle erfordert Erfahrung, die noch nicht gesammelt werden konnte."),
        ("Manque d'expérience", "Le poste demande une expérience qui n'a pas encore pu être acquise."),
    ]),
    (CatalogKind::ReasonCodes, "interview_performance", [
        ("Leistung in den Gesprächen", "Die Gespräche haben die Fähigkeiten nicht auf dem nötigen Niveau gezeigt."),
        ("Performance en entretien", "Les entretiens n'ont pas montré les capacités au niveau requis."),
    ]),
    (CatalogKind::ReasonCodes, "stronger_candidate", [
        ("Passendere Bewerbung", "Eine andere Bewerbung entsprach den Anforderungen der Rolle genauer."),
        ("Candidature plus adaptée", "Une autre candidature correspondait plus précisément aux besoins du poste."),
    ]),
    (CatalogKind::ReasonCodes, "role_changed_or_cancelled", [
        ("Rolle geändert oder gestrichen", "Die Rolle wurde während des Verfahrens geändert oder gestrichen."),
        ("Poste modifié ou annulé", "Le poste a été modifié ou annulé pendant le processus."),
    ]),
    (CatalogKind::ReasonCodes, "readiness_timing", [
        ("Reife und Zeitpunkt", "Auf einem guten Weg, aber noch nicht bereit für diese Rolle."),
        ("Maturité et calendrier", "En bonne voie, mais pas encore prêt pour ce poste."),
    ]),
    (CatalogKind::ReasonCodes, "other", [
        ("Sonstiges", "Ein Grund, den die anderen Codes nicht abdecken; im Feedback erläutert."),
        ("Autre", "Une raison que les autres codes ne couvrent pas ; expliquée dans le retour."),
    ]),
];

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

    fn get(&self, language: &LanguageTag, set: &str, member: &str) -> Option<&str> {
        self.0
            .get(language)?
            .iter()
            .find(|((s, m), _)| *s == set && *m == member)
            .map(|(_, name)| name.as_str())
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

fn built_in_index(language: &LanguageTag) -> Option<usize> {
    BUILT_IN.iter().position(|l| *l == language.as_str())
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
        Labeller {
            language: self.languages.settings.negotiate(accept_language),
            source: Arc::clone(self),
        }
    }

    fn default_language(&self) -> &LanguageTag {
        self.languages.settings.default_language()
    }
}

/// Names keys in one language, falling back to the tenant's default language, then English.
#[derive(Debug, Clone)]
pub struct Labeller {
    language: LanguageTag,
    source: Arc<LabelSource>,
}

impl Labeller {
    /// The negotiated language.
    pub fn language(&self) -> &LanguageTag {
        &self.language
    }

    /// The languages to try, best first, without repeats.
    fn preference(&self) -> Vec<LanguageTag> {
        let mut order = vec![self.language.clone()];
        for next in [
            self.source.default_language().clone(),
            LanguageTag::english(),
        ] {
            if !order.contains(&next) {
                order.push(next);
            }
        }
        order
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
        for language in self.preference() {
            if let Some(text) = entry.translations.get(&language) {
                return EntryLabel {
                    name: text.name.clone(),
                    description: text.description.clone(),
                    language,
                };
            }
            if language == base_language {
                break;
            }
            let translated = built_in.and_then(|names| {
                built_in_index(&language)
                    .and_then(|i| i.checked_sub(1))
                    .and_then(|i| names.get(i))
            });
            if let Some((name, description)) = translated {
                return EntryLabel {
                    name: (*name).to_owned(),
                    description: (*description).to_owned(),
                    language,
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
        set: &str,
        table: &[(N, Names)],
        names: impl Iterator<Item = N>,
    ) -> BTreeMap<String, NameLabel> {
        names
            .filter_map(|name| {
                let (_, texts) = table.iter().find(|(n, _)| *n == name)?;
                let label = self.preference().into_iter().find_map(|language| {
                    let text = self
                        .source
                        .languages
                        .names
                        .get(&language, set, name.as_str())
                        .or_else(|| built_in_index(&language).map(|i| texts[i]))?;
                    Some(NameLabel {
                        name: text.to_owned(),
                        language,
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
mod tests {
    use super::*;

    fn tag(raw: &str) -> LanguageTag {
        LanguageTag::parse(raw).expect("tag")
    }

    /// A labeller for `language` in a tenant whose default is `default`.
    fn make(
        language: LanguageTag,
        default: LanguageTag,
        entries: Vec<CatalogText>,
        names: NameTranslations,
    ) -> Labeller {
        let offered = [default.to_string()];
        let settings = LanguageSettings::parse(default.as_str(), &offered).expect("settings");
        Labeller {
            language,
            source: Arc::new(LabelSource::new(
                TenantLanguages { settings, names },
                entries,
            )),
        }
    }

    fn starting_entries() -> Vec<CatalogText> {
        CatalogKind::ALL
            .iter()
            .flat_map(|kind| {
                kind.defaults()
                    .iter()
                    .map(|(key, name, description)| CatalogText {
                        kind: *kind,
                        key: (*key).to_owned(),
                        name: (*name).to_owned(),
                        description: (*description).to_owned(),
                        translations: Translations::new(),
                    })
            })
            .collect()
    }

    #[test]
    fn every_fixed_name_and_starting_entry_has_built_in_names() {
        assert!(Level::ALL
            .iter()
            .all(|l| LEVELS.iter().any(|(n, _)| n == l)));
        assert!(ActionKind::ALL
            .iter()
            .all(|l| ACTION_KINDS.iter().any(|(n, _)| n == l)));
        assert!(Horizon::ALL
            .iter()
            .all(|l| HORIZONS.iter().any(|(n, _)| n == l)));
        assert!(ReadinessEstimate::ALL
            .iter()
            .all(|l| READINESS.iter().any(|(n, _)| n == l)));
        assert!(ResourceKind::ALL
            .iter()
            .all(|l| RESOURCE_KINDS.iter().any(|(n, _)| n == l)));
        for kind in CatalogKind::ALL {
            for (key, _, _) in kind.defaults() {
                let found = DEFAULT_ENTRIES
                    .iter()
                    .filter(|(k, n, _)| *k == kind && n == key);
                assert_eq!(found.count(), 1, "{key}");
            }
        }
        assert_eq!(DEFAULT_ENTRIES.len(), starting_entries().len());
        for (_, key, names) in DEFAULT_ENTRIES {
            for (name, description) in names {
                assert!(!name.is_empty() && name.len() <= 120, "{key}");
                assert!(
                    !description.is_empty() && description.len() <= 1000,
                    "{key}"
                );
            }
        }
    }

    #[test]
    fn starting_entries_speak_the_built_in_languages_until_renamed() {
        let mut entries = starting_entries();
        let labeller = make(
            tag("de"),
            tag("en"),
            entries.clone(),
            NameTranslations::default(),
        );
        let label = labeller.entry(CatalogKind::ReasonCodes, "skills_gap");
        assert_eq!(
            (label.name.as_str(), label.language.as_str()),
            ("Kompetenzlücke", "de")
        );
        let french = make(
            tag("fr"),
            tag("en"),
            entries.clone(),
            NameTranslations::default(),
        );
        assert_eq!(
            french.entry(CatalogKind::Competencies, "delivery").name,
            "Réalisation"
        );

        // Renamed: the tenant's own words, in the tenant's default language, win.
        let delivery = entries
            .iter_mut()
            .find(|e| e.key == "delivery")
            .expect("delivery");
        delivery.name = "Shipping".to_owned();
        let labeller = make(
            tag("de"),
            tag("en"),
            entries.clone(),
            NameTranslations::default(),
        );
        let label = labeller.entry(CatalogKind::Competencies, "delivery");
        assert_eq!(
            (label.name.as_str(), label.language.as_str()),
            ("Shipping", "en")
        );

        // A tenant translation wins over everything.
        let other = entries
            .iter_mut()
            .find(|e| e.key == "other")
            .expect("other");
        other.translations.insert(
            tag("de"),
            EntryText {
                name: "Anderes".to_owned(),
                description: String::new(),
            },
        );
        let labeller = make(tag("de"), tag("en"), entries, NameTranslations::default());
        assert_eq!(
            labeller.entry(CatalogKind::ReasonCodes, "other").name,
            "Anderes"
        );
    }

    #[test]
    fn a_missing_translation_falls_back_to_the_default_language_then_english() {
        let entries = vec![CatalogText {
            kind: CatalogKind::Competencies,
            key: "datenkompetenz".to_owned(),
            name: "Datenkompetenz".to_owned(),
            description: "Arbeitet sicher mit Daten.".to_owned(),
            translations: [(
                tag("fr"),
                EntryText {
                    name: "Culture des données".to_owned(),
                    description: String::new(),
                },
            )]
            .into_iter()
            .collect(),
        }];
        // A German tenant: its own entries are German, English is a translation away.
        let asked = |language: &str| {
            let labeller = make(
                tag(language),
                tag("de"),
                entries.clone(),
                NameTranslations::default(),
            );
            let label = labeller.entry(CatalogKind::Competencies, "datenkompetenz");
            (label.name, label.language.to_string())
        };
        assert_eq!(
            asked("fr"),
            ("Culture des données".to_owned(), "fr".to_owned())
        );
        assert_eq!(asked("en"), ("Datenkompetenz".to_owned(), "de".to_owned()));
        assert_eq!(asked("de"), ("Datenkompetenz".to_owned(), "de".to_owned()));

        // Fixed names have no Spanish: the default language's, here German.
        let spanish = make(
            tag("es"),
            tag("de"),
            Vec::new(),
            NameTranslations::default(),
        );
        let levels = spanish.fixed("levels", LEVELS, [Level::Strong].into_iter());
        assert_eq!(levels["strong"].name, "Ausgeprägt");
        assert_eq!(levels["strong"].language.as_str(), "de");
        let japanese = make(
            tag("ja"),
            tag("ja"),
            Vec::new(),
            NameTranslations::default(),
        );
        let levels = japanese.fixed("levels", LEVELS, [Level::Strong].into_iter());
        assert_eq!(levels["strong"].language.as_str(), "en");
    }

    #[test]
    fn a_tenant_names_fixed_names_in_its_own_languages() {
        let raw: RawNames = serde_json::from_value(serde_json::json!({
            "es": {"levels": {"strong": "Sólido"}, "horizons": {"long_term": "Largo plazo"}},
            "DE": {"levels": {"strong": "Sehr stark"}},
        }))
        .expect("raw");
        let mut errors = Vec::new();
        let names = NameTranslations::parse("names", &raw, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let spanish = make(tag("es"), tag("en"), Vec::new(), names.clone());
        let levels = spanish.fixed(
            "levels",
            LEVELS,
            [Level::Strong, Level::Developing].into_iter(),
        );
        assert_eq!(levels["strong"].name, "Sólido");
        assert_eq!(levels["strong"].language.as_str(), "es");
        assert_eq!(
            levels["developing"].name, "Developing",
            "no Spanish: English"
        );
        assert_eq!(levels["developing"].language.as_str(), "en");
        // The tenant's name replaces a built-in one.
        let german = make(tag("de"), tag("en"), Vec::new(), names.clone());
        let levels = german.fixed("levels", LEVELS, [Level::Strong].into_iter());
        assert_eq!(levels["strong"].name, "Sehr stark");
        assert_eq!(names.to_raw()["de"]["levels"]["strong"], "Sehr stark");

        let bad: RawNames = serde_json::from_value(serde_json::json!({
            "es": {"colours": {"red": "Rojo"}, "levels": {"mighty": "Poderoso", "strong": " "}},
            "??": {},
        }))
        .expect("raw");
        let mut errors = Vec::new();
        NameTranslations::parse("names", &bad, &mut errors);
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "names.??",
                "names.es.colours",
                "names.es.levels.mighty",
                "names.es.levels.strong"
            ]
        );
    }

    #[test]
    fn texts_fall_back_to_the_written_one() {
        let translations: Translations<String> =
            [(tag("de"), "Kurs".to_owned())].into_iter().collect();
        let base = "Course".to_owned();
        let text = |language: &str| {
            let labeller = make(
                tag(language),
                tag("en"),
                Vec::new(),
                NameTranslations::default(),
            );
            let (text, language) = labeller.text(&base, &translations);
            (text.clone(), language.to_string())
        };
        assert_eq!(text("de"), ("Kurs".to_owned(), "de".to_owned()));
        assert_eq!(text("fr"), ("Course".to_owned(), "en".to_owned()));
        assert_eq!(text("en"), ("Course".to_owned(), "en".to_owned()));
    }
}
