-- Tenants are created on first contact; catalogs are per tenant.
create table tenants (
    id          text primary key,
    created_at  timestamptz not null
);

-- Competencies and reason codes share one shape; `kind` says which catalog an entry is in.
create table catalog_entries (
    tenant_id   text not null references tenants (id),
    kind        text not null check (kind in ('competency', 'reason_code')),
    key         text not null,
    name        text not null,
    description text not null,
    active      boolean not null,
    version     bigint not null check (version >= 1),
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    primary key (tenant_id, kind, key)
);
