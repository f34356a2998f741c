//! The one rule for free text, and the serde helper for optional fields.

use super::FieldError;

/// JSON Schema pattern of free text: no control characters but tab, newline and carriage
/// return (text areas send CRLF). Kept equal to what `bounded_text` accepts (a unit test
/// checks).
pub const TEXT_PATTERN: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$";
/// Free text with at least one visible character.
pub const LINE_PATTERN: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$";

/// Trims `raw` and checks it is between `min` and `max` characters with no control characters.
pub fn bounded_text(
    field: &str,
    raw: &str,
    min: usize,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    // Control characters are refused anywhere in the input, trimmed or not, as the schema says.
    let text = raw.trim();
    let chars = text.chars().count();
    if raw
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        errors.push(FieldError::new(
            field,
            "must not contain control characters",
        ));
    } else if chars < min || chars > max {
        let message = if min == 0 {
            format!("must be at most {max} characters")
        } else {
            format!("must be {min}-{max} characters")
        };
        errors.push(FieldError::new(field, message));
    }
    text.to_owned()
}

/// For optional fields: absent means `None`; an explicit `null` is refused like any other value
/// of the wrong type (the schema does not allow it).
pub fn non_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_patterns_accept_exactly_what_validation_accepts() {
        let text = regex::Regex::new(TEXT_PATTERN).expect("pattern");
        let line = regex::Regex::new(LINE_PATTERN).expect("pattern");
        let samples = [
            "",
            " ",
            "\t\n",
            "Plain",
            "  padded  ",
            "multi\nline",
            "tab\there",
            "bell\u{7}",
            "cr\r",
            "del\u{7f}",
            "c1\u{85}",
            "é ü 漢字 🙂",
            "\u{a0}",
            "x\u{2028}y",
        ];
        for sample in samples {
            let mut errors = Vec::new();
            bounded_text("f", sample, 0, 1000, &mut errors);
            assert_eq!(text.is_match(sample), errors.is_empty(), "text {sample:?}");
            let mut errors = Vec::new();
            bounded_text("f", sample, 1, 1000, &mut errors);
            assert_eq!(line.is_match(sample), errors.is_empty(), "line {sample:?}");
        }
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        let mut errors = Vec::new();
        assert_eq!(bounded_text("name", "  Name  ", 1, 10, &mut errors), "Name");
        assert!(errors.is_empty());
        bounded_text("name", "bad\u{0007}", 1, 10, &mut errors);
        bounded_text("name", "   ", 1, 10, &mut errors);
        assert_eq!(errors.len(), 2);
    }
}
