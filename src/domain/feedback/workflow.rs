//! The review workflow that guards feedback until HR releases it to the candidate.

use crate::domain::names::named;
use crate::domain::IllegalTransition;

named! {
    /// Where a feedback document is in its review.
    pub enum FeedbackStatus ("feedback status") {
        /// Being written; editable.
        Draft = "draft",
        /// Waiting for HR review; locked.
        Submitted = "submitted",
        /// Sent back by HR with a comment; editable, then submitted again.
        Returned = "returned",
        /// Approved by HR; ready to release.
        Approved = "approved",
        /// Visible to the candidate. HR may amend it (a new revision).
        Released = "released",
    }
}

impl FeedbackStatus {
    /// Whether the author may change the document.
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }
}

named! {
    /// A workflow action.
    pub enum FeedbackAction ("feedback action") {
        Create = "create",
        Edit = "edit",
        Submit = "submit",
        Return = "return",
        Approve = "approve",
        Release = "release",
        Amend = "amend",
    }
}

impl FeedbackAction {
    /// The past participle, for messages (`cannot be submitted`).
    pub fn done(self) -> &'static str {
        match self {
            Self::Create => "created",
            Self::Edit => "edited",
            Self::Submit => "submitted",
            Self::Return => "returned",
            Self::Approve => "approved",
            Self::Release => "released",
            Self::Amend => "amended",
        }
    }

    /// Whether the step keeps a snapshot of what the candidate is shown.
    pub fn makes_revision(self) -> bool {
        matches!(self, Self::Release | Self::Amend)
    }
}

/// The tenant's review policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReviewPolicy {
    /// Submitting approves at once (no HR review step).
    pub skip_hr_review: bool,
    /// Whether `error` findings of the quality checks refuse a submit.
    pub quality_checks: super::quality::QualityEnforcement,
}

/// The workflow: where `action` takes feedback that is `from`.
///
/// `draft → submitted → approved → released`, `submitted → returned → submitted`, and `amend`
/// after release (a new revision, still released). With `skip_hr_review`, submit approves.
pub fn transition(
    from: FeedbackStatus,
    action: FeedbackAction,
    policy: ReviewPolicy,
) -> Result<FeedbackStatus, IllegalTransition<FeedbackStatus, FeedbackAction>> {
    use FeedbackAction as A;
    use FeedbackStatus as S;
    let to = match (from, action) {
        (S::Draft | S::Returned, A::Edit) => from,
        (S::Draft | S::Returned, A::Submit) if policy.skip_hr_review => S::Approved,
        (S::Draft | S::Returned, A::Submit) => S::Submitted,
        (S::Submitted, A::Return) => S::Returned,
        (S::Submitted, A::Approve) => S::Approved,
        (S::Approved, A::Release) => S::Released,
        (S::Released, A::Amend) => S::Released,
        _ => return Err(IllegalTransition { from, action }),
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REVIEW: ReviewPolicy = ReviewPolicy {
        skip_hr_review: false,
        quality_checks: crate::domain::feedback::QualityEnforcement::Block,
    };
    const SKIP: ReviewPolicy = ReviewPolicy {
        skip_hr_review: true,
        quality_checks: crate::domain::feedback::QualityEnforcement::Block,
    };

    #[test]
    fn the_workflow_allows_exactly_the_documented_moves() {
        use FeedbackAction as A;
        use FeedbackStatus as S;
        let legal = [
            (S::Draft, A::Edit, S::Draft),
            (S::Draft, A::Submit, S::Submitted),
            (S::Returned, A::Edit, S::Returned),
            (S::Returned, A::Submit, S::Submitted),
            (S::Submitted, A::Return, S::Returned),
            (S::Submitted, A::Approve, S::Approved),
            (S::Approved, A::Release, S::Released),
            (S::Released, A::Amend, S::Released),
        ];
        for from in S::ALL {
            for action in A::ALL {
                let expected = legal
                    .iter()
                    .find(|(f, a, _)| f == from && a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    transition(*from, *action, REVIEW).ok(),
                    expected,
                    "{from:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn skipping_review_makes_submit_approve() {
        assert_eq!(
            transition(FeedbackStatus::Draft, FeedbackAction::Submit, SKIP),
            Ok(FeedbackStatus::Approved)
        );
        assert_eq!(
            transition(FeedbackStatus::Returned, FeedbackAction::Submit, SKIP),
            Ok(FeedbackStatus::Approved)
        );
        assert!(transition(FeedbackStatus::Approved, FeedbackAction::Submit, SKIP).is_err());
    }

    #[test]
    fn an_illegal_step_says_what_and_from_where() {
        let error = transition(FeedbackStatus::Draft, FeedbackAction::Release, REVIEW)
            .expect_err("illegal");
        assert_eq!(error.to_string(), "cannot release: it is draft");
    }
}
