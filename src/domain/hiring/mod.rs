//! Requisitions and applications: the openings, the candidacies and the decisions.

use std::borrow::Cow;

use serde::Serialize;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

mod input;

use super::names::named;
use super::IllegalTransition;

pub use input::{
    employee_filter, ApplicationDraft, ApplicationQuery, RequisitionChange, RequisitionDraft,
    RequisitionQuery, SyncGiven, DEPARTMENT_MAX, PEOPLE_MAX, TITLE_MAX,
};

named! {
    /// Lifecycle of an internal opening.
    pub enum RequisitionStatus ("requisition status") {
        Open = "open",
        Closed = "closed",
        Cancelled = "cancelled",
    }
}

impl RequisitionStatus {
    /// Legal moves: an open requisition closes or is cancelled; a closed one may reopen;
    /// cancelled is final. Staying put is always allowed (sync re-runs).
    /// The status after a sync that says `synced`, on a requisition that is `self`. A sync
    /// moves an open requisition forward (closed, cancelled) but never back: a re-sent
    /// `open` after HR closed or cancelled it keeps HR's status (reopening is
    /// `POST …/reopen`). Closed and cancelled are both final for a sync: one where the other
    /// is wanted is a real conflict.
    pub fn synced(self, synced: Self) -> Result<Self, String> {
        use RequisitionStatus::*;
        match (self, synced) {
            (current, wanted) if current == wanted => Ok(current),
            (Open, wanted) => Ok(wanted),
            (current, Open) => Ok(current),
            (current, wanted) => Err(format!(
                "the requisition is {current}; a sync cannot make it {wanted}"
            )),
        }
    }

    pub fn can_become(self, next: Self) -> bool {
        use RequisitionStatus::*;
        self == next
            || matches!(
                (self, next),
                (Open, Closed) | (Open, Cancelled) | (Closed, Open)
            )
    }
}

named! {
    /// A lifecycle action on a requisition.
    pub enum RequisitionAction ("requisition action") {
        Close = "close",
        Cancel = "cancel",
        Reopen = "reopen",
    }
}

impl RequisitionAction {
    /// The status the action leads to.
    pub fn target(self) -> RequisitionStatus {
        match self {
            Self::Close => RequisitionStatus::Closed,
            Self::Cancel => RequisitionStatus::Cancelled,
            Self::Reopen => RequisitionStatus::Open,
        }
    }
}

/// The requisition lifecycle: where `action` takes a requisition that is `from`. Repeating an
/// action is a no-op (the same status), so retries are safe.
pub fn transition(
    from: RequisitionStatus,
    action: RequisitionAction,
) -> Result<RequisitionStatus, IllegalTransition<RequisitionStatus, RequisitionAction>> {
    let to = action.target();
    if from.can_become(to) {
        Ok(to)
    } else {
        Err(IllegalTransition { from, action })
    }
}

named! {
    /// Where a candidacy stands.
    pub enum ApplicationStatus ("application status") {
        Active = "active",
        Rejected = "rejected",
        Hired = "hired",
        Withdrawn = "withdrawn",
    }
}

named! {
    /// How far the candidate got in the process.
    pub enum Stage ("stage") {
        Screening = "screening",
        Interview = "interview",
        Final = "final",
    }
}

named! {
    /// The decision on a candidacy. Only an `active` application can be decided, once.
    pub enum Outcome ("outcome") {
        Rejected = "rejected",
        Hired = "hired",
        Withdrawn = "withdrawn",
    }
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

/// The ATS/HRIS id of a record: 1–128 of `A-Z a-z 0-9 . _ : -`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
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

impl PartialSchema for ExternalRef {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "The id of the record in the ATS/HRIS; unique per tenant.",
            ))
            .min_length(Some(1))
            .max_length(Some(128))
            .pattern(Some(EXTERNAL_REF_PATTERN))
            .examples([serde_json::json!("REQ-2026-0042")])
            .into()
    }
}

impl ToSchema for ExternalRef {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ExternalRef")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EmployeeId;

    #[test]
    fn requisition_transitions_follow_the_lifecycle() {
        use RequisitionAction::*;
        use RequisitionStatus::*;
        for (from, action, to) in [
            (Open, Close, Some(Closed)),
            (Open, Cancel, Some(Cancelled)),
            (Open, Reopen, Some(Open)),
            (Closed, Reopen, Some(Open)),
            (Closed, Close, Some(Closed)),
            (Closed, Cancel, None),
            (Cancelled, Reopen, None),
            (Cancelled, Close, None),
            (Cancelled, Cancel, Some(Cancelled)),
        ] {
            assert_eq!(transition(from, action).ok(), to, "{from:?} {action:?}");
        }
        for from in RequisitionStatus::ALL {
            for to in RequisitionStatus::ALL {
                let by_action = RequisitionAction::ALL
                    .iter()
                    .find(|a| a.target() == *to)
                    .is_some_and(|a| transition(*from, *a).is_ok());
                assert_eq!(from.can_become(*to), by_action, "{from:?} -> {to:?}");
            }
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
            .map(EmployeeId::as_str)
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
    }
}
