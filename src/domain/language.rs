//! Languages: validated language tags (BCP 47, RFC 5646) and the negotiation of a candidate's
//! `Accept-Language` (RFC 9110 §12.5.4) by the "lookup" scheme of RFC 4647 §3.4.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;

/// JSON Schema pattern of a language tag, kept equal to what `LanguageTag::parse` accepts.
pub const LANGUAGE_TAG_PATTERN: &str = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,7}$";

/// A language tag such as `en`, `de-CH`, `pt-BR` or `zh-Hant-TW`, in its canonical case:
/// the language lower case, a script title case, a region upper case (RFC 5646 §2.1.1).
/// Tags compare case-insensitively, so the canonical form is the one stored and compared.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,7}$", example = "de")]
pub struct LanguageTag(String);

impl LanguageTag {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        const WRONG: &str = "a language tag such as \"en\", \"de-CH\" or \"pt-BR\" (BCP 47)";
        let mut parts = raw.split('-');
        let language = parts.next().unwrap_or_default();
        if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic())
        {
            return Err(WRONG);
        }
        let mut canonical = language.to_ascii_lowercase();
        for (i, part) in parts.enumerate() {
            if i >= 7 || part.is_empty() || part.len() > 8 {
                return Err(WRONG);
            }
            if !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(WRONG);
            }
            canonical.push('-');
            let letters = part.bytes().all(|b| b.is_ascii_alphabetic());
            match part.len() {
                4 if letters => {
                    canonical.push_str(&part[..1].to_ascii_uppercase());
                    canonical.push_str(&part[1..].to_ascii_lowercase());
                }
                2 if letters => canonical.push_str(&part.to_ascii_uppercase()),
                _ => canonical.push_str(&part.to_ascii_lowercase()),
            }
        }
        Ok(Self(canonical))
    }

    /// English, the language of the built-in catalogs and of every problem document.
    pub fn english() -> Self {
        Self("en".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for LanguageTag {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// Languages one tenant offers, at most.
pub const OFFERED_MAX: usize = 20;
/// Translations one catalog entry or resource may carry, at most.
pub const TRANSLATIONS_MAX: usize = 20;

/// Texts in other languages, by language tag.
pub type Translations<T> = BTreeMap<LanguageTag, T>;

/// The languages a tenant offers its candidates, and its default: the language its catalog
/// entries and resources are written in, and the one answered when a candidate's
/// `Accept-Language` finds none of the offered ones. The default is always offered, and no
/// language is offered twice: the constructor is the only way to build one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageSettings {
    default: LanguageTag,
    offered: Vec<LanguageTag>,
}

impl Default for LanguageSettings {
    /// English by default; German and French offered too, as the built-in labels are in them.
    fn default() -> Self {
        Self {
            default: LanguageTag::english(),
            offered: ["en", "de", "fr"]
                .iter()
                .map(|t| LanguageTag((*t).to_owned()))
                .collect(),
        }
    }
}

impl LanguageSettings {
    pub fn parse(default: &str, offered: &[String]) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let default = LanguageTag::parse(default)
            .map_err(|message| errors.push(FieldError::new("default_language", message)))
            .ok();
        let mut tags: Vec<LanguageTag> = Vec::new();
        if offered.is_empty() || offered.len() > OFFERED_MAX {
            errors.push(FieldError::new(
                "languages",
                format!("offer 1 to {OFFERED_MAX} languages"),
            ));
        }
        for (i, raw) in offered.iter().enumerate() {
            match LanguageTag::parse(raw) {
                Ok(tag) if tags.contains(&tag) => errors.push(FieldError::new(
                    format!("languages[{i}]"),
                    format!("{tag} is already in the list"),
                )),
                Ok(tag) => tags.push(tag),
                Err(message) => errors.push(FieldError::new(format!("languages[{i}]"), message)),
            }
        }
        if let Some(default) = &default {
            if !tags.contains(default) && !offered.is_empty() {
                errors.push(FieldError::new(
                    "default_language",
                    "the default language must be one of the offered languages",
                ));
            }
        }
        match default {
            Some(default) if errors.is_empty() => Ok(Self {
                default,
                offered: tags,
            }),
            _ => Err(errors),
        }
    }

    pub fn default_language(&self) -> &LanguageTag {
        &self.default
    }

    pub fn offered(&self) -> &[LanguageTag] {
        &self.offered
    }

    /// The language to answer a candidate in, given their `Accept-Language`.
    pub fn negotiate(&self, accept_language: Option<&str>) -> LanguageTag {
        negotiate(accept_language, &self.offered, &self.default)
    }
}

/// Parses a translations object: its keys are language tags (two spellings of one tag are one
/// key), at most `TRANSLATIONS_MAX`; `text` parses each value, reporting under
/// `{field}.{tag}`.
pub fn parse_translations<R, T>(
    field: &str,
    raw: &BTreeMap<String, R>,
    errors: &mut Vec<FieldError>,
    mut text: impl FnMut(&R, &mut Vec<FieldError>) -> T,
) -> Translations<T> {
    let mut parsed = Translations::new();
    if raw.len() > TRANSLATIONS_MAX {
        errors.push(FieldError::new(
            field,
            format!("at most {TRANSLATIONS_MAX} translations"),
        ));
    }
    for (key, value) in raw {
        let at = format!("{field}.{key}");
        let tag = match LanguageTag::parse(key) {
            Ok(tag) => tag,
            Err(message) => {
                errors.push(FieldError::new(at, message));
                continue;
            }
        };
        let mut own = Vec::new();
        let value = text(value, &mut own);
        errors.extend(own.into_iter().map(|e| e.under(&at)));
        if parsed.insert(tag.clone(), value).is_some() {
            errors.push(FieldError::new(
                at,
                format!("{tag} is translated twice (tags ignore case)"),
            ));
        }
    }
    parsed
}

/// One range of an `Accept-Language` header with its weight in thousandths.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Range {
    /// Lower case; `*` for any language.
    tag: String,
    weight: u16,
}

/// A weight (`q`): `0`, `1`, or a fraction with at most three decimals (RFC 9110 §12.4.2).
fn weight(raw: &str) -> Option<u16> {
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u16, |n, b| n * 10 + u16::from(b - b'0'));
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The ranges of a header, best first (equal weights keep their order); entries that do not
/// parse are skipped, as a client's typo should not cost the candidate their language.
fn ranges(header: &str) -> Vec<Range> {
    let mut ranges: Vec<Range> = header
        .split(',')
        .filter_map(|item| {
            let mut params = item.split(';');
            let tag = params.next()?.trim();
            let valid_tag = tag == "*"
                || (tag.split('-').all(|part| {
                    (1..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric())
                }) && tag.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()));
            if !valid_tag {
                return None;
            }
            let mut weight_of = 1000;
            for param in params {
                let (name, value) = param.split_once('=')?;
                if name.trim().eq_ignore_ascii_case("q") {
                    weight_of = weight(value.trim())?;
                }
            }
            Some(Range {
                tag: tag.to_ascii_lowercase(),
                weight: weight_of,
            })
        })
        .collect();
    ranges.sort_by_key(|r| std::cmp::Reverse(r.weight));
    ranges
}

/// The language to answer in: the RFC 4647 lookup of the header's ranges, best first, among
/// `available`; `fallback` when no range finds one (no header, only `*`, only unknown or
/// refused languages). A range that finds nothing is shortened a subtag at a time
/// (`de-CH-1996` → `de-CH` → `de`), dropping a single-letter extension prefix with the subtag
/// after it. `q=0` marks a language as not acceptable: it is never chosen by a range, although
/// the fallback is still answered rather than `406`.
pub fn negotiate(
    header: Option<&str>,
    available: &[LanguageTag],
    fallback: &LanguageTag,
) -> LanguageTag {
    let Some(header) = header else {
        return fallback.clone();
    };
    let ranges = ranges(header);
    let refused: Vec<&str> = ranges
        .iter()
        .filter(|r| r.weight == 0)
        .map(|r| r.tag.as_str())
        .collect();
    let find = |wanted: &str| {
        available
            .iter()
            .find(|tag| tag.as_str().eq_ignore_ascii_case(wanted))
    };
    for range in ranges.iter().filter(|r| r.weight > 0 && r.tag != "*") {
        let mut candidate = range.tag.as_str();
        loop {
            if let Some(found) = find(candidate) {
                if !refused.contains(&found.as_str().to_ascii_lowercase().as_str()) {
                    return found.clone();
                }
            }
            let Some(cut) = candidate.rfind('-') else {
                break;
            };
            candidate = &candidate[..cut];
            // A singleton (`x`, `u`) introduces an extension or private use: it goes too.
            if let Some(cut) = candidate.rfind('-') {
                if candidate.len() - cut == 2 {
                    candidate = &candidate[..cut];
                }
            }
        }
    }
    fallback.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(raw: &[&str]) -> Vec<LanguageTag> {
        raw.iter()
            .map(|t| LanguageTag::parse(t).expect("tag"))
            .collect()
    }

    fn pick(header: Option<&str>, available: &[&str]) -> String {
        let fallback = LanguageTag::english();
        negotiate(header, &tags(available), &fallback).to_string()
    }

    #[test]
    fn tags_are_validated_and_put_in_canonical_case() {
        for (raw, canonical) in [
            ("en", "en"),
            ("DE-ch", "de-CH"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("es-419", "es-419"),
            ("de-CH-1996", "de-CH-1996"),
        ] {
            assert_eq!(LanguageTag::parse(raw).expect(raw).as_str(), canonical);
        }
        for bad in [
            "",
            "e",
            "english",
            "en_US",
            "en-",
            "-en",
            "en--us",
            "1a",
            "de-abcdefghi",
            "fr-ü",
        ] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad}");
        }
        let pattern = regex::Regex::new(LANGUAGE_TAG_PATTERN).expect("pattern");
        for sample in [
            "en",
            "DE-ch",
            "zh-hant-tw",
            "",
            "english",
            "en_US",
            "en-",
            "a-b",
        ] {
            assert_eq!(
                pattern.is_match(sample),
                LanguageTag::parse(sample).is_ok(),
                "{sample}"
            );
        }
    }

    #[test]
    fn weights_parse_as_rfc_9110_says() {
        for (raw, parsed) in [
            ("1", Some(1000)),
            ("1.000", Some(1000)),
            ("0", Some(0)),
            ("0.5", Some(500)),
            ("0.125", Some(125)),
            ("0.", Some(0)),
            ("1.5", None),
            ("0.1234", None),
            ("2", None),
            ("-0.1", None),
            ("", None),
            ("abc", None),
        ] {
            assert_eq!(weight(raw), parsed, "{raw}");
        }
    }

    #[test]
    fn the_best_available_language_wins_by_weight_then_order() {
        let available = ["en", "de", "fr"];
        assert_eq!(pick(Some("de"), &available), "de");
        assert_eq!(pick(Some("fr;q=0.4, de;q=0.9"), &available), "de");
        assert_eq!(pick(Some("fr, de"), &available), "fr");
        assert_eq!(pick(Some("  FR ; Q=0.8 ,it"), &available), "fr");
        assert_eq!(pick(Some("it, de;q=0.1"), &available), "de");
    }

    #[test]
    fn lookup_shortens_the_range_but_never_widens_it() {
        let available = ["en", "de", "fr", "de-CH"];
        assert_eq!(pick(Some("de-AT"), &available), "de");
        assert_eq!(pick(Some("de-ch"), &available), "de-CH");
        assert_eq!(pick(Some("de-CH-1996"), &available), "de-CH");
        assert_eq!(pick(Some("fr-CA-x-private"), &available), "fr");
        assert_eq!(
            pick(Some("zh-Hant-CN-x-private1-private2"), &["zh-Hant"]),
            "zh-Hant"
        );
        // `de` does not find `de-CH` alone: lookup only ever removes subtags from the range.
        assert_eq!(pick(Some("de"), &["en", "de-CH"]), "en");
    }

    #[test]
    fn no_usable_range_answers_the_fallback() {
        let available = ["en", "de"];
        assert_eq!(pick(None, &available), "en");
        assert_eq!(pick(Some(""), &available), "en");
        assert_eq!(pick(Some("*"), &available), "en");
        assert_eq!(pick(Some("it, *;q=0.5"), &available), "en");
        assert_eq!(pick(Some("ja"), &available), "en");
        assert_eq!(pick(Some("de;q=0"), &available), "en");
        assert_eq!(pick(Some("de;q=abc, fr"), &available), "en");
        assert_eq!(pick(Some("@@@, de;q=0.3"), &available), "de");
        assert_eq!(pick(Some("de;q=1.5"), &available), "en");
        let german = LanguageTag::parse("de").expect("tag");
        assert_eq!(
            negotiate(Some("ja, *"), &tags(&available), &german).as_str(),
            "de"
        );
    }

    #[test]
    fn settings_offer_their_default_once() {
        let offered = |raw: &[&str]| raw.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
        let settings = LanguageSettings::parse("DE", &offered(&["en", "de"])).expect("valid");
        assert_eq!(settings.default_language().as_str(), "de");
        assert_eq!(settings.negotiate(Some("fr")).as_str(), "de");
        assert_eq!(settings.negotiate(Some("en-GB")).as_str(), "en");
        let fields = |e: Vec<FieldError>| e.into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(
            fields(LanguageSettings::parse("it", &offered(&["en"])).expect_err("not offered")),
            ["default_language"]
        );
        assert_eq!(
            fields(LanguageSettings::parse("en", &offered(&["en", "EN", "x"])).expect_err("dup")),
            ["languages[1]", "languages[2]"]
        );
        assert_eq!(
            fields(LanguageSettings::parse("en", &[]).expect_err("empty")),
            ["languages"]
        );
        let defaults = LanguageSettings::default();
        assert_eq!(
            LanguageSettings::parse("en", &offered(&["en", "de", "fr"])).expect("valid"),
            defaults
        );
    }

    #[test]
    fn translations_are_keyed_by_canonical_tags() {
        let raw: BTreeMap<String, &str> = [("de-ch", "a"), ("DE-CH", "b"), ("fr", ""), ("??", "c")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let mut errors = Vec::new();
        let parsed = parse_translations("translations", &raw, &mut errors, |v, errors| {
            if v.is_empty() {
                errors.push(FieldError::new("name", "empty"));
            }
            (*v).to_owned()
        });
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "translations.??",
                "translations.de-ch",
                "translations.fr.name"
            ]
        );
        assert_eq!(parsed.len(), 2);
    }

    #[test]
    fn a_refused_language_is_not_reached_by_shortening_another_range() {
        assert_eq!(pick(Some("de-AT, de;q=0"), &["en", "de"]), "en");
        assert_eq!(
            pick(Some("de-AT, de;q=0, fr;q=0.5"), &["en", "de", "fr"]),
            "fr"
        );
    }
}
