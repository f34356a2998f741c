-- Webhook subscriptions and their deliveries (see the PostgreSQL migration of the same version).
create table webhook_subscriptions (
    id                    blob primary key,
    tenant_id             text not null,
    url                   text not null,
    description           text not null,
    event_types           text not null,
    enabled               integer not null,
    disabled_reason       text,
    secret                text not null,
    previous_secret       text,
    previous_secret_until text,
    failing_since         text,
    version               integer not null,
    created_at            text not null,
    updated_at            text not null,
    check ((enabled and disabled_reason is null) or (not enabled and disabled_reason is not null))
) strict;
create index webhook_subscriptions_by_tenant on webhook_subscriptions (tenant_id, id);

create table webhook_deliveries (
    subscription_id blob not null references webhook_subscriptions (id) on delete cascade,
    event_id        blob not null references events (id) on delete cascade,
    tenant_id       text not null,
    state           text not null,
    attempts        integer not null,
    next_attempt_at text not null,
    claim           blob,
    created_at      text not null,
    finished_at     text,
    primary key (subscription_id, event_id)
) strict;
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where state = 'pending';
create index webhook_deliveries_by_event on webhook_deliveries (event_id);

create table webhook_attempts (
    id              blob primary key,
    tenant_id       text not null,
    subscription_id blob not null references webhook_subscriptions (id) on delete cascade,
    event_id        blob,
    webhook_id      text not null,
    attempt         integer not null,
    attempted_at    text not null,
    status_code     integer,
    latency_ms      integer not null,
    error           text,
    response_body   text
) strict;
create index webhook_attempts_log on webhook_attempts (tenant_id, subscription_id, id);
