//! Requisitions and applications: the openings, the candidacies and the decisions.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalog::bounded_text;
use super::SubjectId;
use crate::error::FieldError;

/// Lifecycle of an internal opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequisitionStatus {
    Open,
    Closed,
    Cancelled,
}

impl RequisitionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Open, Self::Closed, Self::Cancelled]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }

    /// Legal moves: an open requisition closes or is cancelled; a closed one may reopen;
    /// cancelled is final. Staying put is always allowed (sync re-runs).
    pub fn can_become(self, next: Self) -> bool {
        use RequisitionStatus::*;
        self == next
            || matches!(
                (self, next),
                (Open, Closed) | (Open, Cancelled) | (Closed, Open)
            )
    }
}

/// Where a candidacy stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Active,
    Rejected,
    Hired,
    Withdrawn,
}

impl ApplicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Rejected => "rejected",
            Self::Hired => "hired",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Active, Self::Rejected, Self::Hired, Self::Withdrawn]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// How far the candidate got in the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Screening,
    Interview,
    Final,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Screening => "screening",
            Self::Interview => "interview",
            Self::Final => "final",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Screening, Self::Interview, Self::Final]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// The decision on a candidacy. Only an `active` application can be decided, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Rejected,
    Hired,
    Withdrawn,
}

impl Outcome {
    pub fn status(self) -> ApplicationStatus {
        match self {
            Self::Rejected => ApplicationStatus::Rejected,
            Self::Hired => ApplicationStatus::Hired,
            Self::Withdrawn => ApplicationStatus::Withdrawn,
        }
    }
}

/// JSON Schema pattern of an external reference.
pub const EXTERNAL_REF_PATTERN: &str = "^[A-Za-z0-9._:-]{1,128}$";
/// JSON Schema pattern of an employee id.
pub const EMPLOYEE_ID_PATTERN: &str = "^[!-~]{1,128}$";

/// The ATS/HRIS id of a record: 1–128 of `A-Z a-z 0-9 . _ : -`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExternalRef(String);

impl ExternalRef {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let valid = (1..=128).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err("an external reference is 1-128 of A-Z a-z 0-9 . _ : -")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const TITLE_MAX: usize = 200;
pub const DEPARTMENT_MAX: usize = 120;
pub const PEOPLE_MAX: usize = 20;

/// Sorted, deduplicated employee ids; `min` of them at least.
fn people(field: &str, raw: &[String], min: usize, errors: &mut Vec<FieldError>) -> Vec<SubjectId> {
    let mut ids = Vec::new();
    for (i, id) in raw.iter().enumerate() {
        match SubjectId::parse(id) {
            Ok(id) => ids.push(id),
            Err(message) => errors.push(FieldError::new(format!("{field}[{i}]"), message)),
        }
    }
    ids.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    ids.dedup();
    if raw.len() > PEOPLE_MAX {
        errors.push(FieldError::new(
            field,
            format!("at most {PEOPLE_MAX} people"),
        ));
    } else if ids.len() < min {
        errors.push(FieldError::new(field, format!("at least {min} person")));
    }
    ids
}

fn external_ref(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<ExternalRef> {
    raw.and_then(|raw| {
        ExternalRef::parse(raw)
            .map_err(|message| errors.push(FieldError::new("external_ref", message)))
            .ok()
    })
}

/// A validated requisition: a new one, or the full state a sync brings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequisitionDraft {
    pub external_ref: Option<ExternalRef>,
    pub title: String,
    pub department: String,
    pub hiring_manager_ids: Vec<SubjectId>,
    pub hr_partner_ids: Vec<SubjectId>,
    pub status: RequisitionStatus,
}

impl RequisitionDraft {
    pub fn parse(
        external_ref_raw: Option<&str>,
        title: &str,
        department: &str,
        hiring_manager_ids: &[String],
        hr_partner_ids: &[String],
        status: RequisitionStatus,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let external_ref = external_ref(external_ref_raw, &mut errors);
        let title = bounded_text("title", title, 1, TITLE_MAX, &mut errors);
        let department = bounded_text("department", department, 1, DEPARTMENT_MAX, &mut errors);
        let hiring_manager_ids = people("hiring_manager_ids", hiring_manager_ids, 1, &mut errors);
        let hr_partner_ids = people("hr_partner_ids", hr_partner_ids, 0, &mut errors);
        if errors.is_empty() {
            Ok(Self {
                external_ref,
                title,
                department,
                hiring_manager_ids,
                hr_partner_ids,
                status,
            })
        } else {
            Err(errors)
        }
    }
}

/// A validated partial change of a requisition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequisitionChange {
    pub title: Option<String>,
    pub department: Option<String>,
    pub hiring_manager_ids: Option<Vec<SubjectId>>,
    pub hr_partner_ids: Option<Vec<SubjectId>>,
}

impl RequisitionChange {
    pub fn parse(
        title: Option<&str>,
        department: Option<&str>,
        hiring_manager_ids: Option<&[String]>,
        hr_partner_ids: Option<&[String]>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let change = Self {
            title: title.map(|t| bounded_text("title", t, 1, TITLE_MAX, &mut errors)),
            department: department
                .map(|d| bounded_text("department", d, 1, DEPARTMENT_MAX, &mut errors)),
            hiring_manager_ids: hiring_manager_ids
                .map(|ids| people("hiring_manager_ids", ids, 1, &mut errors)),
            hr_partner_ids: hr_partner_ids.map(|ids| people("hr_partner_ids", ids, 0, &mut errors)),
        };
        if change == Self::default() {
            errors.push(FieldError::new("", "give at least one field to change"));
        }
        if errors.is_empty() {
            Ok(change)
        } else {
            Err(errors)
        }
    }
}

/// A validated application: a new one, or the state a sync brings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationDraft {
    pub requisition_id: uuid::Uuid,
    pub candidate_id: SubjectId,
    pub external_ref: Option<ExternalRef>,
    pub stage_reached: Stage,
}

impl ApplicationDraft {
    pub fn parse(
        requisition_id: uuid::Uuid,
        candidate_id: &str,
        external_ref_raw: Option<&str>,
        stage_reached: Option<Stage>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let external_ref = external_ref(external_ref_raw, &mut errors);
        let candidate_id = SubjectId::parse(candidate_id)
            .map_err(|message| errors.push(FieldError::new("candidate_id", message)))
            .ok();
        match candidate_id {
            Some(candidate_id) if errors.is_empty() => Ok(Self {
                requisition_id,
                candidate_id,
                external_ref,
                stage_reached: stage_reached.unwrap_or(Stage::Screening),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requisition_transitions_follow_the_lifecycle() {
        use RequisitionStatus::*;
        for (from, to, legal) in [
            (Open, Closed, true),
            (Open, Cancelled, true),
            (Closed, Open, true),
            (Closed, Closed, true),
            (Closed, Cancelled, false),
            (Cancelled, Open, false),
            (Cancelled, Closed, false),
            (Cancelled, Cancelled, true),
        ] {
            assert_eq!(from.can_become(to), legal, "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn a_requisition_needs_a_hiring_manager_and_bounded_fields() {
        let errors = RequisitionDraft::parse(
            Some("bad ref"),
            "",
            "Sales",
            &[],
            &["has space".into()],
            RequisitionStatus::Open,
        )
        .expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "external_ref",
                "title",
                "hiring_manager_ids",
                "hr_partner_ids[0]"
            ]
        );
        let many: Vec<String> = (0..21).map(|i| format!("M{i}")).collect();
        assert!(
            RequisitionDraft::parse(None, "T", "D", &many, &[], RequisitionStatus::Open).is_err()
        );
    }

    #[test]
    fn people_are_sorted_and_deduplicated() {
        let draft = RequisitionDraft::parse(
            None,
            "T",
            "D",
            &["M2".into(), "M1".into(), "M2".into()],
            &[],
            RequisitionStatus::Open,
        )
        .expect("valid");
        let ids: Vec<_> = draft
            .hiring_manager_ids
            .iter()
            .map(SubjectId::as_str)
            .collect();
        assert_eq!(ids, ["M1", "M2"]);
    }

    #[test]
    fn external_refs_match_their_schema_pattern() {
        let pattern = regex::Regex::new(EXTERNAL_REF_PATTERN).expect("pattern");
        for sample in [
            "REQ-1",
            "gh:123.4_5",
            "",
            "a b",
            "ä",
            &"x".repeat(129),
            "a/b",
        ] {
            assert_eq!(
                pattern.is_match(sample),
                ExternalRef::parse(sample).is_ok(),
                "{sample:?}"
            );
        }
        let employee = regex::Regex::new(EMPLOYEE_ID_PATTERN).expect("pattern");
        for sample in ["E1", "svc:portal", "", "E 1", "é", &"E".repeat(129)] {
            assert_eq!(
                employee.is_match(sample),
                SubjectId::parse(sample).is_ok(),
                "{sample:?}"
            );
        }
    }
}
