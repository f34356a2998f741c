//! The audit trail, queried by HR. Nothing in the API changes or deletes an event, and the
//! database refuses it too.

use crate::auth::policy::Operation;
use crate::domain::audit::AuditQuery;
use crate::domain::{AuditEventId, Checked, Principal};
use crate::storage::{AuditEvent, AuditFilter};

use super::{authorize, App, AppResult, Page, PageRequest};

pub struct Audit<'a>(pub(super) &'a App);

impl Audit<'_> {
    pub async fn list(
        &self,
        principal: &Principal,
        query: Checked<AuditQuery>,
        page: Checked<PageRequest<AuditEventId>>,
    ) -> AppResult<Page<AuditEvent>> {
        authorize(principal, Operation::ListAuditEvents)?;
        let page = page?;
        let filter = AuditFilter {
            query: query?,
            after: page.after,
        };
        let mut connection = self.0.connection(principal.tenant()).await?;
        let rows = connection
            .db()
            .list_audit_events(principal.tenant(), &filter, page.fetch())
            .await?;
        Ok(Page::of(rows, page.limit))
    }
}
