//! Reports for HR (docs/reports.md): the storage layer counts per group in SQL, the domain's
//! rules decide what may be shown (k-anonymity, complementary suppression, the guard against
//! differencing across filters), and this use case puts the two together.

use chrono::{DateTime, NaiveDate, Utc};

use crate::auth::policy::Operation;
use crate::domain::feedback::Level;
use crate::domain::reports::{
    share, shown_in, suppressed, CompetencyGapsReport, CompetencyGroup, Count, Guard, LevelCount,
    MinGroupSize, Month, OutcomeFigures, OutcomesGroup, OutcomesReport, Period, ReasonGroup,
    ReasonsReport, ReportScopeView, TimelinessFigures, TimelinessGroup, TimelinessReport,
};
use crate::domain::{Checked, Invalid, Precondition, Principal, RequisitionId};
use crate::storage::{now, BreakdownRow, Db, KeyRow, OutcomesRow, ReportScope, TimelinessRow};

use super::settings::SettingChange;
use super::{authorize, App, AppResult};

pub struct Reports<'a>(pub(super) &'a App);

/// What a report is asked for: the period as the caller gave it (`YYYY-MM`), and the filters.
#[derive(Debug, Clone, Default)]
pub struct ReportRequest {
    pub from: Option<String>,
    pub to: Option<String>,
    pub department: Option<String>,
    pub requisition: Option<RequisitionId>,
}

impl ReportRequest {
    /// Checks the department filter (the period is checked against the tenant's calendar).
    pub fn checked(self) -> Checked<Self> {
        match &self.department {
            Some(name) if name.trim().is_empty() || name.chars().count() > 120 => Err(
                Invalid::field("department", "must be between 1 and 120 characters"),
            ),
            _ => Ok(self),
        }
    }
}

/// A report's scope, resolved: the instants of its period, its k, and whether the guard
/// withholds it.
struct Resolved {
    scope: ReportScope,
    view: ReportScopeView,
    k: MinGroupSize,
    now: DateTime<Utc>,
    today: NaiveDate,
}

impl Reports<'_> {
    pub async fn settings(&self, principal: &Principal) -> AppResult<(MinGroupSize, i64)> {
        authorize(principal, Operation::ReadReportSettings)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        Ok(connection.db().report_settings(principal.tenant()).await?)
    }

    /// Sets the tenant's minimum group size at the caller's version.
    pub async fn set_settings(
        &self,
        principal: &Principal,
        k: Checked<MinGroupSize>,
        precondition: Precondition,
    ) -> AppResult<(MinGroupSize, i64)> {
        let change = SettingChange {
            operation: Operation::UpdateReportSettings,
            action: "report_settings.update",
            value: k,
            precondition,
        };
        let tenant = principal.tenant();
        let write = async |db: &mut Db<'_>, k: &MinGroupSize, version: i64| {
            db.set_report_settings(tenant, *k, version).await
        };
        self.0
            .replace_setting(
                principal,
                change,
                write,
                |k| serde_json::json!({"min_group_size": k.get()}),
            )
            .await
    }

    pub async fn timeliness(
        &self,
        principal: &Principal,
        request: Checked<ReportRequest>,
    ) -> AppResult<TimelinessReport> {
        authorize(principal, Operation::ReadTimelinessReport)?;
        let request = request?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let (resolved, rows) = tuned(&mut db, async |db| {
            let resolved = resolve(db, principal, &request).await?;
            let rows = db
                .timeliness_report(principal.tenant(), &resolved.scope, resolved.now)
                .await?;
            Ok((resolved, rows))
        })
        .await?;
        let (total, groups) = by_department(&rows, |r| r.department.is_none());
        let counts: Vec<i64> = groups.iter().map(|r| r.candidates).collect();
        let hidden = hidden_groups(&resolved, total.map_or(0, |t| t.candidates), &counts);
        let figures = |row: &TimelinessRow| TimelinessFigures {
            candidates: row.candidates,
            decisions: row.decisions,
            released: row.released,
            released_on_time: row.released_on_time,
            on_time_share: share(row.released_on_time, row.released + row.overdue),
            median_business_days_to_release: row.median_days,
            p90_business_days_to_release: row.p90_days,
            open: row.open,
            overdue: row.overdue,
        };
        Ok(TimelinessReport {
            total: TimelinessGroup::new(
                None,
                total.map_or_else(|| figures(&empty_timeliness()), figures),
                hidden.total,
            ),
            by_department: groups
                .iter()
                .zip(hidden.groups)
                .map(|(row, hide)| TimelinessGroup::new(row.department.clone(), figures(row), hide))
                .collect(),
            scope: resolved.view,
        })
    }

    pub async fn outcomes(
        &self,
        principal: &Principal,
        request: Checked<ReportRequest>,
    ) -> AppResult<OutcomesReport> {
        authorize(principal, Operation::ReadOutcomesReport)?;
        let request = request?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let (resolved, rows) = tuned(&mut db, async |db| {
            let resolved = resolve(db, principal, &request).await?;
            let rows = db
                .outcomes_report(principal.tenant(), &resolved.scope, resolved.today)
                .await?;
            Ok((resolved, rows))
        })
        .await?;
        let (total, groups) = by_department(&rows, |r| r.department.is_none());
        let counts: Vec<i64> = groups.iter().map(|r| r.candidates).collect();
        let hidden = hidden_groups(&resolved, total.map_or(0, |t| t.candidates), &counts);
        Ok(OutcomesReport {
            total: OutcomesGroup::new(
                None,
                total.map_or_else(|| outcome_figures(&empty_outcomes()), outcome_figures),
                hidden.total,
            ),
            by_department: groups
                .iter()
                .zip(hidden.groups)
                .map(|(row, hide)| {
                    OutcomesGroup::new(row.department.clone(), outcome_figures(row), hide)
                })
                .collect(),
            scope: resolved.view,
        })
    }

    pub async fn reasons(
        &self,
        principal: &Principal,
        request: Checked<ReportRequest>,
    ) -> AppResult<ReasonsReport> {
        authorize(principal, Operation::ReadReasonsReport)?;
        let request = request?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let (resolved, rows) = tuned(&mut db, async |db| {
            let resolved = resolve(db, principal, &request).await?;
            let rows = db
                .reasons_report(principal.tenant(), &resolved.scope)
                .await?;
            Ok((resolved, rows))
        })
        .await?;
        let (total, mut items) = totals(rows);
        items.sort_by(|a, b| b.feedback.cmp(&a.feedback).then(a.item.cmp(&b.item)));
        let counts: Vec<i64> = items.iter().map(|r| r.candidates).collect();
        let hidden = hidden_groups(&resolved, total.candidates, &counts);
        Ok(ReasonsReport {
            total: Count::new(total.candidates, hidden.total),
            feedback: (!hidden.total).then_some(total.feedback),
            reasons: items
                .into_iter()
                .zip(hidden.groups)
                .map(|(row, hide)| ReasonGroup {
                    reason_code: row.item.unwrap_or_default(),
                    name: row.name,
                    suppressed: hide,
                    candidates: (!hide).then_some(row.candidates),
                    feedback: (!hide).then_some(row.feedback),
                    share: if hide {
                        None
                    } else {
                        share(row.feedback, total.feedback)
                    },
                })
                .collect(),
            scope: resolved.view,
        })
    }

    pub async fn competency_gaps(
        &self,
        principal: &Principal,
        request: Checked<ReportRequest>,
    ) -> AppResult<CompetencyGapsReport> {
        authorize(principal, Operation::ReadCompetencyGapsReport)?;
        let request = request?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut db = connection.db();
        let (resolved, rows) = tuned(&mut db, async |db| {
            let resolved = resolve(db, principal, &request).await?;
            let rows = db
                .competencies_report(principal.tenant(), &resolved.scope)
                .await?;
            Ok((resolved, rows))
        })
        .await?;
        let (total, items) = totals(rows);
        Ok(CompetencyGapsReport {
            total: Count::new(
                total.candidates,
                hidden_groups(&resolved, total.candidates, &[]).total,
            ),
            competencies: competency_groups(&resolved, total.candidates, &items),
            scope: resolved.view,
        })
    }
}

/// Runs a report's statements on a session tuned for aggregation (`Db::report_session`), and
/// gives the connection back untuned whatever the report gave.
async fn tuned<T>(
    db: &mut Db<'_>,
    report: impl AsyncFnOnce(&mut Db<'_>) -> AppResult<T>,
) -> AppResult<T> {
    db.report_session(true).await?;
    let result = report(db).await;
    db.report_session(false).await?;
    result
}

/// Reads k and the deadline policy, resolves the period in the tenant's time zone, and asks
/// the guard whether the report may be shown at all.
async fn resolve(
    db: &mut Db<'_>,
    principal: &Principal,
    request: &ReportRequest,
) -> AppResult<Resolved> {
    let tenant = principal.tenant();
    let (k, _) = db.report_settings(tenant).await?;
    let (policy, _) = db.deadline_policy(tenant).await?;
    let now = now();
    let today = policy.local_day(now);
    let period = Period::parse(request.from.as_deref(), request.to.as_deref(), today)?;
    let scope = ReportScope {
        from: policy.start_of(period.first.first_day()),
        until: policy.start_of(period.last.end()),
        department: request.department.clone(),
        requisition: request.requisition,
    };
    let population = db.report_population(tenant, &scope).await?;
    let breakdown = db.report_breakdown(tenant, &scope).await?;
    let mut guard = Guard {
        filtered: population.filtered,
        filters_shown: filters_shown(&breakdown, request, k),
        first_month: 0,
        last_month: 0,
    };
    let edge = |at: DateTime<Utc>| {
        let month = Month::of(policy.local_day(at));
        (
            policy.start_of(month.first_day()),
            policy.start_of(month.end()),
        )
    };
    if let (Some(first), Some(last)) = (population.first_at, population.last_at) {
        let (first_from, first_until) = edge(first);
        guard.first_month = db
            .report_candidates_between(tenant, &scope, first_from, first_until)
            .await?;
        let (last_from, last_until) = edge(last);
        guard.last_month = if last_from == first_from {
            guard.first_month
        } else {
            db.report_candidates_between(tenant, &scope, last_from, last_until)
                .await?
        };
    }
    let view = ReportScopeView {
        from: period.first.to_string(),
        to: period.last.to_string(),
        department: request.department.clone(),
        requisition_id: request.requisition,
        min_group_size: k.get(),
        withheld: guard.withholds(k),
        generated_at: now,
    };
    Ok(Resolved {
        scope,
        view,
        k,
        now,
        today,
    })
}

/// Whether the report's filters select only groups that the wider reports' breakdowns show:
/// the department among the tenant's departments; the requisition's department likewise, and
/// the requisition among that department's requisitions.
fn filters_shown(breakdown: &[BreakdownRow], request: &ReportRequest, k: MinGroupSize) -> bool {
    let tenant_total = breakdown
        .iter()
        .find(|r| r.department.is_none())
        .map_or(0, |r| r.candidates);
    let departments: Vec<(&str, i64)> = breakdown
        .iter()
        .filter(|r| r.requisition_id.is_none())
        .filter_map(|r| Some((r.department.as_deref()?, r.candidates)))
        .collect();
    let department_shown = |name: &str| shown_in(&departments, tenant_total, &name, k);
    if let Some(name) = &request.department {
        if !department_shown(name) {
            return false;
        }
    }
    let Some(requisition) = request.requisition else {
        return true;
    };
    let requisitions: Vec<(RequisitionId, i64)> = breakdown
        .iter()
        .filter_map(|r| Some((r.requisition_id?, r.candidates)))
        .collect();
    let Some(department) = breakdown
        .iter()
        .find(|r| r.requisition_id == Some(requisition))
        .and_then(|r| r.department.as_deref())
    else {
        return false;
    };
    let department_total = departments
        .iter()
        .find(|(name, _)| *name == department)
        .map_or(0, |(_, n)| *n);
    department_shown(department) && shown_in(&requisitions, department_total, &requisition, k)
}

/// Which of a report's figures are suppressed.
struct Hidden {
    total: bool,
    groups: Vec<bool>,
}

fn hidden_groups(resolved: &Resolved, total: i64, groups: &[i64]) -> Hidden {
    if resolved.view.withheld || !resolved.k.allows(total) {
        return Hidden {
            total: true,
            groups: vec![true; groups.len()],
        };
    }
    Hidden {
        total: false,
        groups: suppressed(groups, total, resolved.k),
    }
}

/// Splits per-department rows into the whole (`is_total`) and the departments.
fn by_department<R>(rows: &[R], is_total: impl Fn(&R) -> bool) -> (Option<&R>, Vec<&R>) {
    let total = rows.iter().find(|r| is_total(r));
    let groups = rows.iter().filter(|r| !is_total(r)).collect();
    (total, groups)
}

/// Splits keyed rows into the whole (`item` null) and the rest.
fn totals(rows: Vec<KeyRow>) -> (KeyRow, Vec<KeyRow>) {
    let mut total = KeyRow {
        item: None,
        part: String::new(),
        name: None,
        candidates: 0,
        feedback: 0,
    };
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        if row.item.is_none() {
            total = row;
        } else {
            items.push(row);
        }
    }
    (total, items)
}

/// Per competency: assessed (suppressed across competencies), its levels (suppressed within
/// the competency, and all of them with it), its improvement areas (across competencies).
fn competency_groups(resolved: &Resolved, total: i64, items: &[KeyRow]) -> Vec<CompetencyGroup> {
    let mut keys: Vec<(&str, Option<&String>)> = Vec::new();
    for row in items {
        let key = row.item.as_deref().unwrap_or_default();
        if !keys.iter().any(|(k, _)| *k == key) {
            keys.push((key, row.name.as_ref()));
        }
    }
    let count = |key: &str, part: &str| {
        items
            .iter()
            .find(|r| r.item.as_deref() == Some(key) && r.part == part)
            .map_or(0, |r| r.candidates)
    };
    let assessed: Vec<i64> = keys.iter().map(|(k, _)| count(k, "assessed")).collect();
    let areas: Vec<i64> = keys
        .iter()
        .map(|(k, _)| count(k, "improvement_area"))
        .collect();
    let assessed_hidden = hidden_groups(resolved, total, &assessed).groups;
    let areas_hidden = hidden_groups(resolved, total, &areas).groups;
    keys.iter()
        .enumerate()
        .map(|(i, (key, name))| {
            let levels: Vec<i64> = Level::ALL.iter().map(|l| count(key, l.as_str())).collect();
            let levels_hidden = if assessed_hidden[i] {
                vec![true; levels.len()]
            } else {
                suppressed(&levels, assessed[i], resolved.k)
            };
            CompetencyGroup {
                competency: (*key).to_owned(),
                name: name.cloned(),
                assessed: Count::new(assessed[i], assessed_hidden[i]),
                levels: Level::ALL
                    .iter()
                    .zip(levels.iter().zip(levels_hidden))
                    .map(|(level, (n, hide))| LevelCount {
                        level: *level,
                        suppressed: hide,
                        candidates: (!hide).then_some(*n),
                    })
                    .collect(),
                improvement_areas: Count::new(areas[i], areas_hidden[i]),
            }
        })
        .collect()
}

fn outcome_figures(row: &OutcomesRow) -> OutcomeFigures {
    OutcomeFigures {
        candidates: row.candidates,
        rejections: row.rejections,
        released: row.released,
        release_rate: share(row.released, row.rejections),
        acknowledged: row.acknowledged,
        acknowledgement_rate: share(row.acknowledged, row.released),
        rated: row.rated,
        average_usefulness: share(row.rating_sum, row.rated),
        follow_up_requested: row.followed_up,
        follow_up_request_rate: share(row.followed_up, row.released),
        actions: row.actions,
        actions_started: row.actions_started,
        actions_started_share: share(row.actions_started, row.actions),
        actions_done: row.actions_done,
        actions_done_share: share(row.actions_done, row.actions),
        actions_overdue: row.actions_overdue,
    }
}

fn empty_timeliness() -> TimelinessRow {
    TimelinessRow {
        department: None,
        candidates: 0,
        decisions: 0,
        released: 0,
        released_on_time: 0,
        open: 0,
        overdue: 0,
        median_days: None,
        p90_days: None,
    }
}

fn empty_outcomes() -> OutcomesRow {
    OutcomesRow {
        department: None,
        candidates: 0,
        rejections: 0,
        released: 0,
        acknowledged: 0,
        rated: 0,
        rating_sum: 0,
        followed_up: 0,
        actions: 0,
        actions_started: 0,
        actions_done: 0,
        actions_overdue: 0,
    }
}
