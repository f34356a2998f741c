-- The candidate's acknowledgement of released feedback (once).
create table feedback_acknowledgements (
    feedback_id       uuid primary key references feedback (id),
    tenant_id         text not null,
    candidate_id      text not null,
    usefulness_rating integer check (usefulness_rating between 1 and 5),
    comment           text,
    acknowledged_at   timestamptz not null
);

-- Progress per development action, written by the candidate only.
create table action_progress (
    feedback_id uuid not null references feedback (id),
    action_id   uuid not null,
    tenant_id   text not null,
    status      text not null check (status in ('not_started', 'in_progress', 'done')),
    note        text not null,
    updated_at  timestamptz not null,
    primary key (feedback_id, action_id)
);

-- Requests for a follow-up conversation, and their answers.
create table follow_up_requests (
    id              uuid primary key,
    tenant_id       text not null,
    feedback_id     uuid not null references feedback (id),
    requisition_id  uuid not null references requisitions (id),
    candidate_id    text not null,
    addressee       text not null check (addressee in ('manager', 'hr')),
    message         text not null,
    preferred_times jsonb not null,
    status          text not null check (status in ('open', 'scheduled', 'declined', 'closed')),
    answer_note     text,
    answered_by     text,
    answered_at     timestamptz,
    created_at      timestamptz not null
);
create index follow_up_requests_by_status on follow_up_requests (tenant_id, status, id);
create index follow_up_requests_by_feedback on follow_up_requests (tenant_id, feedback_id, id);
