//! Domain types: parsed once at the edge, so the rest of the code cannot hold an invalid value.

pub mod candidate;
pub mod catalog;
pub mod feedback;
pub mod hiring;

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A tenant (company) id as the identity provider names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

/// The caller's id: an employee id as the HRIS knows it (`E10234`) or a service client id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubjectId(String);

impl SubjectId {
    /// 1–128 printable ASCII characters without spaces.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let valid =
            !raw.is_empty() && raw.len() <= 128 && raw.bytes().all(|b| b.is_ascii_graphic());
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err("a subject id is 1-128 printable ASCII characters without spaces")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SubjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a caller may do, granted by the identity provider. `employee` is implicit for every
/// valid token.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Employee,
    HiringManager,
    Hr,
    Integration,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Employee,
        Role::HiringManager,
        Role::Hr,
        Role::Integration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::HiringManager => "hiring_manager",
            Role::Hr => "hr",
            Role::Integration => "integration",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == raw)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    fn subject_ids_are_bounded_and_plain() {
        assert!(SubjectId::parse("E10234").is_ok());
        assert!(SubjectId::parse("svc:hr-portal").is_ok());
        assert!(SubjectId::parse("").is_err());
        assert!(SubjectId::parse("E 1").is_err());
        assert!(SubjectId::parse(&"E".repeat(129)).is_err());
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
