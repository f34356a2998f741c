//! Reports for HR: the period they cover, the tenant's minimum group size, and the privacy
//! rules that decide which figures may be shown (docs/reports.md). Pure: the storage layer
//! counts, this decides.
//!
//! A figure describing fewer than k distinct candidates is never shown, and neither is one
//! that a reader could work out from what is shown:
//! - **primary suppression**: a group (a cell of a breakdown) of fewer than k candidates;
//! - **complementary suppression**: when a breakdown's suppressed groups together describe
//!   fewer than k candidates, the total minus the shown groups would give them away, so the
//!   smallest shown groups are suppressed too until they describe at least k (or all are);
//! - **differencing across filters** (`Guard`): a report for a department is withheld when
//!   the tenant's breakdown by department suppresses that department, a report for a
//!   requisition when its department is suppressed or a breakdown of that department by
//!   requisition would suppress it (so a filter never shows what a breakdown hides), and a
//!   report whose first or last month with rejections describes 1 to k − 1 candidates (a
//!   period one month shorter would give them away).

use chrono::{Datelike, NaiveDate};

mod figures;

pub use figures::*;

use super::{FieldError, Invalid};

/// The default minimum group size (k).
pub const DEFAULT_MIN_GROUP_SIZE: u32 = 5;
/// No tenant may set k below this: a group of one is a person.
pub const LOWEST_MIN_GROUP_SIZE: u32 = 2;
pub const HIGHEST_MIN_GROUP_SIZE: u32 = 100;
/// The longest period a report covers.
pub const MAX_PERIOD_MONTHS: u32 = 36;

/// The tenant's minimum group size: 2–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinGroupSize(u32);

impl MinGroupSize {
    pub fn parse(k: u32) -> Result<Self, Invalid> {
        if (LOWEST_MIN_GROUP_SIZE..=HIGHEST_MIN_GROUP_SIZE).contains(&k) {
            Ok(Self(k))
        } else {
            Err(Invalid::field(
                "min_group_size",
                format!(
                    "must be between {LOWEST_MIN_GROUP_SIZE} and {HIGHEST_MIN_GROUP_SIZE}, not {k}"
                ),
            ))
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// Whether `candidates` distinct candidates may be shown.
    pub fn allows(self, candidates: i64) -> bool {
        candidates >= i64::from(self.0)
    }

    /// Whether a difference of `candidates` would single out a few (1 to k − 1).
    pub fn reveals(self, candidates: i64) -> bool {
        candidates > 0 && !self.allows(candidates)
    }
}

impl Default for MinGroupSize {
    fn default() -> Self {
        Self(DEFAULT_MIN_GROUP_SIZE)
    }
}

/// A calendar month (its first day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month(NaiveDate);

impl Month {
    pub fn of(day: NaiveDate) -> Self {
        Self(day.with_day(1).unwrap_or(day))
    }

    /// `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Self> {
        let (year, month) = text.split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1).map(Self)
    }

    pub fn first_day(self) -> NaiveDate {
        self.0
    }

    /// The first day of the next month.
    pub fn end(self) -> NaiveDate {
        self.0
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(self.0)
    }

    fn minus(self, months: u32) -> Self {
        Self(
            self.0
                .checked_sub_months(chrono::Months::new(months))
                .unwrap_or(self.0),
        )
    }

    fn months_until(self, later: Self) -> i64 {
        let months = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
        months(later.0) - months(self.0)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m"))
    }
}

/// The rejections a report covers: those decided from the first day of `first` to the last
/// day of `last`, in the tenant's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: Month,
    pub last: Month,
}

impl Period {
    /// `from` and `to` as `YYYY-MM`; by default the twelve months up to and including the
    /// current one.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: NaiveDate) -> Result<Self, Invalid> {
        let mut errors = Vec::new();
        let mut month = |name: &str, text: Option<&str>| match text.map(Month::parse) {
            None => None,
            Some(Some(month)) => Some(month),
            Some(None) => {
                errors.push(FieldError::new(name, "must be a month, `YYYY-MM`"));
                None
            }
        };
        let last = month("to", to);
        let first = month("from", from);
        if !errors.is_empty() {
            return Err(Invalid::Fields(errors));
        }
        let last = last.unwrap_or_else(|| Month::of(today));
        let first = first.unwrap_or_else(|| last.minus(11));
        let span = first.months_until(last);
        if span < 0 {
            return Err(Invalid::field("from", "must not be after `to`"));
        }
        if span >= i64::from(MAX_PERIOD_MONTHS) {
            return Err(Invalid::field(
                "from",
                format!("a report covers at most {MAX_PERIOD_MONTHS} months"),
            ));
        }
        Ok(Self { first, last })
    }
}

/// Which groups of a breakdown to suppress, given each group's distinct candidates and the
/// whole breakdown's (`total`): primary suppression below k, then complementary suppression
/// of the smallest shown groups until the suppressed ones describe at least k candidates or
/// every group is suppressed. A total below k suppresses every group.
pub fn suppressed(groups: &[i64], total: i64, k: MinGroupSize) -> Vec<bool> {
    if !k.allows(total) {
        return vec![true; groups.len()];
    }
    let mut hidden: Vec<bool> = groups.iter().map(|n| !k.allows(*n)).collect();
    loop {
        let hidden_candidates: i64 = groups
            .iter()
            .zip(&hidden)
            .filter(|(_, h)| **h)
            .map(|(n, _)| *n)
            .sum();
        if !k.reveals(hidden_candidates) {
            return hidden;
        }
        let smallest_shown = groups
            .iter()
            .enumerate()
            .filter(|(i, _)| !hidden[*i])
            .min_by_key(|(_, n)| **n)
            .map(|(i, _)| i);
        match smallest_shown {
            Some(i) => hidden[i] = true,
            None => return hidden,
        }
    }
}

/// Whether `key` is shown in a breakdown of `total` candidates into `groups`.
pub fn shown_in<K: PartialEq>(groups: &[(K, i64)], total: i64, key: &K, k: MinGroupSize) -> bool {
    let counts: Vec<i64> = groups.iter().map(|(_, n)| *n).collect();
    let hidden = suppressed(&counts, total, k);
    groups
        .iter()
        .zip(hidden)
        .any(|((group, _), hide)| group == key && !hide)
}

/// What a filtered report must not give away: a report is withheld when any of these fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guard {
    /// The report's own population.
    pub filtered: i64,
    /// Its filters select groups that the wider reports' breakdowns show (true without
    /// filters).
    pub filters_shown: bool,
    /// The first and the last month of the period that have any rejection (dropping one of
    /// them from the period is the narrowest other report).
    pub first_month: i64,
    pub last_month: i64,
}

impl Guard {
    pub fn withholds(&self, k: MinGroupSize) -> bool {
        !k.allows(self.filtered)
            || !self.filters_shown
            || k.reveals(self.first_month)
            || k.reveals(self.last_month)
    }
}

/// A share, `None` when there is nothing to divide by.
pub fn share(part: i64, whole: i64) -> Option<f64> {
    // Counts of one tenant's rejections: far below 2^52, exact as f64.
    #[allow(clippy::cast_precision_loss)]
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(n: u32) -> MinGroupSize {
        MinGroupSize::parse(n).unwrap()
    }

    #[test]
    fn k_is_between_two_and_a_hundred() {
        assert!(MinGroupSize::parse(1).is_err());
        assert!(MinGroupSize::parse(101).is_err());
        assert_eq!(MinGroupSize::parse(2).unwrap().get(), 2);
        assert_eq!(MinGroupSize::default().get(), 5);
    }

    #[test]
    fn groups_at_k_are_shown_and_below_are_not() {
        assert_eq!(suppressed(&[5, 6, 7], 18, k(5)), vec![false, false, false]);
        // One group of 4: alone it would be total minus the rest; the next smallest goes too.
        assert_eq!(suppressed(&[4, 6, 7], 17, k(5)), vec![true, true, false]);
        // Two small groups that together describe k candidates protect each other.
        assert_eq!(suppressed(&[3, 2, 9], 14, k(5)), vec![true, true, false]);
        // Together fewer than k: a third is suppressed.
        assert_eq!(
            suppressed(&[1, 2, 9, 8], 20, k(5)),
            vec![true, true, false, true]
        );
    }

    #[test]
    fn a_small_total_suppresses_every_group() {
        assert_eq!(suppressed(&[2, 2], 4, k(5)), vec![true, true]);
        assert_eq!(suppressed(&[], 0, k(5)), Vec::<bool>::new());
    }

    #[test]
    fn the_guard_withholds_differences_below_k() {
        let ok = Guard {
            filtered: 10,
            filters_shown: true,
            first_month: 5,
            last_month: 6,
        };
        assert!(!ok.withholds(k(5)));
        assert!(Guard { filtered: 4, ..ok }.withholds(k(5)));
        assert!(Guard {
            filters_shown: false,
            ..ok
        }
        .withholds(k(5)));
        assert!(Guard {
            first_month: 1,
            ..ok
        }
        .withholds(k(5)));
        assert!(Guard {
            last_month: 4,
            ..ok
        }
        .withholds(k(5)));
        assert!(!Guard {
            last_month: 4,
            ..ok
        }
        .withholds(k(4)));
    }

    #[test]
    fn a_filter_shows_only_what_the_breakdown_shows() {
        let departments = [("Finance", 4), ("Legal", 3), ("Sales", 1)];
        assert!(shown_in(&departments, 8, &"Finance", k(3)));
        // Legal is shown by the rules of its own size but hidden with Sales: its filtered
        // report would give Sales away (total − Finance − Legal).
        assert!(!shown_in(&departments, 8, &"Legal", k(3)));
        assert!(!shown_in(&departments, 8, &"Sales", k(3)));
        assert!(!shown_in(&departments, 8, &"Unknown", k(3)));
    }

    #[test]
    fn periods_are_whole_months() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let default = Period::parse(None, None, today).unwrap();
        assert_eq!(default.first.to_string(), "2026-01");
        assert_eq!(default.last.to_string(), "2026-12");
        assert_eq!(
            default.last.end(),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        let one = Period::parse(Some("2026-02"), Some("2026-02"), today).unwrap();
        assert_eq!(one.first, one.last);
        assert!(Period::parse(Some("2026-03"), Some("2026-02"), today).is_err());
        assert!(Period::parse(Some("2026-13"), None, today).is_err());
        assert!(Period::parse(Some("2026-1"), None, today).is_err());
        assert!(Period::parse(Some("2023-12"), Some("2026-12"), today).is_err());
        assert!(Period::parse(Some("2024-01"), Some("2026-12"), today).is_ok());
    }
}
