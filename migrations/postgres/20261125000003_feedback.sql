-- Tenant policy: submitting feedback may skip the HR review step.
alter table tenants add column skip_hr_review boolean not null default false;

-- At most one feedback document per application.
create table feedback (
    id             uuid primary key,
    tenant_id      text not null references tenants (id),
    application_id uuid not null references applications (id),
    requisition_id uuid not null references requisitions (id),
    candidate_id   text not null,
    author_id      text not null,
    status         text not null check (status in ('draft', 'submitted', 'returned', 'approved', 'released')),
    -- Released revisions so far: 0 before release, 1 at release, +1 per amendment.
    revision       integer not null check (revision >= 0),
    document       jsonb not null,
    internal_notes text not null,
    review_comment text,
    version        bigint not null check (version >= 1),
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    released_at    timestamptz,
    unique (tenant_id, application_id)
);
create index feedback_by_status on feedback (tenant_id, status, id);
create index feedback_by_requisition on feedback (tenant_id, requisition_id, id);

-- Every workflow step: who, what, when.
create table feedback_events (
    id          uuid primary key,
    tenant_id   text not null,
    feedback_id uuid not null references feedback (id),
    action      text not null,
    from_status text,
    to_status   text not null,
    actor       text not null,
    comment     text,
    at          timestamptz not null
);
create index feedback_events_by_feedback on feedback_events (feedback_id, id);

-- What the candidate was shown: one snapshot per release and amendment.
create table feedback_revisions (
    feedback_id    uuid not null references feedback (id),
    revision       integer not null,
    tenant_id      text not null,
    document       jsonb not null,
    internal_notes text not null,
    note           text,
    created_by     text not null,
    created_at     timestamptz not null,
    primary key (feedback_id, revision)
);
