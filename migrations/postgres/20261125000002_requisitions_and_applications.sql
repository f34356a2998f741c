-- Internal openings, synced from the ATS (external_ref) or created by HR.
create table requisitions (
    id           uuid primary key,
    tenant_id    text not null references tenants (id),
    external_ref text,
    title        text not null,
    department   text not null,
    status       text not null check (status in ('open', 'closed', 'cancelled')),
    version      bigint not null check (version >= 1),
    created_at   timestamptz not null,
    updated_at   timestamptz not null
);
create unique index requisitions_external_ref on requisitions (tenant_id, external_ref)
    where external_ref is not null;
create index requisitions_tenant_id on requisitions (tenant_id, id);

-- Who is related to a requisition: its hiring managers and HR partners.
create table requisition_people (
    tenant_id      text not null,
    requisition_id uuid not null references requisitions (id) on delete cascade,
    relation       text not null check (relation in ('hiring_manager', 'hr_partner')),
    person_id      text not null,
    primary key (requisition_id, relation, person_id)
);
create index requisition_people_person on requisition_people (tenant_id, person_id, relation);

-- One employee's candidacy for one requisition.
create table applications (
    id             uuid primary key,
    tenant_id      text not null references tenants (id),
    requisition_id uuid not null references requisitions (id),
    candidate_id   text not null,
    external_ref   text,
    status         text not null check (status in ('active', 'rejected', 'hired', 'withdrawn')),
    stage_reached  text not null check (stage_reached in ('screening', 'interview', 'final')),
    decided_at     timestamptz,
    decided_by     text,
    version        bigint not null check (version >= 1),
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    unique (tenant_id, requisition_id, candidate_id),
    check ((status = 'active') = (decided_at is null)),
    check ((decided_at is null) = (decided_by is null))
);
create unique index applications_external_ref on applications (tenant_id, external_ref)
    where external_ref is not null;
create index applications_tenant_id on applications (tenant_id, id);
create index applications_candidate on applications (tenant_id, candidate_id, id);
create index applications_requisition on applications (tenant_id, requisition_id, id);

-- Idempotency-Key records: the first successful response of a create, replayed on retries.
create table idempotency_keys (
    tenant_id     text not null,
    caller        text not null,
    key           text not null,
    request_hash  text not null,
    status        integer,
    location      text,
    etag          text,
    body          text,
    created_at    timestamptz not null,
    expires_at    timestamptz not null,
    primary key (tenant_id, caller, key)
);
create index idempotency_keys_expiry on idempotency_keys (expires_at);
