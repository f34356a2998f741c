//! The event feed: a tenant's outbox, in order, for portals that poll rather than receive
//! webhooks. Reading it is not a read of anyone's feedback: it writes no audit event.

use chrono::{DateTime, Utc};

use crate::auth::policy::Operation;
use crate::domain::events::EventType;
use crate::domain::{Checked, EventId, Principal};
use crate::storage::{Event, FeedPosition};

use super::{authorize, App, AppResult, Page, PageRequest};

/// An event as receivers get it, in the feed and in a webhook's body: the Standard Webhooks
/// shape (`type`, `timestamp`, `data`) with its stable `id`. `data` carries ids and states,
/// never free text, and `notify`: the employees the event concerns.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Message {
    pub id: EventId,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub timestamp: DateTime<Utc>,
    pub data: serde_json::Value,
}

impl From<&Event> for Message {
    fn from(event: &Event) -> Self {
        let mut data = match &event.data.0 {
            serde_json::Value::Object(data) => data.clone(),
            _ => serde_json::Map::new(),
        };
        // Whom to tell: as recorded (reminders tell the managers, not the candidate), or the
        // people the event is about.
        let preset = data.remove("notify");
        let mut notify = Vec::new();
        for (field, person) in [
            ("candidate_id", &event.candidate_id),
            ("author_id", &event.author_id),
        ] {
            if let Some(person) = person {
                data.insert(field.into(), person.as_str().into());
                notify.push(serde_json::Value::from(person.as_str()));
            }
        }
        let notify = match preset {
            Some(serde_json::Value::Array(people)) => people.into(),
            _ => notify.into(),
        };
        data.insert("notify".into(), notify);
        Self {
            id: event.id,
            kind: event.kind,
            timestamp: event.occurred_at,
            data: data.into(),
        }
    }
}

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
