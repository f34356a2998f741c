//! The candidate's side of released feedback: acknowledgement, progress on the development
//! plan, and follow-up conversations.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Progress on one development action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    NotStarted,
    InProgress,
    Done,
}

impl ProgressStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::Done => "done",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::NotStarted, Self::InProgress, Self::Done]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// Whom a follow-up conversation is asked of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Addressee {
    /// The hiring managers of the requisition.
    Manager,
    Hr,
}

impl Addressee {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manager => "manager",
            Self::Hr => "hr",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Manager, Self::Hr]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// Where a follow-up request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpStatus {
    Open,
    Scheduled,
    Declined,
    Closed,
}

impl FollowUpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Scheduled => "scheduled",
            Self::Declined => "declined",
            Self::Closed => "closed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Open, Self::Scheduled, Self::Declined, Self::Closed]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// How the addressee answers a follow-up request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpAnswer {
    Scheduled,
    Declined,
    Closed,
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

/// How pressing an unfinished action is, relative to `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Done, or no target date.
    None,
    /// Target date within the next 30 days.
    DueSoon,
    /// Target date passed and not done.
    Overdue,
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
}
