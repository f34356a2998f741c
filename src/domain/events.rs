//! What the outbox records: a closed set of event types, each tied to the audited action that
//! causes it, so that an event is written exactly where (and in the transaction where) the
//! change is recorded.

use super::names::named;

named! {
    /// The type of an event (Standard Webhooks `type`).
    pub enum EventType ("event type") {
        /// A decision was recorded on an application (`data.outcome`).
        ApplicationDecided = "application.decided",
        /// A manager submitted feedback for HR review.
        FeedbackSubmitted = "feedback.submitted",
        /// HR returned feedback to its author.
        FeedbackReturned = "feedback.returned",
        /// HR approved feedback; it can be released.
        FeedbackApproved = "feedback.approved",
        /// Feedback is visible to the candidate.
        FeedbackReleased = "feedback.released",
        /// HR amended released feedback (a new revision).
        FeedbackAmended = "feedback.amended",
        /// The candidate acknowledged their feedback.
        FeedbackAcknowledged = "feedback.acknowledged",
        /// The candidate recorded progress on a development action.
        DevelopmentActionProgressed = "development_action.progressed",
        /// The candidate asked for a follow-up conversation.
        FollowUpRequested = "follow_up.requested",
        /// A follow-up request was answered.
        FollowUpAnswered = "follow_up.answered",
        /// A subject's personal data was erased (the pseudonym is in `candidate_id`).
        SubjectErased = "subject.erased",
        /// The candidate asked for the feedback on their rejection (`data.notify`: the
        /// requisition's hiring managers).
        FeedbackRequested = "feedback.requested",
        /// A rejection's feedback is due soon (`data.business_days` before the due day; 0: today).
        FeedbackDueSoon = "feedback.due_soon",
        /// A rejection's due day ended without released feedback.
        FeedbackOverdue = "feedback.overdue",
        /// Overdue past the policy's escalation threshold: HR is told (`data.notify`: the
        /// hiring managers and the HR partners).
        FeedbackEscalated = "feedback.escalated",
        /// Debrief disabled a webhook subscription whose endpoint kept failing
        /// (`data.subscription_id`); it is caused by no one's action.
        WebhookSubscriptionDisabled = "webhook_subscription.disabled",
    }
}

impl EventType {
    /// The event an audited action causes, if any.
    pub fn caused_by(action: &str) -> Option<Self> {
        Some(match action {
            "application.decide" => Self::ApplicationDecided,
            "feedback.submit" => Self::FeedbackSubmitted,
            "feedback.return" => Self::FeedbackReturned,
            "feedback.approve" => Self::FeedbackApproved,
            "feedback.release" => Self::FeedbackReleased,
            "feedback.amend" => Self::FeedbackAmended,
            "feedback.acknowledge" => Self::FeedbackAcknowledged,
            "development_action.progress" => Self::DevelopmentActionProgressed,
            "follow_up.create" => Self::FollowUpRequested,
            "follow_up.answer" => Self::FollowUpAnswered,
            "subject.erase" => Self::SubjectErased,
            "feedback.request" => Self::FeedbackRequested,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_its_cause_and_its_name_has_a_past_tense() {
        let causes = [
            "application.decide",
            "feedback.submit",
            "feedback.return",
            "feedback.approve",
            "feedback.release",
            "feedback.amend",
            "feedback.acknowledge",
            "development_action.progress",
            "follow_up.create",
            "follow_up.answer",
            "subject.erase",
            "feedback.request",
        ];
        let caused: Vec<EventType> = causes
            .iter()
            .filter_map(|a| EventType::caused_by(a))
            .collect();
        let by_people: Vec<EventType> = EventType::ALL
            .iter()
            .copied()
            .filter(|t| {
                !matches!(
                    t,
                    EventType::WebhookSubscriptionDisabled
                        | EventType::FeedbackDueSoon
                        | EventType::FeedbackOverdue
                        | EventType::FeedbackEscalated
                )
            })
            .collect();
        assert_eq!(caused, by_people);
        assert_eq!(EventType::caused_by("feedback.read"), None);
        assert_eq!(EventType::caused_by("catalog.update"), None);
    }
}
