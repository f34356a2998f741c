-- Append-only audit trail: every write, and every read of a candidate's feedback by someone else.
create table audit_events (
    id            uuid primary key,
    tenant_id     text not null,
    at            timestamptz not null,
    actor         text not null,
    actor_roles   text not null,
    action        text not null,
    resource_type text not null,
    resource_id   text not null,
    candidate_id  text,
    request_id    text,
    details       jsonb not null
);
create index audit_events_by_candidate on audit_events (tenant_id, candidate_id, id);
create index audit_events_by_actor on audit_events (tenant_id, actor, id);
create index audit_events_by_resource on audit_events (tenant_id, resource_type, resource_id, id);

-- The database itself refuses to change or remove an audit event.
create function audit_events_are_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit events are append-only';
end;
$$;
create trigger audit_events_no_update before update or delete on audit_events
    for each row execute function audit_events_are_append_only();
create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_are_append_only();
