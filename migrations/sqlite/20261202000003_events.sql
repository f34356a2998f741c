-- The outbox (see the PostgreSQL migration of the same version).
create table events (
    id           blob primary key,
    tenant_id    text not null,
    tx           integer not null,
    type         text not null,
    occurred_at  text not null,
    candidate_id text,
    author_id    text,
    data         text not null
) strict;
create index events_feed on events (tenant_id, tx, id);
create index events_by_candidate on events (tenant_id, candidate_id);
