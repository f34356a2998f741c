-- The development resource library (docs/resources.md): what HR curates per tenant and managers
-- attach to development actions (by id, inside the feedback document). Resources are retired,
-- never deleted, so every id a plan names stays readable. `competencies` is the resource's
-- list as written (JSON array of competency keys, for reading); `resource_competencies` holds
-- the same keys one per row, for "resources that develop this competency" by index.
create table development_resources (
    tenant_id    text not null references tenants (id),
    id           uuid not null,
    title        text not null,
    kind         text not null check (kind in ('course', 'training', 'mentoring_programme',
                     'job_rotation_programme', 'stretch_assignment_pool', 'community', 'reading',
                     'video', 'certification', 'other')),
    url          text not null,
    provider     text not null,
    duration     text,
    language     text not null,
    description  text not null,
    competencies jsonb not null,
    active       boolean not null,
    version      bigint not null check (version >= 1),
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    primary key (tenant_id, id)
);

create table resource_competencies (
    tenant_id   text not null,
    competency  text not null,
    resource_id uuid not null,
    primary key (tenant_id, competency, resource_id),
    foreign key (tenant_id, resource_id) references development_resources (tenant_id, id)
        on delete cascade
);

alter table development_resources enable row level security;
create policy tenant_isolation on development_resources
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));

alter table resource_competencies enable row level security;
create policy tenant_isolation on resource_competencies
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));
