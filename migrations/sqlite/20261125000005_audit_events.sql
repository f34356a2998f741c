-- Append-only audit trail: every write, and every read of a candidate's feedback by someone else.
create table audit_events (
    id            blob primary key,
    tenant_id     text not null,
    at            text not null,
    actor         text not null,
    actor_roles   text not null,
    action        text not null,
    resource_type text not null,
    resource_id   text not null,
    candidate_id  text,
    request_id    text,
    details       text not null
) strict;
create index audit_events_by_candidate on audit_events (tenant_id, candidate_id, id);
create index audit_events_by_actor on audit_events (tenant_id, actor, id);
create index audit_events_by_resource on audit_events (tenant_id, resource_type, resource_id, id);

-- The database itself refuses to change or remove an audit event.
create trigger audit_events_no_update before update on audit_events
begin
    select raise(abort, 'audit events are append-only');
end;
create trigger audit_events_no_delete before delete on audit_events
begin
    select raise(abort, 'audit events are append-only');
end;
