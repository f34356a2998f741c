-- The outbox: what happened, written in the same transaction as the change (app::record), for
-- the event feed (`GET /v1/events`) and, later, webhook delivery. Immutable, except that
-- erasure pseudonymises `candidate_id` and `author_id`. `data` holds ids and states only,
-- never free text; the people to notify are the two id columns.
create table events (
    id           uuid primary key,
    tenant_id    text not null,
    -- The writing transaction (pg_current_xact_id): the feed shows an event only once every
    -- transaction that started before it has ended, so a cursor never skips one that commits
    -- late. SQLite has one writer at a time: 0.
    tx           bigint not null,
    type         text not null,
    occurred_at  timestamptz not null,
    candidate_id text,
    author_id    text,
    data         jsonb not null
);
create index events_feed on events (tenant_id, tx, id);
create index events_by_candidate on events (tenant_id, candidate_id);

alter table events enable row level security;
create policy tenant_isolation on events
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));
