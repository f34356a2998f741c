//! The event feed: a tenant's outbox, in order, for portals that poll rather than receive
//! webhooks. Reading it is not a read of anyone's feedback: it writes no audit event.

use crate::auth::policy::Operation;
use crate::domain::events::EventType;
use crate::domain::{Checked, Principal};
use crate::storage::{Event, FeedPosition};

use super::{authorize, App, AppResult, Page, PageRequest};

pub struct Events<'a>(pub(super) &'a App);

impl Events<'_> {
    /// The settled events after the requested position, of the given types (all when none).
    pub async fn feed(
        &self,
        principal: &Principal,
        types: Checked<Vec<EventType>>,
        page: Checked<PageRequest<FeedPosition>>,
    ) -> AppResult<Page<Event>> {
        authorize(principal, Operation::ListEvents)?;
        let types = types?;
        let page = page?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let rows = connection
            .db()
            .events_after(principal.tenant(), page.after, &types, page.fetch())
            .await?;
        Ok(Page::of(rows, page.limit))
    }
}
