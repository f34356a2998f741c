//! The built-in names (data only): English, German and French names of every fixed name, and
//! German and French names of the entries every tenant's catalogs start with.

use crate::domain::catalog::CatalogKind;
use crate::domain::feedback::{ActionKind, Horizon, Level, ReadinessEstimate};
use crate::domain::language::LanguageTag;
use crate::domain::resources::ResourceKind;

/// The languages of the built-in names, in the order of the tables below.
const BUILT_IN: [&str; 3] = ["en", "de", "fr"];

/// A fixed name in English, German and French.
pub(super) type Names = [&'static str; 3];

pub(super) const LEVELS: &[(Level, Names)] = &[
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

pub(super) const ACTION_KINDS: &[(ActionKind, Names)] = &[
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

pub(super) const HORIZONS: &[(Horizon, Names)] = &[
    (
        Horizon::ShortTerm,
        ["Short term", "Kurzfristig", "Court terme"],
    ),
    (
        Horizon::LongTerm,
        ["Long term", "Langfristig", "Long terme"],
    ),
];

pub(super) const READINESS: &[(ReadinessEstimate, Names)] = &[
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

pub(super) const RESOURCE_KINDS: &[(ResourceKind, Names)] = &[
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
pub(super) type EntryNames = [(&'static str, &'static str); 2];

pub(super) const DEFAULT_ENTRIES: &[(CatalogKind, &str, EntryNames)] = &[
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

pub(super) fn built_in_index(language: &LanguageTag) -> Option<usize> {
    BUILT_IN.iter().position(|l| *l == language.as_str())
}
