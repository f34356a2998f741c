//! When feedback is due: a tenant's policy in business days, in its time zone and with its
//! holidays, and the arithmetic of due dates, reminders and escalation (pure).
//!
//! A due date is fixed when the rejection is recorded: feedback is due by the end of the
//! `due_business_days`-th business day after the day of the decision (in the tenant's time
//! zone). Changing the policy later moves no existing date.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::feedback::FeedbackStatus;
use super::names::named;
use super::FieldError;

/// Most reminder offsets a policy may list.
pub const REMINDERS_MAX: usize = 5;
/// Most holidays a policy may list.
pub const HOLIDAYS_MAX: usize = 400;

/// A tenant's feedback deadline policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlinePolicy {
    /// Business days after the decision's day by whose end feedback is due (1–60).
    pub due_business_days: u32,
    /// Business days before the due day on which to remind (0: on the due day), distinct,
    /// largest first.
    pub reminder_days_before: Vec<u32>,
    /// Business days after the due day past which it is escalated to HR (1–60).
    pub escalate_after_business_days: u32,
    pub time_zone: Tz,
    /// Days off besides Saturdays and Sundays.
    pub holidays: BTreeSet<NaiveDate>,
}

impl Default for DeadlinePolicy {
    fn default() -> Self {
        Self {
            due_business_days: 10,
            reminder_days_before: vec![3, 0],
            escalate_after_business_days: 5,
            time_zone: Tz::UTC,
            holidays: BTreeSet::new(),
        }
    }
}

named! {
    /// A reminder step, sent once per rejection.
    pub enum ReminderStep ("reminder step") {
        /// A reminder before (or on) the due day.
        DueSoon = "due_soon",
        /// The due day has passed without release.
        Overdue = "overdue",
        /// Overdue past the escalation threshold: HR is told.
        Escalated = "escalated",
    }
}

named! {
    /// Where a rejected candidate's feedback stands, as they may see it (never its content).
    pub enum FeedbackProgress ("feedback progress") {
        /// Nothing submitted for review yet.
        NotStarted = "not_started",
        /// Submitted, with HR.
        InReview = "in_review",
        /// Released: read it under `/v1/me/feedback`.
        Released = "released",
        /// Not released, and the due day has ended.
        Overdue = "overdue",
    }
}

impl FeedbackProgress {
    /// From the feedback's workflow status (`None`: none written) and its due instant.
    pub fn of(status: Option<FeedbackStatus>, due_at: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        match status {
            Some(FeedbackStatus::Released) => Self::Released,
            _ if now >= due_at => Self::Overdue,
            Some(FeedbackStatus::Submitted | FeedbackStatus::Approved) => Self::InReview,
            _ => Self::NotStarted,
        }
    }
}

impl DeadlinePolicy {
    pub fn parse(
        due_business_days: u32,
        reminder_days_before: &[u32],
        escalate_after_business_days: u32,
        time_zone: &str,
        holidays: &[NaiveDate],
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if !(1..=60).contains(&due_business_days) {
            errors.push(FieldError::new("due_business_days", "must be 1 to 60"));
        }
        if !(1..=60).contains(&escalate_after_business_days) {
            errors.push(FieldError::new(
                "escalate_after_business_days",
                "must be 1 to 60",
            ));
        }
        let mut reminders: Vec<u32> = reminder_days_before.to_vec();
        reminders.sort_unstable_by(|a, b| b.cmp(a));
        reminders.dedup();
        if reminders.len() > REMINDERS_MAX {
            errors.push(FieldError::new(
                "reminder_days_before",
                format!("at most {REMINDERS_MAX} reminders"),
            ));
        }
        if reminders.iter().any(|d| *d >= due_business_days.max(1)) {
            errors.push(FieldError::new(
                "reminder_days_before",
                "each reminder comes before the decision's due period is over: fewer days than due_business_days",
            ));
        }
        if holidays.len() > HOLIDAYS_MAX {
            errors.push(FieldError::new(
                "holidays",
                format!("at most {HOLIDAYS_MAX} days"),
            ));
        }
        let zone = time_zone.parse::<Tz>().map_err(|_| {
            errors.push(FieldError::new(
                "time_zone",
                format!("{time_zone:?} is not an IANA time zone (such as Europe/Berlin)"),
            ))
        });
        match zone {
            Ok(time_zone) if errors.is_empty() => Ok(Self {
                due_business_days,
                reminder_days_before: reminders,
                escalate_after_business_days,
                time_zone,
                holidays: holidays.iter().copied().collect(),
            }),
            _ => Err(errors),
        }
    }

    /// Whether `day` is a working day: not a Saturday, Sunday or holiday.
    pub fn is_business_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// The `n`-th business day after `day` (`n` = 0: `day` itself).
    pub fn add_business_days(&self, mut day: NaiveDate, n: u32) -> NaiveDate {
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().unwrap_or(day);
            if self.is_business_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The `n`-th business day before `day` (`n` = 0: `day` itself).
    pub fn sub_business_days(&self, mut day: NaiveDate, n: u32) -> NaiveDate {
        let mut left = n;
        while left > 0 {
            day = day.pred_opt().unwrap_or(day);
            if self.is_business_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Business days after `from` up to and including `to` (0 when `to` is not later).
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = day.succ_opt().unwrap_or(to);
            if self.is_business_day(day) {
                count += 1;
            }
        }
        count
    }

    /// The local day of an instant.
    pub fn local_day(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.time_zone).date_naive()
    }

    /// The first instant of a local day (its midnight, or the first instant after a gap).
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        match self.time_zone.from_local_datetime(&midnight) {
            chrono::LocalResult::Single(at) | chrono::LocalResult::Ambiguous(at, _) => {
                at.with_timezone(&Utc)
            }
            // Midnight skipped by a clock change: the day starts an hour later.
            chrono::LocalResult::None => self.start_of_shifted(midnight + Duration::hours(1)),
        }
    }

    fn start_of_shifted(&self, local: chrono::NaiveDateTime) -> DateTime<Utc> {
        match self.time_zone.from_local_datetime(&local) {
            chrono::LocalResult::Single(at) | chrono::LocalResult::Ambiguous(at, _) => {
                at.with_timezone(&Utc)
            }
            chrono::LocalResult::None => Utc.from_utc_datetime(&local),
        }
    }

    /// A rejection's due date, and the instant it ends (the start of the next local day).
    pub fn due(&self, decided_at: DateTime<Utc>) -> Due {
        let date = self.add_business_days(self.local_day(decided_at), self.due_business_days);
        let ends = self.start_of(date.succ_opt().unwrap_or(date));
        Due { date, ends }
    }

    /// When each reminder step falls due for a due date: the `DueSoon` ones at the start of
    /// their local day, `Overdue` when the due day ends, `Escalated` when the
    /// `escalate_after_business_days`-th business day after it ends.
    pub fn schedule(&self, due: &Due) -> Vec<(ReminderStep, u32, DateTime<Utc>)> {
        let mut steps: Vec<(ReminderStep, u32, DateTime<Utc>)> = self
            .reminder_days_before
            .iter()
            .map(|before| {
                let day = self.sub_business_days(due.date, *before);
                (ReminderStep::DueSoon, *before, self.start_of(day))
            })
            .collect();
        steps.push((ReminderStep::Overdue, 0, due.ends));
        let escalation = self.add_business_days(due.date, self.escalate_after_business_days);
        steps.push((
            ReminderStep::Escalated,
            self.escalate_after_business_days,
            self.start_of(escalation.succ_opt().unwrap_or(escalation)),
        ));
        steps
    }

    /// Business days a due date is overdue at `now` (0 while it is not).
    pub fn days_overdue(&self, due: NaiveDate, now: DateTime<Utc>) -> u32 {
        self.business_days_between(due, self.local_day(now))
    }
}

/// A due date: the local day, and the instant it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub date: NaiveDate,
    pub ends: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        let policy = DeadlinePolicy::default();
        // Friday + 1 business day = Monday.
        assert_eq!(
            policy.add_business_days(day("2026-12-04"), 1),
            day("2026-12-07")
        );
        // Wednesday + 10 = the Wednesday two weeks later.
        assert_eq!(
            policy.add_business_days(day("2026-12-02"), 10),
            day("2026-12-16")
        );
        let holidays = DeadlinePolicy::parse(
            10,
            &[3, 0],
            5,
            "UTC",
            &[
                day("2026-12-24"),
                day("2026-12-25"),
                day("2026-12-31"),
                day("2027-01-01"),
            ],
        )
        .unwrap();
        // From Mon 21 Dec: 22, 23, (24, 25 off, 26/27 weekend), 28, 29, 30, (31, 1 off,
        // 2/3 weekend), 4, 5, 6, 7, 8.
        assert_eq!(
            holidays.add_business_days(day("2026-12-21"), 10),
            day("2027-01-08")
        );
        assert_eq!(
            holidays.sub_business_days(day("2027-01-04"), 1),
            day("2026-12-30")
        );
        assert_eq!(
            holidays.business_days_between(day("2026-12-23"), day("2026-12-28")),
            1
        );
        assert_eq!(
            policy.business_days_between(day("2026-12-07"), day("2026-12-07")),
            0
        );
        // Weekend decisions count from the next business day.
        assert_eq!(
            policy.add_business_days(day("2026-12-05"), 1),
            day("2026-12-07")
        );
    }

    #[test]
    fn the_day_of_a_decision_is_the_tenant_s_local_day() {
        let tokyo = DeadlinePolicy::parse(1, &[], 5, "Asia/Tokyo", &[]).unwrap();
        // 20:00 UTC on Thursday is already Friday in Tokyo: due Monday, ending at Tokyo midnight.
        let due = tokyo.due(at("2026-12-03T20:00:00Z"));
        assert_eq!(due.date, day("2026-12-07"));
        assert_eq!(due.ends, at("2026-12-07T15:00:00Z"));
        let utc = DeadlinePolicy::parse(1, &[], 5, "UTC", &[]).unwrap();
        assert_eq!(utc.due(at("2026-12-03T20:00:00Z")).date, day("2026-12-04"));
    }

    #[test]
    fn due_ends_follow_daylight_saving_time() {
        let berlin = DeadlinePolicy::parse(1, &[], 5, "Europe/Berlin", &[]).unwrap();
        // Fri 27 Mar 2026 + 1 = Mon 30 Mar; the clocks went forward on Sunday 29 Mar: CEST.
        let due = berlin.due(at("2026-03-27T10:00:00Z"));
        assert_eq!(due.date, day("2026-03-30"));
        assert_eq!(due.ends, at("2026-03-30T22:00:00Z"));
        // In winter the same day ends an hour later in UTC.
        let winter = berlin.due(at("2026-11-27T10:00:00Z"));
        assert_eq!(winter.ends, at("2026-11-30T23:00:00Z"));
        // A zone whose clocks skip midnight (Santiago, 6 Sep 2026 00:00 → 01:00): the day starts at 01:00.
        let santiago = DeadlinePolicy::parse(1, &[], 5, "America/Santiago", &[]).unwrap();
        assert_eq!(
            santiago.start_of(day("2026-09-06")),
            at("2026-09-06T04:00:00Z")
        );
    }

    #[test]
    fn reminders_come_before_the_due_day_then_overdue_then_escalation() {
        let policy = DeadlinePolicy::default();
        let due = policy.due(at("2026-12-02T09:00:00Z")); // due Wed 16 Dec
        let steps = policy.schedule(&due);
        assert_eq!(
            steps,
            [
                (ReminderStep::DueSoon, 3, at("2026-12-11T00:00:00Z")),
                (ReminderStep::DueSoon, 0, at("2026-12-16T00:00:00Z")),
                (ReminderStep::Overdue, 0, at("2026-12-17T00:00:00Z")),
                (ReminderStep::Escalated, 5, at("2026-12-24T00:00:00Z")),
            ]
        );
        assert_eq!(policy.days_overdue(due.date, at("2026-12-16T23:00:00Z")), 0);
        assert_eq!(policy.days_overdue(due.date, at("2026-12-18T08:00:00Z")), 2);
    }

    #[test]
    fn a_policy_is_checked_field_by_field() {
        let errors =
            DeadlinePolicy::parse(0, &[1, 2, 3, 4, 5, 6], 0, "Mars/Olympus", &[]).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "due_business_days",
                "escalate_after_business_days",
                "reminder_days_before",
                "reminder_days_before",
                "time_zone"
            ]
        );
        let sorted = DeadlinePolicy::parse(10, &[0, 3, 3], 5, "Europe/Paris", &[]).unwrap();
        assert_eq!(sorted.reminder_days_before, [3, 0]);
    }
}
