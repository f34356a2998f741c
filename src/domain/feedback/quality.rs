//! Feedback quality checks (docs/quality-checks.md): a pure, deterministic rule engine that
//! reads a draft the way a careful HR reviewer would and says what it found, where, and what
//! to write instead. No network, no model: lexicons of phrases (with the phrases that look
//! risky but are not, like "aged data" or "race condition"), and rules over the document's
//! structure (an improvement area with nothing to do about it, an action without a date).
//!
//! A tenant tunes the phrase checks: it adds its own phrases (with a severity) and retires
//! built-in ones (`PhraseSettings`).

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::document::{FeedbackDocument, Horizon, Level};
use crate::domain::names::named;
use crate::domain::{bounded_text, Checked, FieldError};

named! {
    /// How much a finding matters. `error` findings refuse a submit unless the tenant's review
    /// policy is warn-only.
    pub enum Severity ("finding severity") {
        Error = "error",
        Warning = "warning",
        Info = "info",
    }
}

named! {
    /// What a finding is about; stable, suitable for matching in code and for counting.
    pub enum FindingCode ("finding code") {
        /// Wording about a candidate's age (or a proxy for it, like "digital native").
        AgeReference = "age_reference",
        SexOrGenderReference = "sex_or_gender_reference",
        PregnancyOrMaternityReference = "pregnancy_or_maternity_reference",
        /// Marital status, children, caring responsibilities.
        FamilyStatusReference = "family_status_reference",
        RaceOrEthnicityReference = "race_or_ethnicity_reference",
        ReligionOrBeliefReference = "religion_or_belief_reference",
        DisabilityOrHealthReference = "disability_or_health_reference",
        SexualOrientationReference = "sexual_orientation_reference",
        /// Nationality, national origin, accent, immigration status.
        NationalityReference = "nationality_reference",
        UnionMembershipReference = "union_membership_reference",
        /// A verdict ("not a good fit") with nothing observable in the same sentence.
        VagueVerdict = "vague_verdict",
        /// An improvement area whose competency no development action develops.
        AreaWithoutAction = "area_without_action",
        ActionWithoutTargetDate = "action_without_target_date",
        ActionTargetDateInPast = "action_target_date_in_past",
        /// A long-term action due within six weeks.
        LongTermActionDueSoon = "long_term_action_due_soon",
        /// A reason code the candidate reads with no explanation (no catalog description, and
        /// the message does not name it).
        ReasonWithoutExplanation = "reason_without_explanation",
        SummaryTooShort = "summary_too_short",
        SummaryTooLong = "summary_too_long",
        /// The lowest assessment level with (almost) no evidence.
        LowestLevelWithoutEvidence = "lowest_level_without_evidence",
        LongSentence = "long_sentence",
        /// "It was decided…": a verdict with nobody who decided it.
        PassiveVerdict = "passive_verdict",
        /// One of the tenant's own phrases.
        TenantPhrase = "tenant_phrase",
    }
}

named! {
    /// What `error` findings do to a submit (the tenant's review policy).
    #[derive(Default)]
    pub enum QualityEnforcement ("quality enforcement") {
        /// They refuse it (422, listing them).
        #[default]
        Block = "block",
        /// They are shown, and the submit goes ahead.
        WarnOnly = "warn_only",
    }
}

/// One thing the checks found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    /// Where, as a JSON pointer (RFC 6901) into the draft as it is sent
    /// (`/document/summary`, `/document/development_actions/0/target_date`).
    #[schema(example = "/document/summary")]
    pub pointer: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to write instead.
    pub suggestion: String,
    /// The words that triggered a phrase check, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
}

impl Finding {
    /// The pointer as the path problem documents use (`document.reasons[0]`).
    pub fn field(&self) -> String {
        let mut field = String::new();
        for part in self.pointer.split('/').skip(1) {
            if part.bytes().all(|b| b.is_ascii_digit()) && !part.is_empty() {
                field.push_str(&format!("[{part}]"));
            } else {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push_str(part);
            }
        }
        field
    }
}

/// How many findings of each code (what the reports keep: never the words).
pub fn counts(findings: &[Finding]) -> std::collections::BTreeMap<FindingCode, u32> {
    let mut counts = std::collections::BTreeMap::new();
    for finding in findings {
        *counts.entry(finding.code).or_insert(0) += 1;
    }
    counts
}

/// A phrase a tenant added to the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantPhrase {
    /// Words to find (case-insensitive, whole words; `*` ends a word prefix).
    pub phrase: String,
    pub severity: Severity,
    /// Shown as the finding's suggestion.
    pub suggestion: String,
}

/// How a tenant tuned the phrase checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhraseSettings {
    pub added: Vec<TenantPhrase>,
    /// Built-in phrases (as `builtin_phrases` lists them) that this tenant does not check.
    pub retired: HashSet<String>,
}

/// At most this many phrases of a tenant's own.
pub const MAX_TENANT_PHRASES: usize = 500;

impl PhraseSettings {
    /// Parses phrase settings as HR sends them: phrases that the checks can look for, each
    /// once, a suggestion for each, retired phrases that are built-in ones.
    pub fn parse(added: Vec<TenantPhrase>, retired: Vec<String>) -> Checked<Self> {
        let mut errors = Vec::new();
        if added.len() > MAX_TENANT_PHRASES {
            errors.push(FieldError::new(
                "added",
                format!("at most {MAX_TENANT_PHRASES} phrases"),
            ));
        }
        let builtin: std::collections::HashSet<&str> =
            builtin_phrases().map(|(p, _, _)| p).collect();
        let mut seen = std::collections::HashSet::new();
        let mut phrases = Vec::with_capacity(added.len());
        for (i, mut phrase) in added.into_iter().enumerate() {
            let text = phrase
                .phrase
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            if !valid_phrase(&text) {
                errors.push(FieldError::new(
                    format!("added[{i}].phrase"),
                    "1 to 10 words of letters and digits (up to 100 characters); `*` only at the end of a word",
                ));
            } else if !seen.insert(text.clone()) {
                errors.push(FieldError::new(
                    format!("added[{i}].phrase"),
                    "listed twice",
                ));
            }
            phrase.phrase = text;
            phrase.suggestion = bounded_text(
                &format!("added[{i}].suggestion"),
                &phrase.suggestion,
                1,
                500,
                &mut errors,
            );
            phrases.push(phrase);
        }
        let mut retired_set = std::collections::HashSet::new();
        for (i, phrase) in retired.into_iter().enumerate() {
            if !builtin.contains(phrase.as_str()) {
                errors.push(FieldError::new(
                    format!("retired[{i}]"),
                    "is not a built-in phrase (GET /v1/quality-phrases/builtin lists them)",
                ));
            } else if !retired_set.insert(phrase) {
                errors.push(FieldError::new(format!("retired[{i}]"), "listed twice"));
            }
        }
        if errors.is_empty() {
            Ok(Self {
                added: phrases,
                retired: retired_set,
            })
        } else {
            Err(errors.into())
        }
    }
}

/// A reason code as the candidate reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonText {
    pub key: String,
    pub name: String,
    pub description: String,
}

/// What the checks need besides the draft.
pub struct CheckContext<'a> {
    /// The tenant's local day: target dates are compared with it.
    pub today: NaiveDate,
    /// The tenant's reason codes (retired ones too: a draft may still use them).
    pub reasons: &'a [ReasonText],
    pub phrases: &'a PhraseSettings,
}

/// The message to the candidate should be at least this many words…
pub const SUMMARY_MIN_WORDS: usize = 40;
/// …and at most this many.
pub const SUMMARY_MAX_WORDS: usize = 400;
/// Sentences longer than this are hard to read.
pub const LONG_SENTENCE_WORDS: usize = 40;
/// A long-term action due sooner than this is not long-term.
pub const LONG_TERM_MIN_DAYS: i64 = 42;
/// Evidence for the lowest level needs at least this many words.
pub const LOWEST_LEVEL_MIN_EVIDENCE_WORDS: usize = 5;

/// Checks a draft: its document and internal notes. Findings come errors first, then in the
/// order of the document.
pub fn check(
    document: &FeedbackDocument,
    internal_notes: &str,
    context: &CheckContext<'_>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let lexicon = Lexicon::new(context.phrases);
    for (pointer, text) in texts(document, internal_notes) {
        lexicon.check_text(&pointer, text, &mut findings);
    }
    structure(document, context, &mut findings);
    findings.sort_by_key(|finding| finding.severity);
    findings
}

/// Every free-text field with its pointer.
fn texts<'a>(document: &'a FeedbackDocument, notes: &'a str) -> Vec<(String, &'a str)> {
    let mut texts = vec![("/document/summary".to_owned(), document.summary.as_str())];
    for (i, a) in document.assessments.iter().enumerate() {
        texts.push((format!("/document/assessments/{i}/evidence"), &a.evidence));
    }
    for (i, s) in document.strengths.iter().enumerate() {
        texts.push((format!("/document/strengths/{i}"), s));
    }
    for (i, a) in document.improvement_areas.iter().enumerate() {
        texts.push((
            format!("/document/improvement_areas/{i}/description"),
            &a.description,
        ));
    }
    for (i, a) in document.development_actions.iter().enumerate() {
        texts.push((format!("/document/development_actions/{i}/title"), &a.title));
        if let Some(description) = &a.description {
            texts.push((
                format!("/document/development_actions/{i}/description"),
                description,
            ));
        }
    }
    for (i, p) in document.alternative_paths.iter().enumerate() {
        texts.push((format!("/document/alternative_paths/{i}"), p));
    }
    texts.push((
        "/document/readiness/note".to_owned(),
        &document.readiness.note,
    ));
    texts.push(("/internal_notes".to_owned(), notes));
    texts
}

fn structure(document: &FeedbackDocument, context: &CheckContext<'_>, out: &mut Vec<Finding>) {
    let warn = |code, pointer: String, message: String, suggestion: &str| Finding {
        code,
        severity: Severity::Warning,
        pointer,
        message,
        suggestion: suggestion.to_owned(),
        phrase: None,
    };
    let developed: HashSet<&str> = document
        .development_actions
        .iter()
        .filter_map(|a| a.competency.as_deref())
        .collect();
    for (i, area) in document.improvement_areas.iter().enumerate() {
        let unplanned = match area.competency.as_deref() {
            Some(competency) => !developed.contains(competency),
            None => document.development_actions.is_empty(),
        };
        if unplanned {
            out.push(warn(
                FindingCode::AreaWithoutAction,
                format!("/document/improvement_areas/{i}"),
                match &area.competency {
                    Some(c) => format!("No development action develops {c:?}, this area's competency."),
                    None => "No development action addresses this improvement area.".to_owned(),
                },
                "Add an action for it (a course, mentoring, a stretch assignment) with a target date, so the candidate knows what to do next.",
            ));
        }
    }
    for (i, action) in document.development_actions.iter().enumerate() {
        let pointer = format!("/document/development_actions/{i}/target_date");
        match action.target_date {
            None => out.push(warn(
                FindingCode::ActionWithoutTargetDate,
                pointer,
                "This development action has no target date.".to_owned(),
                "Agree a date with the candidate: an action without one rarely happens.",
            )),
            Some(date) if date < context.today => out.push(warn(
                FindingCode::ActionTargetDateInPast,
                pointer,
                format!("The target date {date} has passed."),
                "Set a date the candidate can still meet.",
            )),
            Some(date)
                if action.horizon == Horizon::LongTerm
                    && (date - context.today).num_days() < LONG_TERM_MIN_DAYS =>
            {
                out.push(warn(
                    FindingCode::LongTermActionDueSoon,
                    pointer,
                    format!("A long-term action is due on {date}, within six weeks."),
                    "Give a long-term action a date months away, or mark it short-term.",
                ))
            }
            Some(_) => {}
        }
    }
    let summary = document.summary.to_lowercase();
    for (i, key) in document.reasons.iter().enumerate() {
        let reason = context.reasons.iter().find(|r| &r.key == key);
        let explained = reason.is_some_and(|r| {
            !r.description.trim().is_empty()
                || (!r.name.trim().is_empty() && summary.contains(&r.name.to_lowercase()))
        });
        if !explained {
            out.push(warn(
                FindingCode::ReasonWithoutExplanation,
                format!("/document/reasons/{i}"),
                format!("The reason {key:?} reaches the candidate without an explanation."),
                "Say in the message what this reason meant for this application, or ask HR to describe the reason code in the catalog.",
            ));
        }
    }
    let words = word_count(&document.summary);
    if words < SUMMARY_MIN_WORDS {
        out.push(warn(
            FindingCode::SummaryTooShort,
            "/document/summary".to_owned(),
            format!("The message to the candidate has {words} words: too few to be useful."),
            "Say what the candidate did well, what decided it, and what to focus on next (at least 40 words).",
        ));
    } else if words > SUMMARY_MAX_WORDS {
        out.push(warn(
            FindingCode::SummaryTooLong,
            "/document/summary".to_owned(),
            format!("The message to the candidate has {words} words: too many to read well."),
            "Keep the message to what matters most (at most 400 words); the assessments and the plan carry the detail.",
        ));
    }
    for (i, assessment) in document.assessments.iter().enumerate() {
        if assessment.level == Level::NotYetDemonstrated
            && word_count(&assessment.evidence) < LOWEST_LEVEL_MIN_EVIDENCE_WORDS
        {
            out.push(warn(
                FindingCode::LowestLevelWithoutEvidence,
                format!("/document/assessments/{i}/evidence"),
                format!(
                    "{:?} is assessed at the lowest level with no evidence.",
                    assessment.competency
                ),
                "Describe what was asked and what was observed: the lowest level is the one a candidate most needs to understand.",
            ));
        }
    }
}

fn word_count(text: &str) -> usize {
    words(text).len()
}

// --- phrases -----------------------------------------------------------------------------------

/// One word of a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Word {
    Exact(String),
    /// `stem*`
    Prefix(String),
    /// `#`: a word that starts with a digit (`55`, `50s`).
    Number,
    /// `#0s`: a decade of life (`50s`, `fifties`).
    Decade,
}

impl Word {
    fn matches(&self, word: &str) -> bool {
        match self {
            Word::Exact(w) => w == word,
            Word::Prefix(stem) => word.starts_with(stem.as_str()),
            Word::Number => word.starts_with(|c: char| c.is_ascii_digit()),
            Word::Decade => {
                matches!(word, "20s" | "30s" | "40s" | "50s" | "60s" | "70s")
                    || ["twent", "thirt", "fort", "fift", "sixt", "sevent"]
                        .iter()
                        .any(|stem| word.starts_with(stem) && word.ends_with("ies"))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern(Vec<Word>);

impl Pattern {
    fn parse(phrase: &str) -> Self {
        Self(
            words(phrase)
                .into_iter()
                .map(|w| {
                    if w == "#" {
                        Word::Number
                    } else if w == "#0s" {
                        Word::Decade
                    } else if let Some(stem) = w.strip_suffix('*') {
                        Word::Prefix(stem.to_owned())
                    } else {
                        Word::Exact(w)
                    }
                })
                .collect(),
        )
    }

    /// Where the pattern starts in `words` (each match as `start..end`).
    fn find(&self, words: &[String]) -> Vec<(usize, usize)> {
        let n = self.0.len();
        if n == 0 || words.len() < n {
            return Vec::new();
        }
        (0..=words.len() - n)
            .filter(|&start| {
                self.0
                    .iter()
                    .zip(&words[start..])
                    .all(|(p, w)| p.matches(w))
            })
            .map(|start| (start, start + n))
            .collect()
    }
}

/// Lower-case words: runs of letters and digits (`didn't` is `didn`, `t`; `55-year-old` is
/// `55`, `year`, `old`), with `*` and `#` kept for patterns.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '*' || c == '#'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Sentences: split after `.`, `!` or `?` followed by a space and a capital (so that "e.g. a"
/// and "3.5" stay whole), and at line breaks.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let end_here = match c {
            '\n' => true,
            '.' | '!' | '?' => {
                let next = chars.get(k + 1).map(|&(_, c)| c);
                let after = chars.get(k + 2).map(|&(_, c)| c);
                next.is_none()
                    || (next.is_some_and(char::is_whitespace)
                        && after.is_none_or(|c| c.is_uppercase() || !c.is_alphanumeric()))
            }
            _ => false,
        };
        if end_here {
            out.push(&text[start..i + c.len_utf8()]);
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out.into_iter().filter(|s| !s.trim().is_empty()).collect()
}

struct Phrase {
    pattern: Pattern,
    /// As the lexicon writes it (the key a tenant retires it by).
    text: String,
    code: FindingCode,
    severity: Severity,
    suggestion: Option<String>,
}

struct Lexicon<'a> {
    builtin: &'static [Phrase],
    retired: &'a HashSet<String>,
    added: Vec<Phrase>,
}

static BUILTIN: LazyLock<Vec<Phrase>> = LazyLock::new(|| {
    let protected = PROTECTED
        .iter()
        .flat_map(|(code, phrases)| phrases.iter().map(move |p| (*code, Severity::Error, *p)));
    let vague = VAGUE
        .iter()
        .map(|p| (FindingCode::VagueVerdict, Severity::Warning, *p));
    let passive = PASSIVE
        .iter()
        .map(|p| (FindingCode::PassiveVerdict, Severity::Info, *p));
    protected
        .chain(vague)
        .chain(passive)
        .map(|(code, severity, text)| Phrase {
            pattern: Pattern::parse(text),
            text: text.to_owned(),
            code,
            severity,
            suggestion: None,
        })
        .collect()
});

static SAFE_PATTERNS: LazyLock<Vec<Pattern>> =
    LazyLock::new(|| SAFE.iter().map(|p| Pattern::parse(p)).collect());
static EVIDENCE_PATTERNS: LazyLock<Vec<Pattern>> =
    LazyLock::new(|| EVIDENCE.iter().map(|p| Pattern::parse(p)).collect());

/// The built-in phrases with what each finds: the catalog a tenant retires phrases from.
pub fn builtin_phrases() -> impl Iterator<Item = (&'static str, FindingCode, Severity)> {
    BUILTIN
        .iter()
        .map(|p| (p.text.as_str(), p.code, p.severity))
}

/// Whether `phrase` is a phrase the checks can look for: one to ten words of letters and
/// digits, `*` only at the end of a word.
pub fn valid_phrase(phrase: &str) -> bool {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 10
        && phrase.chars().count() <= 100
        && words.iter().all(|w| {
            let stem = w.strip_suffix('*').unwrap_or(w);
            stem.chars()
                .all(|c| c.is_alphanumeric() || c == '\'' || c == '-')
                && stem.chars().next_back().is_some_and(char::is_alphanumeric)
                && stem.chars().next().is_some_and(char::is_alphanumeric)
        })
}

impl<'a> Lexicon<'a> {
    fn new(settings: &'a PhraseSettings) -> Self {
        Self {
            builtin: BUILTIN.as_slice(),
            retired: &settings.retired,
            added: settings
                .added
                .iter()
                .map(|p| Phrase {
                    pattern: Pattern::parse(&p.phrase),
                    text: p.phrase.clone(),
                    code: FindingCode::TenantPhrase,
                    severity: p.severity,
                    suggestion: Some(p.suggestion.clone()),
                })
                .collect(),
        }
    }

    fn phrases(&self) -> impl Iterator<Item = &Phrase> {
        self.builtin
            .iter()
            .filter(|p| !self.retired.contains(&p.text))
            .chain(&self.added)
    }

    fn check_text(&self, pointer: &str, text: &str, out: &mut Vec<Finding>) {
        let mut seen: HashSet<(FindingCode, String)> = HashSet::new();
        for sentence in sentences(text) {
            let words = words(sentence);
            if words.len() > LONG_SENTENCE_WORDS
                && seen.insert((FindingCode::LongSentence, String::new()))
            {
                out.push(Finding {
                    code: FindingCode::LongSentence,
                    severity: Severity::Info,
                    pointer: pointer.to_owned(),
                    message: format!("A sentence of {} words is hard to follow.", words.len()),
                    suggestion: "Split it: one point per sentence.".to_owned(),
                    phrase: Some(excerpt(sentence)),
                });
            }
            let safe: Vec<(usize, usize)> =
                SAFE_PATTERNS.iter().flat_map(|p| p.find(&words)).collect();
            let evidence = has_evidence(&words);
            // One finding per code and stretch of words: "black man" is one race finding and
            // one sex finding, not two of either.
            let mut hits: Vec<(FindingCode, usize, usize)> = Vec::new();
            for phrase in self.phrases() {
                if phrase.code == FindingCode::VagueVerdict && evidence {
                    continue;
                }
                let hit = phrase.pattern.find(&words).into_iter().find(|&(s, e)| {
                    !safe.iter().any(|&(ss, se)| ss <= s && e <= se)
                        && !hits
                            .iter()
                            .any(|&(code, hs, he)| code == phrase.code && s < he && hs < e)
                });
                let Some((s, e)) = hit else { continue };
                hits.push((phrase.code, s, e));
                let written = words[s..e].join(" ");
                if seen.insert((phrase.code, written.clone())) {
                    out.push(finding(phrase, pointer, written));
                }
            }
        }
    }
}

/// The first words of a sentence, to show which one.
fn excerpt(sentence: &str) -> String {
    let words: Vec<&str> = sentence.split_whitespace().take(8).collect();
    format!("{}…", words.join(" "))
}

/// Something observable in the sentence: a reason, an example, a situation, a number.
fn has_evidence(words: &[String]) -> bool {
    EVIDENCE_PATTERNS.iter().any(|p| !p.find(words).is_empty())
        || words
            .iter()
            .any(|w| w.starts_with(|c: char| c.is_ascii_digit()))
}

fn finding(phrase: &Phrase, pointer: &str, written: String) -> Finding {
    let (message, suggestion) = match phrase.code {
        FindingCode::VagueVerdict => (
            format!("\"{written}\" is a verdict without evidence."),
            "Say what was observed (a situation, an answer, an example) and which competency it shows.".to_owned(),
        ),
        FindingCode::PassiveVerdict => (
            format!("\"{written}\" hides who decided and why."),
            "Say who decided (the panel, the hiring manager) and on what.".to_owned(),
        ),
        FindingCode::TenantPhrase => (
            format!("\"{written}\" is on your organisation's list of phrases to avoid."),
            phrase.suggestion.clone().unwrap_or_default(),
        ),
        code => (
            format!(
                "\"{written}\" refers to {}, which is irrelevant to the job and must not inform or explain the decision.",
                protected_name(code)
            ),
            "Remove it; describe only the skills, experience and behaviour the role needs, and what the candidate showed of them.".to_owned(),
        ),
    };
    Finding {
        code: phrase.code,
        severity: phrase.severity,
        pointer: pointer.to_owned(),
        message,
        suggestion,
        phrase: Some(written),
    }
}

fn protected_name(code: FindingCode) -> &'static str {
    match code {
        FindingCode::AgeReference => "age",
        FindingCode::SexOrGenderReference => "sex or gender",
        FindingCode::PregnancyOrMaternityReference => "pregnancy or maternity",
        FindingCode::FamilyStatusReference => "marital or family status",
        FindingCode::RaceOrEthnicityReference => "race or ethnicity",
        FindingCode::ReligionOrBeliefReference => "religion or belief",
        FindingCode::DisabilityOrHealthReference => "disability or health",
        FindingCode::SexualOrientationReference => "sexual orientation",
        FindingCode::NationalityReference => "nationality or national origin",
        FindingCode::UnionMembershipReference => "union membership",
        _ => "a personal circumstance",
    }
}

mod lexicon;
use lexicon::{EVIDENCE, PASSIVE, PROTECTED, SAFE, VAGUE};

#[cfg(test)]
mod tests;
