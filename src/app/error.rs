//! What a use case can fail with, in the domain's words (the HTTP layer picks the status).

use crate::auth::policy::Denied;
use crate::domain::feedback::quality::Finding;
use crate::domain::{FieldError, Invalid};
use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A request part that does not parse and has no field to name.
    #[error("malformed: {0}")]
    Malformed(String),
    /// The input parsed, but some fields are invalid.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The quality checks found `error` findings and the tenant's review policy blocks on
    /// them (a submit).
    #[error("quality checks failed")]
    Quality(Vec<Finding>),
    /// The caller may see the object but their roles lack the capability.
    #[error("denied: {0:?}")]
    Denied(Denied),
    /// The object does not exist, or the caller may not know that it does.
    #[error("not found")]
    NotFound,
    /// The request conflicts with the current state (duplicate key, illegal transition).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The caller's version is no longer current (`If-Match`).
    #[error("stale version")]
    Stale,
    /// The change needs the version the caller saw.
    #[error("version required")]
    VersionRequired,
    /// A dependency (the database) is unavailable; the request may be retried.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Anything else: logged with its cause, answered generically.
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }
}

impl From<StorageError> for AppError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::Unavailable(cause) => Self::Unavailable(cause),
            StorageError::Conflict(detail) => Self::Conflict(detail),
            StorageError::Other(cause) => Self::Internal(cause),
        }
    }
}

impl From<Denied> for AppError {
    fn from(denied: Denied) -> Self {
        Self::Denied(denied)
    }
}

impl From<Invalid> for AppError {
    fn from(invalid: Invalid) -> Self {
        match invalid {
            Invalid::Fields(errors) => Self::Validation(errors),
            Invalid::Malformed(detail) => Self::Malformed(detail),
        }
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(errors: Vec<FieldError>) -> Self {
        Self::Validation(errors)
    }
}

pub type AppResult<T> = Result<T, AppError>;
