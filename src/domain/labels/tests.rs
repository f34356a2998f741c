//! The labeller's rules and the built-in names' completeness.

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
    let source = LabelSource::new(TenantLanguages { settings, names }, entries);
    Labeller::in_language(language, Arc::new(source))
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
    let translations: Translations<String> = [(tag("de"), "Kurs".to_owned())].into_iter().collect();
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
