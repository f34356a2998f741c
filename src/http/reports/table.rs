//! The reports as CSV (RFC 4180: a header row, CRLF line ends, quoted where needed). One row
//! per group, the whole report first; a suppressed group's figures are empty cells.

use crate::domain::reports::{
    CompetencyGapsReport, Count, OutcomesReport, ReasonsReport, ReportScopeView, TimelinessReport,
};

struct Table(csv::Writer<Vec<u8>>);

impl Table {
    fn new(header: &[&str]) -> Self {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        // Writing to memory cannot fail.
        let _ = writer.write_record(header);
        Self(writer)
    }

    fn row(&mut self, cells: Vec<String>) {
        let _ = self.0.write_record(&cells);
    }

    fn finish(self) -> String {
        self.0
            .into_inner()
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }
}

fn cell<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn scope_cells(scope: &ReportScopeView) -> Vec<String> {
    vec![scope.from.clone(), scope.to.clone()]
}

fn group_name(department: Option<&String>) -> (String, String) {
    match department {
        None => ("total".into(), String::new()),
        Some(name) => ("department".into(), name.clone()),
    }
}

pub fn timeliness(report: &TimelinessReport) -> String {
    let mut table = Table::new(&[
        "from",
        "to",
        "group",
        "department",
        "suppressed",
        "candidates",
        "decisions",
        "released",
        "released_on_time",
        "on_time_share",
        "median_business_days_to_release",
        "p90_business_days_to_release",
        "open",
        "overdue",
    ]);
    for group in std::iter::once(&report.total).chain(&report.by_department) {
        let (kind, department) = group_name(group.department.as_ref());
        let f = group.figures.as_ref();
        let mut cells = scope_cells(&report.scope);
        cells.extend([kind, department, group.suppressed.to_string()]);
        cells.extend([
            cell(f.map(|f| f.candidates)),
            cell(f.map(|f| f.decisions)),
            cell(f.map(|f| f.released)),
            cell(f.map(|f| f.released_on_time)),
            cell(f.and_then(|f| f.on_time_share)),
            cell(f.and_then(|f| f.median_business_days_to_release)),
            cell(f.and_then(|f| f.p90_business_days_to_release)),
            cell(f.map(|f| f.open)),
            cell(f.map(|f| f.overdue)),
        ]);
        table.row(cells);
    }
    table.finish()
}

pub fn outcomes(report: &OutcomesReport) -> String {
    let mut table = Table::new(&[
        "from",
        "to",
        "group",
        "department",
        "suppressed",
        "candidates",
        "rejections",
        "released",
        "release_rate",
        "acknowledged",
        "acknowledgement_rate",
        "rated",
        "average_usefulness",
        "follow_up_requested",
        "follow_up_request_rate",
        "actions",
        "actions_started",
        "actions_started_share",
        "actions_done",
        "actions_done_share",
        "actions_overdue",
    ]);
    for group in std::iter::once(&report.total).chain(&report.by_department) {
        let (kind, department) = group_name(group.department.as_ref());
        let f = group.figures.as_ref();
        let mut cells = scope_cells(&report.scope);
        cells.extend([kind, department, group.suppressed.to_string()]);
        cells.extend([
            cell(f.map(|f| f.candidates)),
            cell(f.map(|f| f.rejections)),
            cell(f.map(|f| f.released)),
            cell(f.and_then(|f| f.release_rate)),
            cell(f.map(|f| f.acknowledged)),
            cell(f.and_then(|f| f.acknowledgement_rate)),
            cell(f.map(|f| f.rated)),
            cell(f.and_then(|f| f.average_usefulness)),
            cell(f.map(|f| f.follow_up_requested)),
            cell(f.and_then(|f| f.follow_up_request_rate)),
            cell(f.map(|f| f.actions)),
            cell(f.map(|f| f.actions_started)),
            cell(f.and_then(|f| f.actions_started_share)),
            cell(f.map(|f| f.actions_done)),
            cell(f.and_then(|f| f.actions_done_share)),
            cell(f.map(|f| f.actions_overdue)),
        ]);
        table.row(cells);
    }
    table.finish()
}

pub fn reasons(report: &ReasonsReport) -> String {
    let mut table = Table::new(&[
        "from",
        "to",
        "group",
        "reason_code",
        "name",
        "suppressed",
        "candidates",
        "feedback",
        "share",
    ]);
    let mut total = scope_cells(&report.scope);
    total.extend([
        "total".into(),
        String::new(),
        String::new(),
        report.total.suppressed.to_string(),
        cell(report.total.candidates),
        cell(report.feedback),
        String::new(),
    ]);
    table.row(total);
    for reason in &report.reasons {
        let mut cells = scope_cells(&report.scope);
        cells.extend([
            "reason".into(),
            reason.reason_code.clone(),
            cell(reason.name.as_ref()),
            reason.suppressed.to_string(),
            cell(reason.candidates),
            cell(reason.feedback),
            cell(reason.share),
        ]);
        table.row(cells);
    }
    table.finish()
}

pub fn competency_gaps(report: &CompetencyGapsReport) -> String {
    let mut table = Table::new(&[
        "from",
        "to",
        "competency",
        "name",
        "measure",
        "suppressed",
        "candidates",
    ]);
    let row = |table: &mut Table, competency: &str, name: &str, measure: &str, count: Count| {
        let mut cells = scope_cells(&report.scope);
        cells.extend([
            competency.to_owned(),
            name.to_owned(),
            measure.to_owned(),
            count.suppressed.to_string(),
            cell(count.candidates),
        ]);
        table.row(cells);
    };
    row(&mut table, "", "", "total", report.total);
    for group in &report.competencies {
        let name = group.name.as_deref().unwrap_or_default();
        row(
            &mut table,
            &group.competency,
            name,
            "assessed",
            group.assessed,
        );
        for level in &group.levels {
            let count = Count {
                suppressed: level.suppressed,
                candidates: level.candidates,
            };
            row(
                &mut table,
                &group.competency,
                name,
                level.level.as_str(),
                count,
            );
        }
        row(
            &mut table,
            &group.competency,
            name,
            "improvement_area",
            group.improvement_areas,
        );
    }
    table.finish()
}
