//! The domain: ids, closed sets of names, validated inputs, the feedback workflow and the
//! rules that need no I/O. Parsed once at the edge, so the rest of the code cannot hold an
//! invalid value. Nothing here names a layer above it (storage, auth, app, http).

pub mod audit;
pub mod candidate;
pub mod catalog;
pub mod deadlines;
pub mod destinations;
pub mod events;
pub mod feedback;
pub mod hiring;
mod ids;
pub mod labels;
pub mod language;
mod names;
mod principal;
pub mod privacy;
pub mod reports;
pub mod resources;
mod text;
pub mod webhooks;

use serde::Serialize;
use utoipa::ToSchema;

pub use ids::{
    ActionId, ApplicationId, AttemptId, AuditEventId, EmployeeId, EventId, FeedbackId, FollowUpId,
    RequisitionId, ResourceId, SubscriptionId, TenantId, EMPLOYEE_ID_PATTERN,
};
pub use names::{Named, UnknownName};
pub use principal::{Principal, Role};
pub use text::{bounded_text, non_null, LINE_PATTERN, TEXT_PATTERN};

/// One invalid input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Where the problem is: a JSON path into the body (`name`, `items[2].title`), or the name of
    /// a query parameter or header.
    pub field: String,
    /// What is wrong with it, in plain words.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same error, one level down: `document` + `reasons[0]` → `document.reasons[0]`.
    pub fn under(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() {
            parent.to_owned()
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }
}

/// Input that did not parse: per-field problems (422), or a malformed request part that has
/// no field to name (400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    Fields(Vec<FieldError>),
    Malformed(String),
}

impl Invalid {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Fields(vec![FieldError::new(field, message)])
    }
}

impl From<Vec<FieldError>> for Invalid {
    fn from(errors: Vec<FieldError>) -> Self {
        Self::Fields(errors)
    }
}

/// The result of parsing an input.
pub type Checked<T> = Result<T, Invalid>;

/// `Ok(value)` when no error was collected, the errors otherwise.
pub fn collected<T>(value: T, errors: Vec<FieldError>) -> Result<T, Vec<FieldError>> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(errors)
    }
}

/// The version a write was made against (`If-Match`), as the caller stated it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition {
    /// No version given: the write cannot guard against lost updates.
    Missing,
    /// Something that is not a version this service issues (`*`, a weak tag, garbage).
    Malformed,
    Version(i64),
}

/// Why a lifecycle action is not allowed in the current state (requisitions and feedback
/// alike: each lifecycle is a pure `transition(from, action) -> Result<to, IllegalTransition>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalTransition<S, A> {
    pub from: S,
    pub action: A,
}

impl<S: Named, A: Named> std::fmt::Display for IllegalTransition<S, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot {}: it is {}",
            self.action.as_str(),
            self.from.as_str()
        )
    }
}

impl<S: Named + std::fmt::Debug, A: Named + std::fmt::Debug> std::error::Error
    for IllegalTransition<S, A>
{
}
