//! What the reports say: counts, shares and business days per group, never free text or an
//! employee id. A suppressed group carries no figure at all (docs/reports.md).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::feedback::Level;
use crate::domain::RequisitionId;

/// What a report covers and by which rule it was suppressed.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReportScopeView {
    /// The first month (`YYYY-MM`) whose rejections are counted.
    #[schema(example = "2026-01")]
    pub from: String,
    /// The last month counted, inclusive.
    #[schema(example = "2026-12")]
    pub to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<uuid::Uuid>)]
    pub requisition_id: Option<RequisitionId>,
    /// k: no group describing fewer distinct candidates is shown.
    pub min_group_size: u32,
    /// The whole report is suppressed because its filters, or what separates them from the
    /// next wider report, describe fewer than k candidates.
    pub withheld: bool,
    pub generated_at: DateTime<Utc>,
}

/// Candidates counted, or suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Count {
    pub suppressed: bool,
    /// Distinct candidates (absent when suppressed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidates: Option<i64>,
}

impl Count {
    pub fn new(candidates: i64, suppressed: bool) -> Self {
        Self {
            suppressed,
            candidates: (!suppressed).then_some(candidates),
        }
    }
}

/// How fast feedback reaches the candidates of a group.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TimelinessFigures {
    /// Distinct candidates rejected.
    pub candidates: i64,
    /// Rejections decided in the period.
    pub decisions: i64,
    /// Of them, with their feedback released.
    pub released: i64,
    /// Released by the end of the due day.
    pub released_on_time: i64,
    /// `released_on_time` / (`released` + `overdue`): of the feedback that was due by now or
    /// released, the share released on time; `null` when there is none.
    pub on_time_share: Option<f64>,
    /// Business days from decision to release (the tenant's deadline policy): the median…
    pub median_business_days_to_release: Option<i64>,
    /// …and the 90th percentile (nearest rank); `null` while nothing is released.
    pub p90_business_days_to_release: Option<i64>,
    /// Rejections whose feedback is not released yet.
    pub open: i64,
    /// Of them, past their due day.
    pub overdue: i64,
}

/// What became of the feedback of a group's rejections.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OutcomeFigures {
    pub candidates: i64,
    pub rejections: i64,
    /// Rejections whose feedback was released…
    pub released: i64,
    /// …as a share of the rejections.
    pub release_rate: Option<f64>,
    /// Released feedback the candidate acknowledged…
    pub acknowledged: i64,
    /// …as a share of the released.
    pub acknowledgement_rate: Option<f64>,
    /// Acknowledgements that rated the feedback's usefulness…
    pub rated: i64,
    /// …and their average rating (1–5).
    pub average_usefulness: Option<f64>,
    /// Released feedback with at least one follow-up request…
    pub follow_up_requested: i64,
    /// …as a share of the released.
    pub follow_up_request_rate: Option<f64>,
    /// Development actions in released plans.
    pub actions: i64,
    /// Actions the candidate marked in progress or done…
    pub actions_started: i64,
    pub actions_started_share: Option<f64>,
    /// …and done.
    pub actions_done: i64,
    pub actions_done_share: Option<f64>,
    /// Actions whose target date has passed and that are not done.
    pub actions_overdue: i64,
}

macro_rules! group {
    ($(#[$doc:meta])* $name:ident, $figures:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
        pub struct $name {
            /// Absent for the whole report.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub department: Option<String>,
            pub suppressed: bool,
            /// Absent when suppressed.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub figures: Option<$figures>,
        }

        impl $name {
            pub fn new(department: Option<String>, figures: $figures, suppressed: bool) -> Self {
                Self {
                    department,
                    suppressed,
                    figures: (!suppressed).then_some(figures),
                }
            }
        }
    };
}

group!(
    /// The timeliness of the whole report or of one department, or suppressed.
    TimelinessGroup,
    TimelinessFigures
);
group!(
    /// The outcomes of the whole report or of one department, or suppressed.
    OutcomesGroup,
    OutcomeFigures
);

/// Deadlines kept: the whole report, then each department.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TimelinessReport {
    pub scope: ReportScopeView,
    pub total: TimelinessGroup,
    pub by_department: Vec<TimelinessGroup>,
}

/// What candidates did with their feedback: the whole report, then each department.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OutcomesReport {
    pub scope: ReportScopeView,
    pub total: OutcomesGroup,
    pub by_department: Vec<OutcomesGroup>,
}

/// How often a reason code is given in released feedback.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReasonGroup {
    /// A key of the tenant's reason-code catalog.
    pub reason_code: String,
    /// The catalog's name for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub suppressed: bool,
    /// Distinct candidates given this reason (absent when suppressed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidates: Option<i64>,
    /// Released feedback giving it…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<i64>,
    /// …as a share of all released feedback of the report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
}

/// Reason codes of released feedback, most given first.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReasonsReport {
    pub scope: ReportScopeView,
    /// Candidates with released feedback in the report.
    pub total: Count,
    /// Released feedback in the report (absent when `total` is suppressed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<i64>,
    pub reasons: Vec<ReasonGroup>,
}

/// Candidates assessed at one level of a competency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct LevelCount {
    pub level: Level,
    pub suppressed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidates: Option<i64>,
}

/// A competency in released feedback: how candidates were assessed, and how many were given
/// an improvement area for it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CompetencyGroup {
    /// A key of the tenant's competency catalog.
    pub competency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Candidates assessed in it.
    pub assessed: Count,
    /// Per level, lowest first.
    pub levels: Vec<LevelCount>,
    /// Candidates with an improvement area for it.
    pub improvement_areas: Count,
}

/// Competency gaps in released feedback.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CompetencyGapsReport {
    pub scope: ReportScopeView,
    /// Candidates with released feedback in the report.
    pub total: Count,
    pub competencies: Vec<CompetencyGroup>,
}
