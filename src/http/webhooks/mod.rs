//! `/v1/webhooks`: where the tenant's events are delivered (HR, HR portal), with each
//! subscription's deliveries, its delivery log, redelivery, secret rotation and a test ping.

mod views;

use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::webhooks::{DeliveryState, NewSubscription, SubscriptionChange};
use crate::domain::{EventId, Principal, SubscriptionId};
use crate::storage::Subscription;

use views::{
    AttemptPage, AttemptView, DeliveryPage, DeliveryView, NewWebhook, WebhookChange, WebhookPage,
    WebhookView, WebhookWithSecret,
};

use super::error::{ApiError, ApiResult, Problem, PROBLEM_JSON};
use super::extract::{Body, IfMatch};
use super::pagination::PageParams;
use super::respond::{document, stored};
use super::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_webhooks)
        .service(create_webhook)
        .service(get_webhook)
        .service(update_webhook)
        .service(delete_webhook)
        .service(rotate_secret)
        .service(ping_webhook)
        .service(list_deliveries)
        .service(redeliver)
        .service(list_attempts);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct WebhookPath {
    /// The subscription's id.
    #[param(value_type = uuid::Uuid)]
    pub id: SubscriptionId,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DeliveryPath {
    /// The subscription's id.
    #[param(value_type = uuid::Uuid)]
    pub id: SubscriptionId,
    /// The event's id.
    #[param(value_type = uuid::Uuid)]
    pub event_id: EventId,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilterParams {
    /// Only deliveries in this state.
    pub state: Option<DeliveryState>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RotateParams {
    /// How long the old secret keeps signing beside the new one, in seconds (default: the
    /// service's `DEBRIEF_WEBHOOK_SECRET_GRACE_SECS`, 24 hours); 0 retires it at once.
    #[param(minimum = 0, maximum = 2_592_000)]
    pub grace_period_seconds: Option<u32>,
}

fn render(status: StatusCode, subscription: &Subscription) -> HttpResponse {
    let location = format!("/v1/webhooks/{}", subscription.id);
    stored(
        &document(
            status,
            &WebhookView::from(subscription),
            subscription.version,
            Some(location),
        ),
        false,
    )
}

fn render_with_secret(
    status: StatusCode,
    created: &crate::app::webhooks::WithSecret,
) -> HttpResponse {
    let body = WebhookWithSecret {
        subscription: WebhookView::from(&created.subscription),
        secret: created.secret.clone(),
    };
    let location = format!("/v1/webhooks/{}", created.subscription.id);
    stored(
        &document(status, &body, created.subscription.version, Some(location)),
        false,
    )
}

/// List the tenant's webhook subscriptions (HR, HR portal).
#[utoipa::path(
    tag = "webhooks",
    params(PageParams),
    responses((status = 200, description = "A page of subscriptions, oldest first", body = WebhookPage))
)]
#[get("/webhooks")]
async fn list_webhooks(
    state: web::Data<AppState>,
    principal: Principal,
    params: web::Query<PageParams>,
) -> ApiResult<web::Json<WebhookPage>> {
    let pager = state.cursors().await?.list("webhooks");
    let page = state
        .app
        .webhooks()
        .list(&principal, params.request(&pager))
        .await?;
    Ok(web::Json(WebhookPage {
        next_cursor: pager.next(&page, |s| s.id),
        items: page.items.iter().map(WebhookView::from).collect(),
    }))
}

/// Subscribe an endpoint to the tenant's events (HR, HR portal). The answer carries the
/// signing secret, the only time it is shown.
#[utoipa::path(
    tag = "webhooks",
    request_body = NewWebhook,
    responses(
        (status = 201, description = "Created; keep the secret", body = WebhookWithSecret,
         headers(("ETag" = String), ("Location" = String))),
        (status = 422, description = "Invalid fields, or a destination that is not allowed", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/webhooks")]
async fn create_webhook(
    state: web::Data<AppState>,
    principal: Principal,
    body: Body<NewWebhook>,
) -> ApiResult<HttpResponse> {
    let webhooks = state.app.webhooks();
    let new = NewSubscription::parse(
        &body.url,
        body.description.as_deref(),
        body.event_types.as_deref().unwrap_or_default(),
        body.enabled,
        webhooks.allow_local_destinations(),
    );
    let created = webhooks.create(&principal, new.map_err(Into::into)).await?;
    Ok(render_with_secret(StatusCode::CREATED, &created))
}

/// Read a subscription (HR, HR portal).
#[utoipa::path(
    tag = "webhooks",
    params(WebhookPath),
    responses((status = 200, description = "The subscription", body = WebhookView, headers(("ETag" = String))))
)]
#[get("/webhooks/{id}")]
async fn get_webhook(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<WebhookPath>,
) -> ApiResult<HttpResponse> {
    let subscription = state.app.webhooks().get(&principal, Some(path.id)).await?;
    Ok(render(StatusCode::OK, &subscription))
}

/// Change a subscription: its URL, types, description, or enable/disable it (HR, HR portal).
/// Needs `If-Match` with the current `ETag`.
#[utoipa::path(
    tag = "webhooks",
    params(
        WebhookPath,
        ("If-Match" = String, Header, description = "The subscription's current ETag", pattern = r#"^"[0-9]{1,18}"$"#),
    ),
    request_body = WebhookChange,
    responses(
        (status = 200, description = "Updated", body = WebhookView, headers(("ETag" = String))),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[patch("/webhooks/{id}")]
async fn update_webhook(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<WebhookPath>,
    if_match: IfMatch,
    body: Body<WebhookChange>,
) -> ApiResult<HttpResponse> {
    let webhooks = state.app.webhooks();
    let change = SubscriptionChange::parse(
        body.url.as_deref(),
        body.description.as_deref(),
        body.event_types.as_deref(),
        body.enabled,
        webhooks.allow_local_destinations(),
    );
    let updated = webhooks
        .update(
            &principal,
            Some(path.id),
            change.map_err(Into::into),
            if_match.0,
        )
        .await?;
    Ok(render(StatusCode::OK, &updated))
}

/// Delete a subscription with its pending deliveries and its log (HR, HR portal).
#[utoipa::path(
    tag = "webhooks",
    params(WebhookPath),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/webhooks/{id}")]
async fn delete_webhook(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<WebhookPath>,
) -> ApiResult<HttpResponse> {
    state
        .app
        .webhooks()
        .delete(&principal, Some(path.id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replace the signing secret (HR, HR portal). The answer carries the new secret, shown once;
/// the old one keeps signing beside it for the grace period, so both signatures are sent.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookPath, RotateParams),
    responses(
        (status = 200, description = "Rotated; keep the new secret", body = WebhookWithSecret, headers(("ETag" = String))),
        (status = 422, description = "Invalid grace period", body = Problem, content_type = PROBLEM_JSON),
    )
)]
#[post("/webhooks/{id}/rotate-secret")]
async fn rotate_secret(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<WebhookPath>,
    params: web::Query<RotateParams>,
) -> ApiResult<HttpResponse> {
    if params
        .grace_period_seconds
        .is_some_and(|secs| secs > 2_592_000)
    {
        return Err(ApiError::validation(
            "grace_period_seconds",
            "at most 2592000 (30 days)",
        ));
    }
    let grace = params
        .grace_period_seconds
        .map(|secs| std::time::Duration::from_secs(u64::from(secs)));
    let rotated = state
        .app
        .webhooks()
        .rotate_secret(&principal, Some(path.id), grace)
        .await?;
    Ok(render_with_secret(StatusCode::OK, &rotated))
}

/// Send a signed `webhook.ping` to the endpoint now and answer how it went (HR, HR portal).
/// The attempt is in the delivery log; a failing endpoint is a 200 with its `error`.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookPath),
    responses((status = 200, description = "The attempt", body = AttemptView))
)]
#[post("/webhooks/{id}/ping")]
async fn ping_webhook(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<WebhookPath>,
) -> ApiResult<web::Json<AttemptView>> {
    let attempt = state.app.webhooks().ping(&principal, Some(path.id)).await?;
    Ok(web::Json(AttemptView::from(&attempt)))
}

/// A subscription's deliveries, newest event first (HR, HR portal).
#[utoipa::path(
    tag = "webhooks",
    params(WebhookPath, DeliveryFilterParams, PageParams),
    responses((status = 200, description = "A page of deliveries", body = DeliveryPage))
)]
#[get("/webhooks/{id}/deliveries")]
async fn list_deliveries(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<WebhookPath>,
    filter: web::Query<DeliveryFilterParams>,
    params: web::Query<PageParams>,
) -> ApiResult<web::Json<DeliveryPage>> {
    let pager = state.cursors().await?.list("webhook-deliveries");
    let page = state
        .app
        .webhooks()
        .deliveries(
            &principal,
            Some(path.id),
            filter.state,
            params.request(&pager),
        )
        .await?;
    Ok(web::Json(DeliveryPage {
        next_cursor: pager.next(&page, |d| d.event_id),
        items: page.items.iter().map(DeliveryView::from).collect(),
    }))
}

/// Queue an event for the subscription again, due now, with a fresh retry schedule (HR, HR
/// portal); also an event from before it existed or of a type it does not take.
#[utoipa::path(
    tag = "webhooks",
    params(DeliveryPath),
    responses((status = 202, description = "Queued"))
)]
#[post("/webhooks/{id}/deliveries/{event_id}/redeliver")]
async fn redeliver(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<DeliveryPath>,
) -> ApiResult<HttpResponse> {
    state
        .app
        .webhooks()
        .redeliver(&principal, Some(path.id), Some(path.event_id))
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// A subscription's delivery log, newest attempt first (HR, HR portal).
#[utoipa::path(
    tag = "webhooks",
    params(WebhookPath, PageParams),
    responses((status = 200, description = "A page of attempts", body = AttemptPage))
)]
#[get("/webhooks/{id}/attempts")]
async fn list_attempts(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<WebhookPath>,
    params: web::Query<PageParams>,
) -> ApiResult<web::Json<AttemptPage>> {
    let pager = state.cursors().await?.list("webhook-attempts");
    let page = state
        .app
        .webhooks()
        .attempts(&principal, Some(path.id), params.request(&pager))
        .await?;
    Ok(web::Json(AttemptPage {
        next_cursor: pager.next(&page, |a| a.id),
        items: page.items.iter().map(AttemptView::from).collect(),
    }))
}
