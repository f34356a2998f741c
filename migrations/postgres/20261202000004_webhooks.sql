-- Webhook subscriptions and their deliveries (docs/events.md). A delivery is queued in the
-- transaction that records the event (storage::events, `insert_event`), one per enabled
-- subscription whose types match; the dispatchers of every `serve` process claim due ones.
create table webhook_subscriptions (
    id                    uuid primary key,
    tenant_id             text not null,
    url                   text not null,
    description           text not null,
    -- The types it receives, sorted; [] means every type.
    event_types           jsonb not null,
    enabled               boolean not null,
    -- Why it is disabled (manual, failing); null while enabled.
    disabled_reason       text,
    secret                text not null,
    -- The secret before the last rotation, still signing until `previous_secret_until`.
    previous_secret       text,
    previous_secret_until timestamptz,
    -- When its endpoint started failing without a success since; null while healthy.
    failing_since         timestamptz,
    version               bigint not null,
    created_at            timestamptz not null,
    updated_at            timestamptz not null,
    check ((enabled and disabled_reason is null) or (not enabled and disabled_reason is not null))
);
create index webhook_subscriptions_by_tenant on webhook_subscriptions (tenant_id, id);

alter table webhook_subscriptions enable row level security;
create policy tenant_isolation on webhook_subscriptions
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));

-- The delivery queue: ids, states and times only, no payload and no personal data. It is not
-- under row-level security: the dispatcher claims due deliveries of every tenant, then reads
-- the subscription and the event scoped to the delivery's tenant.
create table webhook_deliveries (
    subscription_id uuid not null references webhook_subscriptions (id) on delete cascade,
    event_id        uuid not null references events (id) on delete cascade,
    tenant_id       text not null,
    state           text not null,
    -- Attempts started so far (a claim starts one).
    attempts        integer not null,
    -- When it is due: the next retry, or, while claimed, when the claim expires.
    next_attempt_at timestamptz not null,
    -- The claim of the process attempting it; a completion names it.
    claim           uuid,
    created_at      timestamptz not null,
    finished_at     timestamptz,
    primary key (subscription_id, event_id)
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where state = 'pending';
create index webhook_deliveries_by_event on webhook_deliveries (event_id);

-- The delivery log: one row per attempt (and per test ping).
create table webhook_attempts (
    id              uuid primary key,
    tenant_id       text not null,
    subscription_id uuid not null references webhook_subscriptions (id) on delete cascade,
    -- null for a test ping
    event_id        uuid,
    webhook_id      text not null,
    attempt         integer not null,
    attempted_at    timestamptz not null,
    status_code     integer,
    latency_ms      bigint not null,
    error           text,
    -- The start of the endpoint's answer (at most 1 KiB), for diagnosis.
    response_body   text
);
create index webhook_attempts_log on webhook_attempts (tenant_id, subscription_id, id);

alter table webhook_attempts enable row level security;
create policy tenant_isolation on webhook_attempts
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));
