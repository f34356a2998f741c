//! `debrief seed`: a realistic demo tenant, so that a newcomer can try the whole flow from the
//! docs page. Safe to run again: everything is upserted by external reference.

use crate::domain::hiring::{
    ApplicationDraft, ExternalRef, Outcome, RequisitionDraft, RequisitionStatus, Stage, SyncGiven,
};
use crate::domain::{EmployeeId, Principal, Role, TenantId};

use super::{App, AppError, AppResult};

struct DemoRequisition {
    reference: &'static str,
    title: &'static str,
    department: &'static str,
    managers: &'static [&'static str],
    hr_partners: &'static [&'static str],
    status: RequisitionStatus,
}

struct DemoApplication {
    reference: &'static str,
    requisition: &'static str,
    candidate: &'static str,
    stage: Stage,
    outcome: Option<Outcome>,
}

const REQUISITIONS: &[DemoRequisition] = &[
    DemoRequisition {
        reference: "DEMO-REQ-1",
        title: "Senior Data Analyst",
        department: "Finance",
        managers: &["M1001"],
        hr_partners: &["H1001"],
        status: RequisitionStatus::Open,
    },
    DemoRequisition {
        reference: "DEMO-REQ-2",
        title: "Engineering Team Lead",
        department: "Engineering",
        managers: &["M1002"],
        hr_partners: &["H1001"],
        status: RequisitionStatus::Open,
    },
    DemoRequisition {
        reference: "DEMO-REQ-3",
        title: "Product Manager, Payments",
        department: "Product",
        managers: &["M1001", "M1003"],
        hr_partners: &["H1002"],
        status: RequisitionStatus::Closed,
    },
];

const APPLICATIONS: &[DemoApplication] = &[
    DemoApplication {
        reference: "DEMO-APP-1",
        requisition: "DEMO-REQ-1",
        candidate: "E1001",
        stage: Stage::Final,
        outcome: Some(Outcome::Rejected),
    },
    DemoApplication {
        reference: "DEMO-APP-2",
        requisition: "DEMO-REQ-1",
        candidate: "E1002",
        stage: Stage::Final,
        outcome: Some(Outcome::Hired),
    },
    DemoApplication {
        reference: "DEMO-APP-3",
        requisition: "DEMO-REQ-2",
        candidate: "E1003",
        stage: Stage::Interview,
        outcome: None,
    },
    DemoApplication {
        reference: "DEMO-APP-4",
        requisition: "DEMO-REQ-3",
        candidate: "E1001",
        stage: Stage::Interview,
        outcome: Some(Outcome::Rejected),
    },
    DemoApplication {
        reference: "DEMO-APP-5",
        requisition: "DEMO-REQ-3",
        candidate: "E1004",
        stage: Stage::Screening,
        outcome: Some(Outcome::Withdrawn),
    },
];

/// What `seed` wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub requisitions: usize,
    pub applications: usize,
    pub decisions: usize,
}

fn invalid(what: &str) -> AppError {
    AppError::Internal(format!("demo data is invalid: {what}"))
}

/// Loads the demo data into `tenant`, acting as the service's `seed` account with the HR
/// portal's rights (every write is audited as `seed`).
pub async fn seed(app: &App, tenant: &TenantId) -> AppResult<SeedReport> {
    seed_with_progress(app, tenant, &()).await
}

/// `seed`, telling `progress` about each requisition and application.
pub async fn seed_with_progress(
    app: &App,
    tenant: &TenantId,
    progress: &(dyn super::Progress + Sync),
) -> AppResult<SeedReport> {
    progress.length(u64::try_from(REQUISITIONS.len() + APPLICATIONS.len()).unwrap_or(u64::MAX));
    app.provision(tenant).await?;
    let seeder = Principal::new(
        EmployeeId::service("seed"),
        vec![Role::Hr, Role::Integration],
        tenant.clone(),
    );
    let mut report = SeedReport::default();
    let mut ids = std::collections::HashMap::new();
    for demo in REQUISITIONS {
        let people = |ids: &[&str]| ids.iter().map(|id| (*id).to_owned()).collect::<Vec<_>>();
        let draft = RequisitionDraft::parse(
            Some(demo.reference),
            demo.title,
            demo.department,
            &people(demo.managers),
            &people(demo.hr_partners),
            demo.status,
        )
        .map_err(|_| invalid(demo.reference))?;
        let reference = ExternalRef::parse(demo.reference).map_err(invalid)?;
        let (_, requisition) = app
            .requisitions()
            .upsert(&seeder, reference, Ok(draft), SyncGiven::ALL)
            .await?;
        ids.insert(demo.reference, requisition.row.id);
        report.requisitions += 1;
        progress.advance();
    }
    for demo in APPLICATIONS {
        progress.advance();
        let requisition = *ids
            .get(demo.requisition)
            .ok_or_else(|| invalid(demo.reference))?;
        let draft = ApplicationDraft::parse(
            requisition,
            demo.candidate,
            Some(demo.reference),
            Some(demo.stage),
        )
        .map_err(|_| invalid(demo.reference))?;
        let reference = ExternalRef::parse(demo.reference).map_err(invalid)?;
        let (_, application) = match app
            .applications()
            .upsert(&seeder, reference, Ok(draft))
            .await
        {
            Ok(result) => result,
            // Already decided on an earlier run with another stage: the stage is final.
            Err(AppError::Conflict(_)) => {
                report.applications += 1;
                continue;
            }
            Err(other) => return Err(other),
        };
        report.applications += 1;
        if let Some(outcome) = demo.outcome {
            match app
                .applications()
                .decide(&seeder, application.id, outcome, demo.stage)
                .await
            {
                Ok(_) => report.decisions += 1,
                // Decided on an earlier run.
                Err(AppError::Conflict(_)) => {}
                Err(other) => return Err(other),
            }
        }
    }
    Ok(report)
}
