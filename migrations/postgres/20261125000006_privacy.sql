-- Retention: how long after its decision an application and everything about it is kept
-- (null: indefinitely).
alter table tenants add column retention_months integer check (retention_months between 1 and 1200);

-- Legal hold: a held application is never anonymised, by erasure or by retention.
alter table applications add column legal_hold_reason text;
alter table applications add column legal_hold_by text;
alter table applications add column legal_hold_at timestamptz;
alter table applications add column anonymised_at timestamptz;
alter table applications add constraint applications_legal_hold_complete
    check ((legal_hold_reason is null) = (legal_hold_at is null) and (legal_hold_at is null) = (legal_hold_by is null));
create index applications_retention on applications (tenant_id, decided_at)
    where anonymised_at is null and decided_at is not null;

-- The candidate a remembered create response is about, so that erasure removes it.
alter table idempotency_keys add column subject_id text;
create index idempotency_keys_subject on idempotency_keys (tenant_id, subject_id);

-- Every anonymisation: the pseudonym that replaced an identifier, never the identifier.
create table erasures (
    pseudonym  text primary key,
    tenant_id  text not null,
    reason     text not null check (reason in ('subject_request', 'retention')),
    erased_by  text not null,
    erased_at  timestamptz not null
);

-- The one change the audit trail accepts: an identifier (actor, candidate, resource id) replaced
-- by the pseudonym of a recorded erasure of the same tenant, every other column unchanged.
-- Deletes and truncates stay refused.
create or replace function audit_events_are_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE'
       and new.id = old.id and new.tenant_id = old.tenant_id and new.at = old.at
       and new.actor_roles = old.actor_roles and new.action = old.action
       and new.resource_type = old.resource_type
       and new.request_id is not distinct from old.request_id
       and new.details = old.details
       and (new.actor = old.actor
            or exists (select 1 from erasures e where e.tenant_id = old.tenant_id and e.pseudonym = new.actor))
       and (new.candidate_id is not distinct from old.candidate_id
            or exists (select 1 from erasures e where e.tenant_id = old.tenant_id and e.pseudonym = new.candidate_id))
       and (new.resource_id = old.resource_id
            or exists (select 1 from erasures e where e.tenant_id = old.tenant_id and e.pseudonym = new.resource_id))
    then
        return new;
    end if;
    raise exception 'audit events are append-only';
end;
$$;
