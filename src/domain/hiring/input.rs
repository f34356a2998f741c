//! Validated inputs of the hiring API: requisitions, applications and their list filters.

use crate::domain::{bounded_text, collected, EmployeeId, FieldError, RequisitionId};
use chrono::{DateTime, Utc};

use super::{ApplicationStatus, ExternalRef, RequisitionStatus, Stage};

pub const TITLE_MAX: usize = 200;
pub const DEPARTMENT_MAX: usize = 120;
pub const PEOPLE_MAX: usize = 20;

/// Sorted, deduplicated employee ids; `min` of them at least.
fn people(
    field: &str,
    raw: &[String],
    min: usize,
    errors: &mut Vec<FieldError>,
) -> Vec<EmployeeId> {
    let mut ids = Vec::new();
    for (i, id) in raw.iter().enumerate() {
        match EmployeeId::parse(id) {
            Ok(id) => ids.push(id),
            Err(message) => errors.push(FieldError::new(format!("{field}[{i}]"), message)),
        }
    }
    ids.sort();
    ids.dedup();
    if raw.len() > PEOPLE_MAX {
        errors.push(FieldError::new(
            field,
            format!("at most {PEOPLE_MAX} people"),
        ));
    } else if ids.len() < min {
        errors.push(FieldError::new(field, format!("at least {min} person")));
    }
    ids
}

fn external_ref(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<ExternalRef> {
    raw.and_then(|raw| {
        ExternalRef::parse(raw)
            .map_err(|message| errors.push(FieldError::new("external_ref", message)))
            .ok()
    })
}

/// An optional employee id given as a filter (`?candidate_id=`): 422 naming it when malformed.
pub fn employee_filter(
    field: &str,
    raw: Option<&str>,
) -> Result<Option<EmployeeId>, Vec<FieldError>> {
    raw.map(|raw| EmployeeId::parse(raw).map_err(|m| vec![FieldError::new(field, m)]))
        .transpose()
}

/// A validated requisition: a new one, or the full state a sync brings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequisitionDraft {
    pub external_ref: Option<ExternalRef>,
    pub title: String,
    pub department: String,
    pub hiring_manager_ids: Vec<EmployeeId>,
    pub hr_partner_ids: Vec<EmployeeId>,
    pub status: RequisitionStatus,
}

impl RequisitionDraft {
    pub fn parse(
        external_ref_raw: Option<&str>,
        title: &str,
        department: &str,
        hiring_manager_ids: &[String],
        hr_partner_ids: &[String],
        status: RequisitionStatus,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let external_ref = external_ref(external_ref_raw, &mut errors);
        let title = bounded_text("title", title, 1, TITLE_MAX, &mut errors);
        let department = bounded_text("department", department, 1, DEPARTMENT_MAX, &mut errors);
        let hiring_manager_ids = people("hiring_manager_ids", hiring_manager_ids, 1, &mut errors);
        let hr_partner_ids = people("hr_partner_ids", hr_partner_ids, 0, &mut errors);
        collected(
            Self {
                external_ref,
                title,
                department,
                hiring_manager_ids,
                hr_partner_ids,
                status,
            },
            errors,
        )
    }
}

/// Which of a sync's optional fields the body carried: on an existing requisition the others
/// keep their values (their defaults apply at creation only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncGiven {
    pub status: bool,
    pub hr_partner_ids: bool,
}

impl SyncGiven {
    /// Every field given (a full state, as the demo seed sends).
    pub const ALL: Self = Self {
        status: true,
        hr_partner_ids: true,
    };
}

/// A validated partial change of a requisition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequisitionChange {
    pub title: Option<String>,
    pub department: Option<String>,
    pub hiring_manager_ids: Option<Vec<EmployeeId>>,
    pub hr_partner_ids: Option<Vec<EmployeeId>>,
}

impl RequisitionChange {
    pub fn parse(
        title: Option<&str>,
        department: Option<&str>,
        hiring_manager_ids: Option<&[String]>,
        hr_partner_ids: Option<&[String]>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let change = Self {
            title: title.map(|t| bounded_text("title", t, 1, TITLE_MAX, &mut errors)),
            department: department
                .map(|d| bounded_text("department", d, 1, DEPARTMENT_MAX, &mut errors)),
            hiring_manager_ids: hiring_manager_ids
                .map(|ids| people("hiring_manager_ids", ids, 1, &mut errors)),
            hr_partner_ids: hr_partner_ids.map(|ids| people("hr_partner_ids", ids, 0, &mut errors)),
        };
        if change == Self::default() {
            errors.push(FieldError::new("", "give at least one field to change"));
        }
        collected(change, errors)
    }
    /// Whether applying this change to a requisition holding these values would change
    /// anything. A change that would not is a no-op: no write, no new version, no event.
    pub fn changes(
        &self,
        title: &str,
        department: &str,
        hiring_manager_ids: &[EmployeeId],
        hr_partner_ids: &[EmployeeId],
    ) -> bool {
        let differs = |wanted: &Option<Vec<EmployeeId>>, current: &[EmployeeId]| {
            wanted.as_ref().is_some_and(|wanted| {
                let mut wanted = wanted.clone();
                let mut current = current.to_vec();
                wanted.sort();
                wanted.dedup();
                current.sort();
                current.dedup();
                wanted != current
            })
        };
        self.title.as_deref().is_some_and(|t| t != title)
            || self.department.as_deref().is_some_and(|d| d != department)
            || differs(&self.hiring_manager_ids, hiring_manager_ids)
            || differs(&self.hr_partner_ids, hr_partner_ids)
    }
}

/// The filters of the requisition list, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequisitionQuery {
    pub status: Option<RequisitionStatus>,
    pub department: Option<String>,
    /// Only requisitions listing this employee as hiring manager.
    pub hiring_manager: Option<EmployeeId>,
    /// Only requisitions changed at or after this instant (a nightly sync's "since").
    pub updated_since: Option<DateTime<Utc>>,
}

impl RequisitionQuery {
    pub fn parse(
        status: Option<RequisitionStatus>,
        department: Option<&str>,
        hiring_manager: Option<&str>,
        updated_since: Option<DateTime<Utc>>,
    ) -> Result<Self, Vec<FieldError>> {
        let hiring_manager = employee_filter("hiring_manager", hiring_manager)?;
        if department.is_some_and(|d| d.chars().count() > DEPARTMENT_MAX) {
            return Err(vec![FieldError::new(
                "department",
                format!("must be at most {DEPARTMENT_MAX} characters"),
            )]);
        }
        Ok(Self {
            status,
            department: department.map(str::to_owned),
            hiring_manager,
            updated_since,
        })
    }
}

/// The filters of the application list, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationQuery {
    pub requisition_id: Option<RequisitionId>,
    pub candidate_id: Option<EmployeeId>,
    pub status: Option<ApplicationStatus>,
    /// Only applications changed at or after this instant.
    pub updated_since: Option<DateTime<Utc>>,
}

impl ApplicationQuery {
    pub fn parse(
        requisition_id: Option<RequisitionId>,
        candidate_id: Option<&str>,
        status: Option<ApplicationStatus>,
        updated_since: Option<DateTime<Utc>>,
    ) -> Result<Self, Vec<FieldError>> {
        Ok(Self {
            requisition_id,
            candidate_id: employee_filter("candidate_id", candidate_id)?,
            status,
            updated_since,
        })
    }
}

/// A validated application: a new one, or the state a sync brings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationDraft {
    pub requisition_id: RequisitionId,
    pub candidate_id: EmployeeId,
    pub external_ref: Option<ExternalRef>,
    /// `None`: not given. A new application starts at `screening`; a synced one keeps its stage.
    pub stage_reached: Option<Stage>,
}

impl ApplicationDraft {
    /// The stage a new application starts at.
    pub fn initial_stage(&self) -> Stage {
        self.stage_reached.unwrap_or(Stage::Screening)
    }
}

impl ApplicationDraft {
    pub fn parse(
        requisition_id: RequisitionId,
        candidate_id: &str,
        external_ref_raw: Option<&str>,
        stage_reached: Option<Stage>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let external_ref = external_ref(external_ref_raw, &mut errors);
        let candidate_id = EmployeeId::parse(candidate_id)
            .map_err(|message| errors.push(FieldError::new("candidate_id", message)))
            .ok();
        match candidate_id {
            Some(candidate_id) if errors.is_empty() => Ok(Self {
                requisition_id,
                candidate_id,
                external_ref,
                stage_reached,
            }),
            _ => Err(errors),
        }
    }
}
