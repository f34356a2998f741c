use super::*;
use crate::domain::feedback::{
    ActionKind, Assessment, DevelopmentAction, ImprovementArea, Readiness, ReadinessEstimate,
};

const CORPUS: &str = include_str!("corpus.tsv");

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
}

fn reasons() -> Vec<ReasonText> {
    vec![
        ReasonText {
            key: "skills_gap".into(),
            name: "Skills gap".into(),
            description: "Some skills the role needs are not yet at the required level.".into(),
        },
        ReasonText {
            key: "other".into(),
            name: "Other".into(),
            description: String::new(),
        },
    ]
}

fn run(document: &FeedbackDocument, notes: &str, phrases: &PhraseSettings) -> Vec<Finding> {
    let reasons = reasons();
    check(
        document,
        notes,
        &CheckContext {
            today: today(),
            reasons: &reasons,
            phrases,
        },
    )
}

/// A document that passes every structural check; `summary` is 45 clean words.
fn good() -> FeedbackDocument {
    FeedbackDocument {
        reasons: vec!["skills_gap".into()],
        assessments: vec![Assessment {
            competency: "communication".into(),
            level: Level::Developing,
            evidence: "Explained the migration plan clearly to the panel.".into(),
        }],
        strengths: vec!["Clear written communication".into()],
        improvement_areas: vec![ImprovementArea {
            competency: Some("communication".into()),
            description: "Presenting trade-offs to senior stakeholders.".into(),
        }],
        development_actions: vec![DevelopmentAction {
            id: None,
            kind: ActionKind::Course,
            title: "Stakeholder management course".into(),
            description: None,
            resource_url: None,
            horizon: Horizon::ShortTerm,
            target_date: NaiveDate::from_ymd_opt(2027, 3, 1),
            competency: Some("communication".into()),
            resources: vec![],
        }],
        alternative_paths: vec![],
        readiness: Readiness {
            estimate: ReadinessEstimate::Within12Months,
            note: String::new(),
        },
        summary: "Thank you for applying. The panel valued your clear explanation of the \
                  migration plan and your record of delivery. We chose a candidate with more \
                  experience presenting to senior stakeholders, which this role needs. The plan \
                  below focuses on that, and your manager has agreed to support it."
            .into(),
        follow_up_offered: true,
    }
}

fn codes(findings: &[Finding]) -> Vec<FindingCode> {
    findings.iter().map(|f| f.code).collect()
}

/// The phrase findings of one sentence, checked as the message of an otherwise good draft.
fn phrase_findings(sentence: &str) -> Vec<Finding> {
    let document = FeedbackDocument {
        summary: sentence.to_owned(),
        ..good()
    };
    run(&document, "", &PhraseSettings::default())
        .into_iter()
        .filter(|f| f.phrase.is_some() && f.code != FindingCode::LongSentence)
        .collect()
}

#[test]
fn a_good_draft_has_no_findings() {
    assert_eq!(run(&good(), "", &PhraseSettings::default()), vec![]);
}

#[test]
fn the_labelled_corpus_meets_its_targets() {
    #[derive(Default)]
    struct Tally {
        sentences: usize,
        expected_found: usize,
        with_error: usize,
        with_warning: usize,
    }
    let mut tallies: std::collections::BTreeMap<&str, Tally> = Default::default();
    let mut misses = Vec::new();
    let mut false_alarms = Vec::new();
    for line in CORPUS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut fields = line.splitn(3, '\t');
        let (label, expected, sentence) = match (fields.next(), fields.next(), fields.next()) {
            (Some(l), Some(e), Some(s)) => (l, e, s),
            _ => panic!("a corpus line needs three tab-separated fields: {line:?}"),
        };
        let expected: Vec<FindingCode> = if expected == "-" {
            vec![]
        } else {
            expected
                .split(',')
                .map(|c| FindingCode::parse(c.trim()).unwrap_or_else(|| panic!("code {c:?}")))
                .collect()
        };
        let found = phrase_findings(sentence);
        let tally = tallies.entry(label).or_default();
        tally.sentences += 1;
        let has = |code| found.iter().any(|f| f.code == code);
        if !expected.is_empty() && expected.iter().all(|&c| has(c)) {
            tally.expected_found += 1;
        } else if !expected.is_empty() {
            misses.push(format!(
                "{label}: {sentence:?} expected {expected:?}, found {:?}",
                codes(&found)
            ));
        }
        if found.iter().any(|f| f.severity == Severity::Error) {
            tally.with_error += 1;
        }
        if found.iter().any(|f| f.severity == Severity::Warning) {
            tally.with_warning += 1;
        }
        let unexpected: Vec<&Finding> = found
            .iter()
            .filter(|f| f.severity != Severity::Info && !expected.contains(&f.code))
            .collect();
        if !unexpected.is_empty() {
            false_alarms.push(format!(
                "{label}: {sentence:?}: {:?}",
                unexpected
                    .iter()
                    .map(|f| (f.code, f.phrase.clone()))
                    .collect::<Vec<_>>()
            ));
        }
    }
    let total: usize = tallies.values().map(|t| t.sentences).sum();
    let tally = |label: &str| tallies.get(label).expect(label);
    let (risky, vague) = (tally("risky"), tally("vague"));
    let (clean, tricky) = (tally("clean"), tally("tricky"));
    let errors_flagged = risky.with_error + vague.with_error + clean.with_error + tricky.with_error;
    let risky_recall = risky.expected_found as f64 / risky.sentences as f64;
    let error_precision = risky.with_error as f64 / errors_flagged.max(1) as f64;
    let vague_recall = vague.expected_found as f64 / vague.sentences as f64;
    let warnings_flagged =
        risky.with_warning + vague.with_warning + clean.with_warning + tricky.with_warning;
    let vague_precision = vague.with_warning as f64 / warnings_flagged.max(1) as f64;
    println!(
        "quality corpus: {total} sentences ({} clean, {} vague, {} risky, {} tricky)",
        clean.sentences, vague.sentences, risky.sentences, tricky.sentences
    );
    println!(
        "  protected characteristics (error): recall {:.1}% ({}/{}), precision {:.1}%",
        100.0 * risky_recall,
        risky.expected_found,
        risky.sentences,
        100.0 * error_precision
    );
    println!(
        "  vague verdicts (warning): recall {:.1}% ({}/{}), precision {:.1}%",
        100.0 * vague_recall,
        vague.expected_found,
        vague.sentences,
        100.0 * vague_precision
    );
    println!(
        "  errors on clean sentences: {}, on tricky ones: {}",
        clean.with_error, tricky.with_error
    );
    for line in misses.iter().chain(&false_alarms) {
        println!("  {line}");
    }
    assert!(total >= 150, "the corpus needs at least 150 sentences");
    assert_eq!(clean.with_error, 0, "an error finding on a clean sentence");
    assert_eq!(
        tricky.with_error, 0,
        "an error finding on a tricky, non-risky sentence"
    );
    assert!(
        risky_recall >= 0.9,
        "recall of risky sentences {risky_recall:.3} < 0.9"
    );
    assert!(
        vague_recall >= 0.9,
        "recall of vague verdicts {vague_recall:.3} < 0.9"
    );
}

#[test]
fn a_vague_verdict_with_evidence_in_the_sentence_is_not_a_finding() {
    assert_eq!(
        codes(&phrase_findings("You were not a good fit.")),
        vec![FindingCode::VagueVerdict]
    );
    assert_eq!(
        phrase_findings(
            "You were not a good fit for the role because you had not yet run a budget."
        ),
        vec![]
    );
    assert_eq!(
        phrase_findings("The panel missed executive presence when you presented the 2027 plan."),
        vec![]
    );
}

#[test]
fn a_finding_points_at_its_field_and_quotes_the_words() {
    let mut document = good();
    document
        .strengths
        .push("Great energy for someone close to retirement".into());
    document.development_actions[0].title = "Course for older workers".into();
    let findings = run(
        &document,
        "He mentioned his wife is pregnant.",
        &PhraseSettings::default(),
    );
    let found: Vec<(FindingCode, &str, Option<&str>)> = findings
        .iter()
        .map(|f| (f.code, f.pointer.as_str(), f.phrase.as_deref()))
        .collect();
    assert!(
        found.contains(&(
            FindingCode::AgeReference,
            "/document/strengths/1",
            Some("retirement")
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            FindingCode::AgeReference,
            "/document/development_actions/0/title",
            Some("older workers")
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            FindingCode::FamilyStatusReference,
            "/internal_notes",
            Some("wife")
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            FindingCode::PregnancyOrMaternityReference,
            "/internal_notes",
            Some("pregnant")
        )),
        "{found:?}"
    );
    assert!(findings.iter().all(|f| f.severity == Severity::Error));
    assert!(findings
        .iter()
        .all(|f| !f.message.is_empty() && !f.suggestion.is_empty()));
}

#[test]
fn one_stretch_of_words_is_one_finding_per_code() {
    let found = codes(&phrase_findings("We wanted a black man for the role."));
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found.contains(&FindingCode::SexOrGenderReference),
        "{found:?}"
    );
    assert!(
        found.contains(&FindingCode::RaceOrEthnicityReference),
        "{found:?}"
    );
    let passive = phrase_findings("It was decided that it was decided.");
    assert_eq!(passive.len(), 1, "{passive:?}");
}

#[test]
fn decades_of_life_are_age_but_other_numbers_are_not() {
    assert_eq!(
        codes(&phrase_findings("A team in their thirties.")),
        vec![FindingCode::AgeReference]
    );
    assert_eq!(
        codes(&phrase_findings("A manager in her 50s.")),
        vec![FindingCode::AgeReference]
    );
    assert_eq!(
        phrase_findings("In his 2 years here he shipped four releases."),
        vec![]
    );
}

#[test]
fn an_improvement_area_needs_an_action_for_its_competency() {
    let mut document = good();
    document.improvement_areas.push(ImprovementArea {
        competency: Some("negotiation".into()),
        description: "Negotiating with suppliers.".into(),
    });
    let findings = run(&document, "", &PhraseSettings::default());
    assert_eq!(codes(&findings), vec![FindingCode::AreaWithoutAction]);
    assert_eq!(findings[0].pointer, "/document/improvement_areas/1");
    assert_eq!(findings[0].severity, Severity::Warning);
    // An area without a competency is covered by any action, but not by none.
    let mut document = good();
    document.improvement_areas[0].competency = None;
    assert_eq!(run(&document, "", &PhraseSettings::default()), vec![]);
    document.development_actions.clear();
    assert_eq!(
        codes(&run(&document, "", &PhraseSettings::default())),
        vec![FindingCode::AreaWithoutAction]
    );
}

#[test]
fn actions_need_a_target_date_that_fits_their_horizon() {
    let mut document = good();
    let action = document.development_actions[0].clone();
    let with = |date: Option<NaiveDate>, horizon| DevelopmentAction {
        target_date: date,
        horizon,
        ..action.clone()
    };
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
    document.development_actions = vec![
        with(None, Horizon::ShortTerm),
        with(day(11, 30), Horizon::ShortTerm),
        with(day(12, 31), Horizon::LongTerm),
        with(day(12, 1), Horizon::ShortTerm),
        with(NaiveDate::from_ymd_opt(2027, 1, 12), Horizon::LongTerm),
    ];
    let findings = run(&document, "", &PhraseSettings::default());
    let found: Vec<(FindingCode, &str)> = findings
        .iter()
        .map(|f| (f.code, f.pointer.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                FindingCode::ActionWithoutTargetDate,
                "/document/development_actions/0/target_date"
            ),
            (
                FindingCode::ActionTargetDateInPast,
                "/document/development_actions/1/target_date"
            ),
            (
                FindingCode::LongTermActionDueSoon,
                "/document/development_actions/2/target_date"
            ),
        ],
        "today is fine for a short-term action; 42 days ahead is long enough for a long-term one"
    );
}

#[test]
fn a_reason_needs_a_description_or_a_mention_in_the_message() {
    let mut document = good();
    document.reasons = vec![
        "skills_gap".into(),
        "other".into(),
        "retired_unknown".into(),
    ];
    let findings = run(&document, "", &PhraseSettings::default());
    let pointers: Vec<&str> = findings.iter().map(|f| f.pointer.as_str()).collect();
    assert_eq!(pointers, vec!["/document/reasons/1", "/document/reasons/2"]);
    assert!(findings
        .iter()
        .all(|f| f.code == FindingCode::ReasonWithoutExplanation));
    document.reasons.truncate(2);
    document
        .summary
        .push_str(" Other reasons weighed as well: the timing of the project.");
    assert_eq!(run(&document, "", &PhraseSettings::default()), vec![]);
}

#[test]
fn the_message_is_checked_for_length_and_long_sentences() {
    let mut document = good();
    document.summary = "Thanks for applying; we chose someone else.".into();
    assert_eq!(
        codes(&run(&document, "", &PhraseSettings::default())),
        vec![FindingCode::SummaryTooShort]
    );
    document.summary = "The panel liked your plan and your delivery record. ".repeat(45);
    assert_eq!(
        codes(&run(&document, "", &PhraseSettings::default())),
        vec![FindingCode::SummaryTooLong]
    );
    document.summary = format!(
        "{} and that is all.",
        ["the plan was clear"; 12].join(" and ")
    );
    let findings = run(&document, "", &PhraseSettings::default());
    assert_eq!(codes(&findings), vec![FindingCode::LongSentence]);
    assert_eq!(findings[0].severity, Severity::Info);
}

#[test]
fn the_lowest_level_needs_evidence() {
    let mut document = good();
    document.assessments[0].level = Level::NotYetDemonstrated;
    document.assessments[0].evidence = "Weak.".into();
    let findings = run(&document, "", &PhraseSettings::default());
    assert_eq!(
        codes(&findings),
        vec![FindingCode::LowestLevelWithoutEvidence]
    );
    assert_eq!(findings[0].pointer, "/document/assessments/0/evidence");
    document.assessments[0].evidence = "Could not yet describe a negotiation they had led.".into();
    assert_eq!(run(&document, "", &PhraseSettings::default()), vec![]);
}

#[test]
fn passive_verdicts_are_information() {
    let found = phrase_findings("It was decided to go with another candidate.");
    assert_eq!(codes(&found), vec![FindingCode::PassiveVerdict]);
    assert_eq!(found[0].severity, Severity::Info);
}

#[test]
fn a_tenant_adds_phrases_and_retires_built_in_ones() {
    let mut document = good();
    document
        .summary
        .push_str(" You lacked presence. Your rockstar energy was noted.");
    let settings = PhraseSettings {
        added: vec![TenantPhrase {
            phrase: "rockstar*".into(),
            severity: Severity::Error,
            suggestion: "Describe the behaviour instead.".into(),
        }],
        retired: ["lacked presence".to_owned()].into_iter().collect(),
    };
    let findings = run(&document, "", &settings);
    assert_eq!(codes(&findings), vec![FindingCode::TenantPhrase]);
    assert_eq!(findings[0].severity, Severity::Error);
    assert_eq!(findings[0].phrase.as_deref(), Some("rockstar"));
    assert_eq!(findings[0].suggestion, "Describe the behaviour instead.");
    let defaults = run(&document, "", &PhraseSettings::default());
    assert_eq!(codes(&defaults), vec![FindingCode::VagueVerdict]);
}

#[test]
fn builtin_phrases_are_valid_and_listed_once() {
    let mut seen = HashSet::new();
    for (phrase, _, _) in builtin_phrases() {
        assert!(valid_phrase(&phrase.replace('#', "1")), "{phrase}");
        assert!(seen.insert(phrase), "listed twice: {phrase}");
    }
    assert!(seen.len() > 300, "{}", seen.len());
    for bad in ["", "  ", "a*b", "*", "semi;colon", &"word ".repeat(11)] {
        assert!(!valid_phrase(bad), "{bad:?}");
    }
    assert!(valid_phrase("rock star*"));
}

#[test]
fn sentences_split_at_ends_but_not_inside_abbreviations_or_numbers() {
    assert_eq!(
        sentences("One, e.g. this. Two is 3.5 long! Three?\nFour"),
        vec!["One, e.g. this.", " Two is 3.5 long!", " Three?", "Four"]
    );
}
