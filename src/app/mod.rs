//! The use cases: one module per area. A use case takes the acting principal and validated
//! input, and does everything else in one place: authorization (the policy), visibility (the
//! caller's relation to the object: 404 when missing), validation that needs the database,
//! the transition, the write with its audit event in one transaction, read-auditing, retries
//! and idempotency. It runs every statement on one pooled connection. Nothing here knows HTTP;
//! the HTTP API, the command line and the background tasks all call these.

mod applications;
mod audit;
mod cache;
mod candidate;
mod catalogs;
pub mod deadlines;
mod error;
mod events;
mod feedback;
mod follow_ups;
mod idempotency;
mod languages;
mod privacy;
pub mod reports;
mod requisitions;
mod resources;
pub mod retention;
pub mod seed;
mod settings;
mod tenants;
pub mod webhooks;

use std::collections::HashSet;
use std::sync::RwLock;

use crate::auth::policy::{self, HiringView, Operation};
use crate::config::WebhookSettings;
use crate::domain::events::EventType;
use crate::domain::{EmployeeId, Precondition, Principal, RequisitionId, TenantId};
use crate::storage::{
    Application, AuditContext, AuditRecord, Connection, Db, Feedback, FollowUp, NewEvent,
    RequisitionRow, Store,
};

pub use applications::Applications;
pub use audit::Audit;
pub use candidate::{Candidate, Plan, PlanItem};
pub use catalogs::Catalogs;
pub use error::{AppError, AppResult};
pub use events::Message;
pub use feedback::{Amendment, Draft, FeedbackHistory, FeedbackQuery, FeedbackUseCases};
pub use follow_ups::{Activity, FollowUps};
pub use idempotency::{Created, Once};
pub use languages::{Languages, Localized};
pub use privacy::{Privacy, SubjectExport, SubjectFeedback};
pub use requisitions::{Requisitions, SyncItem, SYNC_MAX};
pub use resources::{ResourceQuery, Resources};

/// The application: the store and what the use cases share.
pub struct App {
    store: Store,
    /// Tenants known to exist, so that provisioning costs one query per tenant and process.
    tenants: RwLock<HashSet<TenantId>>,
    /// The tenants' label sources, by the versions they were read at.
    labels: languages::LabelCache,
    /// The tenants' active catalog keys, by the catalogs' version they were read at.
    keys: catalogs::KeyCache,
    webhooks: WebhookSettings,
    sender: webhooks::Sender,
    deliveries: webhooks::DeliveryCounters,
}

impl App {
    /// The application over `store`, delivering webhooks as `webhooks` says.
    pub fn new(store: Store, webhooks: WebhookSettings) -> Result<Self, String> {
        Ok(Self {
            store,
            tenants: RwLock::default(),
            labels: Default::default(),
            keys: Default::default(),
            sender: webhooks::Sender::new(&webhooks)?,
            webhooks,
            deliveries: webhooks::DeliveryCounters::default(),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The service secret called `name`, made from `fresh` by the first replica that asks.
    pub async fn service_secret(&self, name: &str, fresh: &str) -> AppResult<String> {
        let mut connection = self.store.acquire().await?;
        Ok(connection.db().service_secret(name, fresh).await?)
    }

    pub fn catalogs(&self) -> Catalogs<'_> {
        Catalogs(self)
    }

    pub fn languages(&self) -> Languages<'_> {
        Languages(self)
    }

    pub fn resources(&self) -> Resources<'_> {
        Resources(self)
    }

    pub fn requisitions(&self) -> Requisitions<'_> {
        Requisitions(self)
    }

    pub fn applications(&self) -> Applications<'_> {
        Applications(self)
    }

    pub fn feedback(&self) -> FeedbackUseCases<'_> {
        FeedbackUseCases(self)
    }

    pub fn candidate(&self) -> Candidate<'_> {
        Candidate(self)
    }

    pub fn follow_ups(&self) -> FollowUps<'_> {
        FollowUps(self)
    }

    pub fn audit(&self) -> Audit<'_> {
        Audit(self)
    }

    pub fn events(&self) -> events::Events<'_> {
        events::Events(self)
    }

    pub fn privacy(&self) -> Privacy<'_> {
        Privacy(self)
    }

    pub fn deadlines(&self) -> deadlines::Deadlines<'_> {
        deadlines::Deadlines(self)
    }

    pub fn reports(&self) -> reports::Reports<'_> {
        reports::Reports(self)
    }

    pub fn webhooks(&self) -> webhooks::Webhooks<'_> {
        webhooks::Webhooks(self)
    }

    /// One pooled connection for a use case in `tenant` (scoped to it where the database
    /// enforces row-level security).
    async fn connection(&self, tenant: &TenantId) -> AppResult<Connection> {
        Ok(self.store.acquire_for(tenant).await?)
    }
}

/// Hears how far a long command (`seed`, `retention apply`) has got: the command line draws a
/// progress bar on a terminal; `()` hears nothing.
pub trait Progress {
    /// `total` items are coming.
    fn length(&self, _total: u64) {}
    /// One more item is done.
    fn advance(&self) {}
}

impl Progress for () {}

/// Who is acting, for the audit trail, with the current request's id.
fn actor(principal: &Principal) -> AuditContext {
    AuditContext::of(principal, crate::telemetry::current_request_id())
}

/// What an audit event is about: the resource's type and id, and the candidate it concerns.
trait Audited {
    fn about(&self) -> (&'static str, String, Option<&EmployeeId>);

    /// Who else an event about it concerns (the feedback's author).
    fn author(&self) -> Option<&EmployeeId> {
        None
    }

    /// Ids of the records it hangs off, for an event's `data` (`application_id`, …).
    fn links(&self) -> serde_json::Map<String, serde_json::Value> {
        serde_json::Map::new()
    }
}

impl Audited for RequisitionRow {
    fn about(&self) -> (&'static str, String, Option<&EmployeeId>) {
        ("requisition", self.id.to_string(), None)
    }
}

impl Audited for Application {
    fn about(&self) -> (&'static str, String, Option<&EmployeeId>) {
        ("application", self.id.to_string(), Some(&self.candidate_id))
    }

    fn links(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut links = serde_json::Map::new();
        links.insert(
            "requisition_id".into(),
            self.requisition_id.to_string().into(),
        );
        links.insert("status".into(), self.status.as_str().into());
        links
    }
}

impl Audited for Feedback {
    fn about(&self) -> (&'static str, String, Option<&EmployeeId>) {
        ("feedback", self.id.to_string(), Some(&self.candidate_id))
    }

    fn author(&self) -> Option<&EmployeeId> {
        Some(&self.author_id)
    }

    fn links(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut links = serde_json::Map::new();
        links.insert(
            "application_id".into(),
            self.application_id.to_string().into(),
        );
        links.insert(
            "requisition_id".into(),
            self.requisition_id.to_string().into(),
        );
        links.insert("status".into(), self.status.as_str().into());
        links.insert("revision".into(), self.revision.into());
        links
    }
}

impl Audited for FollowUp {
    fn about(&self) -> (&'static str, String, Option<&EmployeeId>) {
        ("follow_up", self.id.to_string(), Some(&self.candidate_id))
    }
}

/// A resource named where it is recorded: (type, id, candidate).
impl Audited for (&'static str, String, Option<&EmployeeId>) {
    fn about(&self) -> (&'static str, String, Option<&EmployeeId>) {
        (self.0, self.1.clone(), self.2)
    }
}

/// Records what the caller did (inside the write's transaction). Details carry ids and
/// states, never free text.
async fn record(
    db: &mut Db<'_>,
    principal: &Principal,
    action: &str,
    about: &impl Audited,
    details: serde_json::Value,
) -> AppResult<()> {
    let (resource_type, resource_id, candidate) = about.about();
    // The outbox: the event the action causes, in the same transaction as the change.
    if let Some(kind) = EventType::caused_by(action) {
        let mut data = about.links();
        data.insert(format!("{resource_type}_id"), resource_id.clone().into());
        if let serde_json::Value::Object(details) = &details {
            for (key, value) in details {
                data.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
        let event = NewEvent {
            kind,
            candidate,
            author: about.author(),
            data: data.into(),
        };
        db.insert_event(principal.tenant(), event, crate::storage::now())
            .await?;
    }
    let record = AuditRecord {
        action,
        resource_type,
        resource_id,
        candidate,
        details,
    };
    db.record_audit(principal.tenant(), &actor(principal), record)
        .await?;
    Ok(())
}

/// `Denied` unless the caller's roles grant `operation`.
fn authorize(principal: &Principal, operation: Operation) -> AppResult<()> {
    Ok(policy::authorize(principal, operation)?)
}

/// The version the caller saw: `VersionRequired` when missing, `Malformed` when it is not one.
fn expected_version(precondition: Precondition) -> AppResult<i64> {
    match precondition {
        Precondition::Missing => Err(AppError::VersionRequired),
        Precondition::Malformed => Err(AppError::Malformed(
            "If-Match must be the resource's strong ETag, such as \"3\".".into(),
        )),
        Precondition::Version(version) => Ok(version),
    }
}

/// `NotFound` unless the caller may see the requisition `id`: HR and the HR portal always may
/// (no lookup); a hiring manager when it lists them. Guards everything hanging off a
/// requisition.
async fn ensure_requisition_visible(
    db: &mut Db<'_>,
    principal: &Principal,
    id: RequisitionId,
) -> AppResult<()> {
    let visible = match HiringView::of(principal) {
        HiringView::Tenant => true,
        HiringView::ManagedBy(manager) => db.manages(principal.tenant(), id, manager).await?,
        HiringView::Nothing => false,
    };
    if visible {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Records that the caller read candidates' records (reads of one's own are not recorded).
async fn audit_reads<'a>(
    db: &mut Db<'_>,
    principal: &Principal,
    action: &str,
    resource_type: &str,
    read: impl IntoIterator<Item = (String, &'a EmployeeId)>,
) -> AppResult<()> {
    let reads: Vec<(String, EmployeeId)> = read
        .into_iter()
        .filter(|(_, candidate)| !principal.is(candidate))
        .map(|(id, candidate)| (id, candidate.clone()))
        .collect();
    db.record_reads(
        principal.tenant(),
        &actor(principal),
        action,
        resource_type,
        &reads,
    )
    .await?;
    Ok(())
}

/// A page request: how many items, after which keyset position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest<K> {
    pub limit: u32,
    pub after: Option<K>,
}

/// A page of items; `more` when there are items after the last one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub more: bool,
}

impl<T> Page<T> {
    /// Trims rows fetched with `limit + 1` to a page.
    fn of(mut rows: Vec<T>, limit: u32) -> Self {
        let limit = limit as usize;
        let more = rows.len() > limit;
        rows.truncate(limit);
        Self { items: rows, more }
    }

    fn empty() -> Self {
        Self {
            items: Vec::new(),
            more: false,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            more: self.more,
        }
    }
}

impl<K> PageRequest<K> {
    /// How many rows to fetch to know whether there is a next page.
    fn fetch(&self) -> u32 {
        self.limit + 1
    }
}

/// A step that raced a concurrent change is re-evaluated this many times.
const ATTEMPTS: usize = 3;
