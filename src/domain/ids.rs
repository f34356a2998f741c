//! Typed ids: a feedback id cannot be passed where an application id is expected, and an
//! employee id is always one that parsed.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};
use uuid::Uuid;

/// A tenant (company) id as the identity provider names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TenantId(String);

impl TenantId {
    /// 1–64 characters of ASCII letters, digits, `-`, `_` or `.`.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let valid = !raw.is_empty()
            && raw.len() <= 64
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err("a tenant id is 1-64 characters of letters, digits, '-', '_' or '.'")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// JSON Schema pattern of an employee id; kept equal to what `EmployeeId::parse` accepts (a
/// unit test checks).
/// `.` and `..` are excluded: as a path segment they would name another route.
pub const EMPLOYEE_ID_PATTERN: &str = "^([!-~]{3,128}|[!-\\-/-~][!-~]?|\\.[!-\\-/-~])$";

/// A person as the HRIS knows them (`E10234`): the `sub` of their token. The HR portal's
/// service account, the service's own tasks (`retention`) and erased subjects' pseudonyms
/// (`erased:…`) have ids of the same form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct EmployeeId(String);

impl EmployeeId {
    /// 1–128 printable ASCII characters without spaces, and not `.` or `..`.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let valid = !raw.is_empty()
            && raw.len() <= 128
            && raw.bytes().all(|b| b.is_ascii_graphic())
            && raw != "."
            && raw != "..";
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err("an employee id is 1-128 printable ASCII characters without spaces, not `.` or `..`")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A new pseudonym for an erased subject: it cannot be mistaken for an id someone could
    /// hold (`erased:` is not a prefix any identity provider issues) and links nothing.
    pub fn pseudonym() -> Self {
        Self(format!("erased:{}", Uuid::now_v7()))
    }

    /// Whether this is an erased subject's pseudonym.
    pub fn is_pseudonym(&self) -> bool {
        self.0.starts_with("erased:")
    }

    /// The id under which the service itself acts (`retention`, `seed`, `provisioning`).
    pub fn service(name: &'static str) -> Self {
        debug_assert!(Self::parse(name).is_ok(), "{name}");
        Self(name.to_owned())
    }
}

impl fmt::Display for EmployeeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialSchema for EmployeeId {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "An employee id as the HRIS knows it (the `sub` of their token).",
            ))
            .min_length(Some(1))
            .max_length(Some(128))
            .pattern(Some(EMPLOYEE_ID_PATTERN))
            .examples([serde_json::json!("E10234")])
            .into()
    }
}

impl ToSchema for EmployeeId {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("EmployeeId")
    }
}

/// Declares a UUIDv7 id type. The wire and stored form is the UUID; in the OpenAPI document
/// fields of these types are declared with `value_type = Uuid`.
macro_rules! uuid_id {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new id, ordered by creation time.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )+};
}

uuid_id!(
    /// An internal opening.
    RequisitionId,
    /// One employee's candidacy for one requisition.
    ApplicationId,
    /// A feedback document.
    FeedbackId,
    /// One step of a development plan (kept across edits, so progress stays attached).
    ActionId,
    /// A follow-up request.
    FollowUpId,
    /// An entry of the audit trail.
    AuditEventId,
    /// An event of the outbox (`GET /v1/events`).
    EventId,
    /// A webhook subscription.
    SubscriptionId,
    /// A resource of the development library.
    ResourceId,
    /// One attempt to deliver a webhook (or a test ping).
    AttemptId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_ids_are_bounded_and_plain() {
        assert!(TenantId::parse("acme-corp.eu_1").is_ok());
        assert!(TenantId::parse("").is_err());
        assert!(TenantId::parse("a b").is_err());
        assert!(TenantId::parse(&"a".repeat(65)).is_err());
        assert!(TenantId::parse("ünïcode").is_err());
    }

    #[test]
    fn employee_ids_are_bounded_and_plain_and_match_their_pattern() {
        let pattern = regex::Regex::new(EMPLOYEE_ID_PATTERN).expect("pattern");
        for (sample, ok) in [
            ("E10234", true),
            ("svc:hr-portal", true),
            ("", false),
            ("E 1", false),
            (".", false),
            ("..", false),
            ("...", true),
            (".a", true),
            ("a.", true),
            ("a", true),
            ("ab", true),
            ("-.", true),
            ("é", false),
            (&"E".repeat(129), false),
        ] {
            assert_eq!(EmployeeId::parse(sample).is_ok(), ok, "{sample:?}");
            assert_eq!(pattern.is_match(sample), ok, "{sample:?}");
        }
    }

    #[test]
    fn uuid_ids_are_ordered_by_creation() {
        let first = FeedbackId::generate();
        let second = FeedbackId::generate();
        assert!(first < second);
        assert_eq!(FeedbackId::from_uuid(first.as_uuid()), first);
    }
}
