//! The audit trail's query: who did what to which resource, about whom, when.

use chrono::{DateTime, Utc};

use super::hiring::employee_filter;
use super::{EmployeeId, FieldError};

/// The filters of an audit query, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub candidate_id: Option<EmployeeId>,
    pub actor: Option<EmployeeId>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl AuditQuery {
    pub fn parse(
        candidate_id: Option<&str>,
        actor: Option<&str>,
        resource_type: Option<&str>,
        resource_id: Option<&str>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Self, Vec<FieldError>> {
        let candidate_id = employee_filter("candidate_id", candidate_id)?;
        let actor = employee_filter("actor", actor)?;
        for (field, value, max) in [
            ("resource_type", resource_type, 64),
            ("resource_id", resource_id, 128),
        ] {
            if value.is_some_and(|v| v.chars().count() > max) {
                return Err(vec![FieldError::new(
                    field,
                    format!("must be at most {max} characters"),
                )]);
            }
        }
        Ok(Self {
            candidate_id,
            actor,
            resource_type: resource_type.map(str::to_owned),
            resource_id: resource_id.map(str::to_owned),
            from,
            to,
        })
    }
}
