-- The development resource library (see the PostgreSQL migration of the same version).
create table development_resources (
    tenant_id    text not null references tenants (id),
    id           blob not null,
    title        text not null,
    kind         text not null check (kind in ('course', 'training', 'mentoring_programme',
                     'job_rotation_programme', 'stretch_assignment_pool', 'community', 'reading',
                     'video', 'certification', 'other')),
    url          text not null,
    provider     text not null,
    duration     text,
    language     text not null,
    description  text not null,
    competencies text not null,
    active       integer not null check (active in (0, 1)),
    version      integer not null check (version >= 1),
    created_at   text not null,
    updated_at   text not null,
    primary key (tenant_id, id)
) strict;

create table resource_competencies (
    tenant_id   text not null,
    competency  text not null,
    resource_id blob not null,
    primary key (tenant_id, competency, resource_id),
    foreign key (tenant_id, resource_id) references development_resources (tenant_id, id)
        on delete cascade
) strict;
