//! Privacy: legal holds, retention periods, and why a record was anonymised.

use super::names::named;
use super::{bounded_text, collected, FieldError};

named! {
    /// Why a record was anonymised.
    pub enum ErasureReason ("erasure reason") {
        /// The subject asked (GDPR Art. 17), through HR.
        SubjectRequest = "subject_request",
        /// The tenant's retention period after the decision ran out.
        Retention = "retention",
    }
}

/// Longest legal-hold reason.
pub const HOLD_REASON_MAX: usize = 500;

/// Why records must be kept (the matter, the request): 1–500 characters.
pub fn hold_reason(raw: &str) -> Result<String, Vec<FieldError>> {
    let mut errors = Vec::new();
    let reason = bounded_text("reason", raw, 1, HOLD_REASON_MAX, &mut errors);
    collected(reason, errors)
}

/// The longest retention period a tenant may set: 100 years.
pub const MAX_RETENTION_MONTHS: u32 = 1200;

/// Months after the decision that a tenant keeps an application; `None` keeps it indefinitely.
pub fn retention_months(raw: Option<i32>) -> Result<Option<u32>, Vec<FieldError>> {
    raw.map(|months| {
        u32::try_from(months)
            .ok()
            .filter(|m| (1..=MAX_RETENTION_MONTHS).contains(m))
            .ok_or_else(|| {
                vec![FieldError::new(
                    "months_after_decision",
                    format!("must be between 1 and {MAX_RETENTION_MONTHS}, or null"),
                )]
            })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_is_one_month_to_a_century_or_indefinite() {
        assert_eq!(retention_months(None), Ok(None));
        assert_eq!(retention_months(Some(24)), Ok(Some(24)));
        assert!(retention_months(Some(0)).is_err());
        assert!(retention_months(Some(1201)).is_err());
        assert!(retention_months(Some(-1)).is_err());
    }
}
