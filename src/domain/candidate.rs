//! The candidate's side of released feedback: acknowledgement, progress on the development
//! plan, and follow-up conversations.

use chrono::NaiveDate;

use super::names::named;
use super::{bounded_text, collected, FieldError};

named! {
    /// Progress on one development action.
    pub enum ProgressStatus ("progress status") {
        NotStarted = "not_started",
        InProgress = "in_progress",
        Done = "done",
    }
}

named! {
    /// Whom a follow-up conversation is asked of.
    pub enum Addressee ("addressee") {
        /// The hiring managers of the requisition.
        Manager = "manager",
        Hr = "hr",
    }
}

named! {
    /// Where a follow-up request stands.
    pub enum FollowUpStatus ("follow-up status") {
        Open = "open",
        Scheduled = "scheduled",
        Declined = "declined",
        Closed = "closed",
    }
}

named! {
    /// How the addressee answers a follow-up request.
    pub enum FollowUpAnswer ("follow-up answer") {
        Scheduled = "scheduled",
        Declined = "declined",
        Closed = "closed",
    }
}

impl FollowUpAnswer {
    pub fn status(self) -> FollowUpStatus {
        match self {
            Self::Scheduled => FollowUpStatus::Scheduled,
            Self::Declined => FollowUpStatus::Declined,
            Self::Closed => FollowUpStatus::Closed,
        }
    }
}

named! {
    /// How pressing an unfinished action is, relative to `today`.
    pub enum Urgency ("urgency") {
        /// Done, or no target date.
        None = "none",
        /// Target date within the next 30 days.
        DueSoon = "due_soon",
        /// Target date passed and not done.
        Overdue = "overdue",
    }
}

/// Days ahead in which an action counts as due soon.
pub const DUE_SOON_DAYS: i64 = 30;

pub fn urgency(target: Option<NaiveDate>, status: ProgressStatus, today: NaiveDate) -> Urgency {
    match target {
        _ if status == ProgressStatus::Done => Urgency::None,
        Some(date) if date < today => Urgency::Overdue,
        Some(date) if (date - today).num_days() <= DUE_SOON_DAYS => Urgency::DueSoon,
        _ => Urgency::None,
    }
}

/// Longest comment, note or message the candidate side accepts.
pub const NOTE_MAX: usize = 2000;

/// A validated acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledging {
    /// 1–5.
    pub rating: Option<i32>,
    /// `None` when absent or blank.
    pub comment: Option<String>,
}

impl Acknowledging {
    pub fn parse(rating: Option<i32>, comment: Option<&str>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if rating.is_some_and(|r| !(1..=5).contains(&r)) {
            errors.push(FieldError::new(
                "usefulness_rating",
                "must be between 1 and 5",
            ));
        }
        let comment = comment
            .map(|c| bounded_text("comment", c, 0, NOTE_MAX, &mut errors))
            .filter(|c| !c.is_empty());
        collected(Self { rating, comment }, errors)
    }
}

/// A validated free-text note (progress notes, answers): trimmed, at most 2000 characters.
pub fn note(raw: &str) -> Result<String, Vec<FieldError>> {
    let mut errors = Vec::new();
    let note = bounded_text("note", raw, 0, NOTE_MAX, &mut errors);
    collected(note, errors)
}

/// A validated follow-up request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpRequest {
    pub addressee: Addressee,
    pub message: String,
    pub preferred_times: Vec<String>,
}

/// At most this many preferred time windows.
pub const TIMES_MAX: usize = 5;

impl FollowUpRequest {
    pub fn parse(
        addressee: Addressee,
        message: &str,
        preferred_times: &[String],
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let message = bounded_text("message", message, 1, NOTE_MAX, &mut errors);
        if preferred_times.len() > TIMES_MAX {
            errors.push(FieldError::new(
                "preferred_times",
                format!("at most {TIMES_MAX} time windows"),
            ));
        }
        let preferred_times = preferred_times
            .iter()
            .enumerate()
            .map(|(i, t)| bounded_text(&format!("preferred_times[{i}]"), t, 1, 200, &mut errors))
            .collect();
        collected(
            Self {
                addressee,
                message,
                preferred_times,
            },
            errors,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn urgency_follows_the_target_date_until_done() {
        let today = day(2026, 11, 25);
        assert_eq!(
            urgency(Some(day(2026, 11, 24)), ProgressStatus::InProgress, today),
            Urgency::Overdue
        );
        assert_eq!(
            urgency(Some(day(2026, 11, 24)), ProgressStatus::Done, today),
            Urgency::None
        );
        assert_eq!(
            urgency(Some(day(2026, 11, 25)), ProgressStatus::NotStarted, today),
            Urgency::DueSoon
        );
        assert_eq!(
            urgency(Some(day(2026, 12, 25)), ProgressStatus::NotStarted, today),
            Urgency::DueSoon
        );
        assert_eq!(
            urgency(Some(day(2026, 12, 26)), ProgressStatus::NotStarted, today),
            Urgency::None
        );
        assert_eq!(
            urgency(None, ProgressStatus::NotStarted, today),
            Urgency::None
        );
    }

    #[test]
    fn an_acknowledgement_is_rated_1_to_5_and_a_blank_comment_is_none() {
        assert!(Acknowledging::parse(Some(0), None).is_err());
        assert!(Acknowledging::parse(Some(6), None).is_err());
        let ack = Acknowledging::parse(Some(5), Some("  ")).expect("valid");
        assert_eq!(ack.comment, None);
    }

    #[test]
    fn a_follow_up_needs_a_message_and_few_bounded_times() {
        let many: Vec<String> = (0..6).map(|i| format!("slot {i}")).collect();
        let errors = FollowUpRequest::parse(Addressee::Hr, " ", &many).expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["message", "preferred_times"]);
    }
}
