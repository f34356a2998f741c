//! A subscription's delivery log and its queue, as HR and the portal see them, and manual
//! redelivery.

use crate::auth::policy::Operation;
use crate::domain::webhooks::DeliveryState;
use crate::domain::{AttemptId, Checked, EventId, Principal, SubscriptionId};
use crate::storage::{now, Attempt, Delivery};

use super::super::{authorize, record, AppError, AppResult, Page, PageRequest};
use super::{about, Webhooks};

impl Webhooks<'_> {
    /// A subscription's deliveries, newest event first.
    pub async fn deliveries(
        &self,
        principal: &Principal,
        id: Option<SubscriptionId>,
        state: Option<DeliveryState>,
        page: Checked<PageRequest<EventId>>,
    ) -> AppResult<Page<Delivery>> {
        authorize(principal, Operation::ListWebhookDeliveries)?;
        let page = page?;
        let subscription = self.get_visible(principal, id).await?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let rows = connection
            .db()
            .list_deliveries(
                principal.tenant(),
                subscription,
                state,
                page.after,
                page.fetch(),
            )
            .await?;
        Ok(Page::of(rows, page.limit))
    }

    /// A subscription's delivery log, newest attempt first.
    pub async fn attempts(
        &self,
        principal: &Principal,
        id: Option<SubscriptionId>,
        page: Checked<PageRequest<AttemptId>>,
    ) -> AppResult<Page<Attempt>> {
        authorize(principal, Operation::ListWebhookAttempts)?;
        let page = page?;
        let subscription = self.get_visible(principal, id).await?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let rows = connection
            .db()
            .list_attempts(principal.tenant(), subscription, page.after, page.fetch())
            .await?;
        Ok(Page::of(rows, page.limit))
    }

    /// Queues `event` for the subscription again, due now, with a fresh retry schedule (also
    /// an event from before the subscription existed, or of a type it does not take).
    pub async fn redeliver(
        &self,
        principal: &Principal,
        id: Option<SubscriptionId>,
        event: Option<EventId>,
    ) -> AppResult<()> {
        authorize(principal, Operation::RedeliverWebhook)?;
        let subscription = self.get_visible(principal, id).await?;
        let event = event.ok_or(AppError::NotFound)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        let mut tx = connection.begin().await?;
        let mut db = tx.db();
        if !db
            .requeue_delivery(principal.tenant(), subscription, event, now())
            .await?
        {
            return Err(AppError::NotFound);
        }
        record(
            &mut db,
            principal,
            "webhook_subscription.redeliver",
            &about(subscription),
            serde_json::json!({"event_id": event}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_visible(
        &self,
        principal: &Principal,
        id: Option<SubscriptionId>,
    ) -> AppResult<SubscriptionId> {
        let id = id.ok_or(AppError::NotFound)?;
        let mut connection = self.0.connection(principal.tenant()).await?;
        match connection
            .db()
            .get_subscription(principal.tenant(), id)
            .await?
        {
            Some(found) => Ok(found.id),
            None => Err(AppError::NotFound),
        }
    }
}
