"""A rejection's whole life through a client generated from openapi/openapi.json by a stock
generator (openapi-python-client), as an HR portal would write it. Run by .ci/run:

    python story.py BASE_URL   (tokens in HR_TOKEN, PORTAL_TOKEN, MANAGER_TOKEN, EMPLOYEE_TOKEN)

Every answer is parsed into the generated, typed models: a field the spec calls required but the
service leaves out, or a type that does not match, fails the story.
"""

import sys
import os
import uuid

from debrief_client import AuthenticatedClient
from debrief_client.api.applications import create_application, decide_application
from debrief_client.api.events import list_events
from debrief_client.api.feedback import approve_feedback, create_feedback, release_feedback, submit_feedback
from debrief_client.api.me import acknowledge, list_own_feedback, own_plan
from debrief_client.api.requisitions import create_requisition, sync_requisitions
from debrief_client.api.webhooks import create_webhook, get_webhook
from debrief_client.models import (
    AcknowledgeBody,
    CandidateFeedbackView,
    DecisionBody,
    EventPage,
    FeedbackDraft,
    FeedbackView,
    NewApplication,
    NewRequisition,
    NewWebhook,
    RequisitionSync,
    RequisitionSyncResult,
    RequisitionView,
    WebhookView,
    WebhookWithSecret,
)


def client(base: str, variable: str) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=base, token=os.environ[variable], raise_on_unexpected_status=True)


def expect(value, kind, what: str):
    assert isinstance(value, kind), f"{what}: expected {kind.__name__}, got {value!r}"
    return value


def main(base: str) -> None:
    hr, portal = client(base, "HR_TOKEN"), client(base, "PORTAL_TOKEN")
    manager, employee = client(base, "MANAGER_TOKEN"), client(base, "EMPLOYEE_TOKEN")
    manager_id, employee_id = os.environ["MANAGER_SUB"], os.environ["EMPLOYEE_SUB"]
    run = uuid.uuid4().hex[:8]

    requisition = expect(
        create_requisition.sync(client=portal, body=NewRequisition.from_dict(
            {"title": "Senior Data Analyst", "department": "Finance", "hiring_manager_ids": [manager_id],
             "external_ref": f"STORY-{run}"})),
        RequisitionView, "create requisition")
    application = create_application.sync(client=portal, body=NewApplication.from_dict(
        {"requisition_id": str(requisition.id), "candidate_id": employee_id}))
    decided = decide_application.sync(application.id, client=portal, body=DecisionBody.from_dict(
        {"outcome": "rejected", "stage_reached": "interview"}))
    assert decided.status.value == "rejected", decided

    document = {
        "reasons": ["skills_gap"],
        "strengths": ["Deep knowledge of the payments domain"],
        "development_actions": [{"kind": "course", "title": "Advanced SQL", "horizon": "short_term",
                                 "target_date": "2027-03-31"}],
        "readiness": {"estimate": "within_6_months"},
        "summary": "Thank you for applying; here is what would make the difference next time.",
    }
    draft = expect(
        create_feedback.sync(application.id, client=manager, body=FeedbackDraft.from_dict(
            {"document": document, "internal_notes": "Panel notes"})),
        FeedbackView, "create feedback")
    expect(submit_feedback.sync(draft.id, client=manager), FeedbackView, "submit")
    expect(approve_feedback.sync(draft.id, client=hr), FeedbackView, "approve")
    released = expect(release_feedback.sync(draft.id, client=hr), FeedbackView, "release")
    assert released.status.value == "released", released.status

    # The candidate's typed view: every field of the released document is there.
    page = list_own_feedback.sync(client=employee)
    mine = expect(page.items[0], CandidateFeedbackView, "own feedback")
    assert mine.document.summary.startswith("Thank you"), mine.document.summary
    assert mine.document.reasons == ["skills_gap"]
    assert mine.document.readiness.estimate.value == "within_6_months"
    assert mine.document.development_actions[0].title == "Advanced SQL"
    assert "internal_notes" not in mine.to_dict()
    plan = own_plan.sync(mine.id, client=employee)
    assert plan.total == 1 and plan.short_term[0].action.title == "Advanced SQL", plan
    acknowledge.sync(mine.id, client=employee, body=AcknowledgeBody.from_dict({"usefulness_rating": 5}))

    # The portal hears about it through the feed, and subscribes a webhook.
    events = expect(list_events.sync(client=portal, limit=200), EventPage, "events")
    kinds = [event.type_.value for event in events.items]
    for kind in ("application.decided", "feedback.released"):
        assert kind in kinds, kinds
    created = expect(
        create_webhook.sync(client=portal, body=NewWebhook.from_dict(
            {"url": "https://portal.example.com/hooks/debrief", "event_types": ["feedback.released"]})),
        WebhookWithSecret, "create webhook")
    assert created.secret.startswith("whsec_")
    read = expect(get_webhook.sync(created.id, client=portal), WebhookView, "read webhook")
    assert "secret" not in read.to_dict()

    # A nightly sync, twice: the second run changes nothing.
    items = [{"external_ref": f"NIGHT-{run}-{i}", "title": "Analyst", "department": "Risk",
              "hiring_manager_ids": [manager_id]} for i in range(3)]
    first = expect(sync_requisitions.sync(client=portal, body=RequisitionSync.from_dict({"items": items})),
                   RequisitionSyncResult, "sync")
    again = sync_requisitions.sync(client=portal, body=RequisitionSync.from_dict({"items": items}))
    assert (first.created, again.created, again.updated) == (3, 0, 3), (first, again)
    print(f"client story passed: {len(kinds)} events, feedback {mine.id} released and acknowledged")


if __name__ == "__main__":
    main(sys.argv[1])
