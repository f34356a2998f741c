//! `/v1/events`: the event feed, for HR portals that poll instead of receiving webhooks.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::Message;
use crate::domain::events::EventType;
use crate::domain::{EventId, FieldError, Invalid, Principal};
use crate::storage::Event;

use super::error::{ApiResult, Problem, PROBLEM_JSON};
use super::pagination::PageParams;
use super::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_events);
}

/// Something that happened, in the Standard Webhooks payload shape (`type`, `timestamp`,
/// `data`) with a stable `id`. `data` carries ids and states, never free text: fetch the
/// details through the API with your own rights. `data.notify` lists the employees the event
/// concerns (the candidate, the feedback's author).
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    #[schema(value_type = uuid::Uuid)]
    pub id: EventId,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub timestamp: DateTime<Utc>,
    pub data: serde_json::Value,
}

impl From<&Event> for EventView {
    fn from(event: &Event) -> Self {
        let message = Message::from(event);
        Self {
            id: message.id,
            kind: message.kind,
            timestamp: message.timestamp,
            data: message.data,
        }
    }
}

/// A page of the feed, in order. Poll again with `next_cursor` (present once the feed has an
/// event) to get what happened since; a page shorter than `limit` means "up to date".
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<EventView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilterParams {
    /// Only these types, comma-separated (`feedback.released,feedback.amended`).
    #[param(max_length = 1024)]
    pub r#type: Option<String>,
}

fn parse_types(raw: Option<&str>) -> Result<Vec<EventType>, Invalid> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| {
            EventType::parse(name).ok_or_else(|| {
                Invalid::Fields(vec![FieldError::new(
                    "type",
                    format!("{name:?} is not an event type"),
                )])
            })
        })
        .collect()
}

/// The tenant's events since a position (HR, HR portal): ordered, with stable cursors. An
/// event appears once every transaction that started before it has ended, so a cursor never
/// skips an event that commits late. Reading the feed writes no audit event.
#[utoipa::path(
    tag = "events",
    params(EventFilterParams, PageParams),
    responses(
        (status = 200, description = "Events after the cursor, in order", body = EventPage),
        (status = 422, description = "Unknown `type`, invalid `limit` or `cursor`", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[get("/events")]
async fn list_events(
    state: web::Data<AppState>,
    principal: Principal,
    filter: web::Query<EventFilterParams>,
    params: web::Query<PageParams>,
) -> ApiResult<web::Json<EventPage>> {
    let pager = state.cursors().await?.list("events");
    let request = params.request(&pager);
    let page = state
        .app
        .events()
        .feed(&principal, parse_types(filter.r#type.as_deref()), request)
        .await?;
    // A feed always says where to continue: after the last event, or where the caller was.
    let next_cursor = page
        .items
        .last()
        .map(|last| pager.encode(&(last.tx, last.id)))
        .or_else(|| params.cursor.clone());
    Ok(web::Json(EventPage {
        next_cursor,
        items: page.items.iter().map(EventView::from).collect(),
    }))
}
