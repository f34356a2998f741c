//! The request target checked before routing: no control characters in the path or in any
//! query parameter, and no `.`/`..` segments (which a client or proxy may resolve to another
//! route). A refusal names what it refused.

use super::error::ApiError;

/// Why the request target is refused, if it is.
pub fn check_target(path: &str, query: &str) -> Option<ApiError> {
    for segment in path.split('/') {
        let decoded = decode(segment.as_bytes(), false);
        if has_control(&decoded) {
            return Some(ApiError::BadRequest(
                "The path contains a control character.".into(),
            ));
        }
        if decoded == "." || decoded == ".." {
            return Some(ApiError::BadRequest(
                "The path must not contain `.` or `..` segments.".into(),
            ));
        }
    }
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode(name.as_bytes(), true);
        if has_control(&name) {
            return Some(ApiError::BadRequest(
                "A query parameter name contains a control character.".into(),
            ));
        }
        if has_control(&decode(value.as_bytes(), true)) {
            return Some(ApiError::BadRequest(format!(
                "Query parameter `{name}` contains a control character."
            )));
        }
    }
    None
}

/// NUL, C0, DEL and C1 controls: no id, filter or cursor has a use for them, and PostgreSQL
/// refuses NUL in text.
fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// Percent-decodes `raw` (and `+` as a space in a query); invalid escapes stay as they are and
/// invalid UTF-8 becomes U+FFFD, which the parameter's own parser then refuses.
fn decode(raw: &[u8], plus_is_space: bool) -> String {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let byte = raw[i];
        let escaped = (byte == b'%')
            .then(|| raw.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(value) => {
                bytes.push(value);
                i += 3;
            }
            None => {
                bytes.push(if plus_is_space && byte == b'+' {
                    b' '
                } else {
                    byte
                });
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(path: &str, query: &str) -> Option<String> {
        check_target(path, query).map(|e| e.to_string())
    }

    #[test]
    fn control_characters_are_refused_and_named() {
        assert!(refused("/v1/requisitions", "department=%00")
            .is_some_and(|e| e.contains("`department`")));
        assert!(refused("/v1/audit-events", "resource_type=a%00b").is_some());
        assert!(refused("/v1/audit-events", "resource_id=a%1Fb").is_some());
        assert!(refused("/v1/audit-events", "resource_id=a%7F").is_some());
        assert!(
            refused("/v1/audit-events", "resource_id=a%C2%85").is_some(),
            "C1 NEL"
        );
        assert!(refused("/v1/employees/E%00/feedback", "").is_some());
        assert!(refused("/v1/x", "a%0A=1").is_some());
    }

    #[test]
    fn dot_segments_are_refused_in_any_spelling() {
        for path in [
            "/v1/employees/../feedback",
            "/v1/employees/./feedback",
            "/v1/employees/%2e%2E/feedback",
            "/v1/employees/.%2e/feedback",
        ] {
            assert!(refused(path, "").is_some(), "{path}");
        }
    }

    #[test]
    fn ordinary_targets_pass() {
        assert_eq!(
            refused("/v1/employees/E1.x/feedback", "a=b+c&d=%C3%A9&e"),
            None
        );
        assert_eq!(
            refused("/v1/requisitions", "department=R%26D&cursor=eyJ9"),
            None
        );
        assert_eq!(refused("/", ""), None);
        assert_eq!(
            refused("/v1/x", "bad=%zz"),
            None,
            "left to the parameter's parser"
        );
    }
}
