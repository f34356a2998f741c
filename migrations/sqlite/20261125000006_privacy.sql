-- Retention: how long after its decision an application and everything about it is kept
-- (null: indefinitely).
alter table tenants add column retention_months integer check (retention_months between 1 and 1200);

-- Legal hold: a held application is never anonymised, by erasure or by retention.
alter table applications add column legal_hold_reason text;
alter table applications add column legal_hold_by text;
alter table applications add column legal_hold_at text
    check ((legal_hold_reason is null) = (legal_hold_at is null) and (legal_hold_at is null) = (legal_hold_by is null));
alter table applications add column anonymised_at text;
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
    erased_at  text not null
) strict;

-- The one change the audit trail accepts: an identifier (actor, candidate, resource id) replaced
-- by the pseudonym of a recorded erasure of the same tenant, every other column unchanged.
-- Deletes stay refused.
drop trigger audit_events_no_update;
create trigger audit_events_no_update before update on audit_events
when not (
    new.id is old.id and new.tenant_id is old.tenant_id and new.at is old.at
    and new.actor_roles is old.actor_roles and new.action is old.action
    and new.resource_type is old.resource_type
    and new.request_id is old.request_id
    and new.details is old.details
    and (new.actor is old.actor
         or exists (select 1 from erasures e where e.tenant_id = old.tenant_id and e.pseudonym = new.actor))
    and (new.candidate_id is old.candidate_id
         or exists (select 1 from erasures e where e.tenant_id = old.tenant_id and e.pseudonym = new.candidate_id))
    and (new.resource_id is old.resource_id
         or exists (select 1 from erasures e where e.tenant_id = old.tenant_id and e.pseudonym = new.resource_id))
)
begin
    select raise(abort, 'audit events are append-only');
end;
