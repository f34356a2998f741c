//! The development resource library: courses, programmes, communities and reading that HR
//! curates per tenant and managers attach to development actions.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalog::CatalogKey;
use super::language::{parse_translations, LanguageTag, Translations};
use super::names::named;
use super::{bounded_text, collected, FieldError};

named! {
    /// What kind of resource.
    pub enum ResourceKind ("resource kind") {
        Course = "course",
        Training = "training",
        MentoringProgramme = "mentoring_programme",
        JobRotationProgramme = "job_rotation_programme",
        StretchAssignmentPool = "stretch_assignment_pool",
        Community = "community",
        Reading = "reading",
        Video = "video",
        Certification = "certification",
        Other = "other",
    }
}

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 2_000;
pub const PROVIDER_MAX: usize = 120;
pub const URL_MAX: usize = 2_000;
/// Competencies one resource may develop.
pub const COMPETENCIES_MAX: usize = 10;
/// Library resources one development action may point to.
pub const PER_ACTION_MAX: usize = 5;

/// JSON Schema pattern of a resource link, kept equal to `https_url` (a unit test checks).
pub const HTTPS_URL_PATTERN: &str = r"^[Hh][Tt][Tt][Pp][Ss]://[^\s\x00-\x1F\x7F-\x9F]+$";
/// JSON Schema pattern of a duration, kept equal to `Duration::parse` (a unit test checks).
/// With `minLength: 3`, which rules out a bare `P`.
pub const DURATION_PATTERN: &str =
    "^P([0-9]{1,4}Y)?([0-9]{1,4}M)?([0-9]{1,4}W)?([0-9]{1,4}D)?(T([0-9]{1,4}H([0-9]{1,4}M)?|[0-9]{1,4}M))?$";

/// An https link with something after the scheme and no white space or control characters.
/// Library links are https only: HR publishes them to every candidate.
pub fn https_url(raw: &str) -> bool {
    raw.len() > "https://".len()
        && raw.len() <= URL_MAX
        && raw
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        && !raw.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// How long a resource takes, as an ISO 8601 duration of whole numbers (`PT8H`, `P6W`,
/// `P3M`, `P1Y`, `P2DT4H`); stored and sent in that form, upper case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duration(String);

impl Duration {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        const WRONG: &str =
            "an ISO 8601 duration of whole numbers, such as PT8H, P6W, P3M or P2DT4H";
        let Some(rest) = raw.strip_prefix('P') else {
            return Err(WRONG);
        };
        let (date, time) = match rest.split_once('T') {
            Some((date, time)) if !time.is_empty() => (date, Some(time)),
            Some(_) => return Err(WRONG),
            None => (rest, None),
        };
        let ordered = |part: &str, designators: &[char]| -> bool {
            let mut allowed = designators.iter();
            let mut digits = 0;
            for c in part.chars() {
                if c.is_ascii_digit() {
                    digits += 1;
                    if digits > 4 {
                        return false;
                    }
                } else if digits == 0 || !allowed.any(|d| *d == c) {
                    return false;
                } else {
                    digits = 0;
                }
            }
            digits == 0
        };
        let valid = (!date.is_empty() || time.is_some())
            && ordered(date, &['Y', 'M', 'W', 'D'])
            && time.is_none_or(|t| ordered(t, &['H', 'M']));
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(WRONG)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A resource's title and description in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceText {
    /// 1–200 characters, not blank.
    #[schema(min_length = 1, max_length = 200, example = "SQL für Analysten")]
    pub title: String,
    /// Up to 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: String,
}

/// Translations of a resource as received.
pub type RawResourceTranslations = BTreeMap<String, ResourceText>;

/// A validated new resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResource {
    pub title: String,
    pub kind: ResourceKind,
    pub url: String,
    pub provider: String,
    pub duration: Option<Duration>,
    pub language: LanguageTag,
    pub description: String,
    pub competencies: Vec<CatalogKey>,
    /// The title and description in other languages than the tenant's default.
    pub translations: Translations<ResourceText>,
}

/// What a new resource or a change says, before validation.
#[derive(Debug, Clone, Default)]
pub struct ResourceFields<'a> {
    pub title: Option<&'a str>,
    pub kind: Option<ResourceKind>,
    pub url: Option<&'a str>,
    pub provider: Option<&'a str>,
    pub duration: Option<&'a str>,
    pub language: Option<&'a str>,
    pub description: Option<&'a str>,
    pub competencies: Option<&'a [String]>,
    pub translations: Option<&'a RawResourceTranslations>,
}

struct Parsed {
    title: Option<String>,
    url: Option<String>,
    provider: Option<String>,
    duration: Option<Duration>,
    language: Option<LanguageTag>,
    description: Option<String>,
    competencies: Option<Vec<CatalogKey>>,
    translations: Option<Translations<ResourceText>>,
}

fn parse_fields(fields: &ResourceFields<'_>, errors: &mut Vec<FieldError>) -> Parsed {
    let title = fields
        .title
        .map(|t| bounded_text("title", t, 1, TITLE_MAX, errors));
    let url = fields.url.map(|url| {
        if !https_url(url) {
            errors.push(FieldError::new(
                "url",
                format!("must be an https URL of at most {URL_MAX} characters"),
            ));
        }
        url.to_owned()
    });
    let provider = fields
        .provider
        .map(|p| bounded_text("provider", p, 0, PROVIDER_MAX, errors));
    let duration = fields.duration.and_then(|d| {
        Duration::parse(d)
            .map_err(|m| errors.push(FieldError::new("duration", m)))
            .ok()
    });
    let language = fields.language.and_then(|l| {
        LanguageTag::parse(l)
            .map_err(|m| errors.push(FieldError::new("language", m)))
            .ok()
    });
    let description = fields
        .description
        .map(|d| bounded_text("description", d, 0, DESCRIPTION_MAX, errors));
    let competencies = fields.competencies.map(|keys| {
        if keys.len() > COMPETENCIES_MAX {
            errors.push(FieldError::new(
                "competencies",
                format!("at most {COMPETENCIES_MAX} competencies"),
            ));
        }
        let mut seen = HashSet::new();
        let mut parsed = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            match CatalogKey::parse(key) {
                Ok(key) if seen.insert(key.clone()) => parsed.push(key),
                Ok(_) => errors.push(FieldError::new(
                    format!("competencies[{i}]"),
                    "listed twice",
                )),
                Err(m) => errors.push(FieldError::new(format!("competencies[{i}]"), m)),
            }
        }
        parsed
    });
    let translations = fields.translations.map(|raw| {
        parse_translations("translations", raw, errors, |text, errors| ResourceText {
            title: bounded_text("title", &text.title, 1, TITLE_MAX, errors),
            description: bounded_text("description", &text.description, 0, DESCRIPTION_MAX, errors),
        })
    });
    Parsed {
        title,
        url,
        provider,
        duration,
        language,
        description,
        competencies,
        translations,
    }
}

impl NewResource {
    /// `title`, `kind`, `url` and `language` are required (the HTTP body makes them so).
    pub fn parse(fields: &ResourceFields<'_>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let parsed = parse_fields(fields, &mut errors);
        let (Some(title), Some(kind), Some(url), Some(language)) =
            (parsed.title, fields.kind, parsed.url, parsed.language)
        else {
            if errors.is_empty() {
                errors.push(FieldError::new(
                    "",
                    "title, kind, url and language are required",
                ));
            }
            return Err(errors);
        };
        collected(
            Self {
                title,
                kind,
                url,
                provider: parsed.provider.unwrap_or_default(),
                duration: parsed.duration,
                language,
                description: parsed.description.unwrap_or_default(),
                competencies: parsed.competencies.unwrap_or_default(),
                translations: parsed.translations.unwrap_or_default(),
            },
            errors,
        )
    }
}

/// A validated change to a resource; `None` leaves a field as it is. `Some(None)` for the
/// duration removes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceChange {
    pub title: Option<String>,
    pub kind: Option<ResourceKind>,
    pub url: Option<String>,
    pub provider: Option<String>,
    pub duration: Option<Option<Duration>>,
    pub language: Option<LanguageTag>,
    pub description: Option<String>,
    pub competencies: Option<Vec<CatalogKey>>,
    /// Replaces every translation.
    pub translations: Option<Translations<ResourceText>>,
    /// `false` retires the resource: no longer offered, still shown in plans that use it.
    pub active: Option<bool>,
}

impl ResourceChange {
    /// An empty `duration` removes it.
    pub fn parse(
        fields: &ResourceFields<'_>,
        active: Option<bool>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let clear_duration = fields.duration == Some("");
        let fields = ResourceFields {
            duration: fields.duration.filter(|d| !d.is_empty()),
            ..fields.clone()
        };
        let parsed = parse_fields(&fields, &mut errors);
        let duration = if clear_duration {
            Some(None)
        } else {
            parsed.duration.map(Some)
        };
        let change = Self {
            title: parsed.title,
            kind: fields.kind,
            url: parsed.url,
            provider: parsed.provider,
            duration,
            language: parsed.language,
            description: parsed.description,
            competencies: parsed.competencies,
            translations: parsed.translations,
            active,
        };
        if change == Self::default() && errors.is_empty() {
            errors.push(FieldError::new("", "give at least one field to change"));
        }
        collected(change, errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(competencies: &'a [String]) -> ResourceFields<'a> {
        ResourceFields {
            title: Some("  SQL for analysts "),
            kind: Some(ResourceKind::Course),
            url: Some("https://learning.example.com/sql"),
            provider: Some("Learning Hub"),
            duration: Some("PT8H"),
            language: Some("EN-gb"),
            description: None,
            competencies: Some(competencies),
            translations: None,
        }
    }

    #[test]
    fn a_new_resource_is_trimmed_and_put_in_canonical_form() {
        let keys = vec!["technical_depth".to_owned()];
        let resource = NewResource::parse(&fields(&keys)).expect("valid");
        assert_eq!(resource.title, "SQL for analysts");
        assert_eq!(resource.duration.expect("duration").as_str(), "PT8H");
        assert_eq!(resource.language.as_str(), "en-GB");
        assert_eq!(resource.competencies[0].as_str(), "technical_depth");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let keys = vec!["ok_key".to_owned(), "ok_key".to_owned(), "Bad".to_owned()];
        let bad = ResourceFields {
            title: Some(" "),
            url: Some("http://insecure.example.com"),
            duration: Some("8 hours"),
            language: Some("english"),
            ..fields(&keys)
        };
        let errors = NewResource::parse(&bad).expect_err("invalid");
        let named: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            named,
            [
                "title",
                "url",
                "duration",
                "language",
                "competencies[1]",
                "competencies[2]"
            ]
        );
    }

    #[test]
    fn only_https_links_with_a_host_are_library_links() {
        for (url, ok) in [
            ("https://learning.example.com/x", true),
            ("HTTPS://EXAMPLE.COM", true),
            ("http://learning.example.com/x", false),
            ("https://", false),
            ("https://a b", false),
            ("javascript:alert(1)", false),
            ("https://x\u{7}", false),
        ] {
            assert_eq!(https_url(url), ok, "{url}");
        }
        let pattern = regex::Regex::new(HTTPS_URL_PATTERN).expect("pattern");
        for url in [
            "https://a.example",
            "http://a.example",
            "https://",
            "https://a b",
        ] {
            assert_eq!(pattern.is_match(url), https_url(url), "{url}");
        }
    }

    #[test]
    fn durations_are_iso_8601_whole_numbers_in_order() {
        let good = [
            "PT8H", "P6W", "P3M", "P1Y", "P2DT4H", "PT90M", "P1Y6M", "PT1H30M",
        ];
        let bad = [
            "", "P", "PT", "8H", "P8H", "PT8D", "P1M1Y", "P1.5D", "P99999D", "PT1H1H", "P1DT",
            "pt1h", "PT30M1H",
        ];
        let pattern = regex::Regex::new(DURATION_PATTERN).expect("pattern");
        for sample in good {
            assert!(Duration::parse(sample).is_ok(), "{sample}");
        }
        for sample in bad {
            assert!(Duration::parse(sample).is_err(), "{sample}");
        }
        for sample in good.iter().chain(&bad) {
            let schema_valid = pattern.is_match(sample) && sample.len() >= 3;
            assert_eq!(schema_valid, Duration::parse(sample).is_ok(), "{sample}");
        }
    }

    #[test]
    fn a_change_needs_a_field_and_can_clear_the_duration() {
        assert!(ResourceChange::parse(&ResourceFields::default(), None).is_err());
        let retire = ResourceChange::parse(&ResourceFields::default(), Some(false)).expect("ok");
        assert_eq!(retire.active, Some(false));
        let clear = ResourceFields {
            duration: Some(""),
            ..ResourceFields::default()
        };
        assert_eq!(
            ResourceChange::parse(&clear, None).expect("ok").duration,
            Some(None)
        );
    }
}
