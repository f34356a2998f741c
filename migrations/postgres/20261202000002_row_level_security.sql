-- Tenant isolation in the database too: every table with a `tenant_id` admits only the rows
-- of the tenant the session is scoped to (`debrief.tenant`, set by storage::Connection::scope
-- for each use case). It binds a service role that is neither the tables' owner, nor a
-- superuser, nor BYPASSRLS (docs/operations.md, "Database roles"); migrations run as the
-- owner, which these policies do not bind. An unscoped session sees no tenant's rows.
-- `tenants` (ids and per-tenant policies, no personal data) and `service_secrets` are not
-- tenant rows: the retention run reads every tenant's policy.

alter table catalog_entries enable row level security;
create policy tenant_isolation on catalog_entries
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));

alter table requisitions enable row level security;
create policy tenant_isolation on requisitions
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));

alter table requisition_people enable row level security;
create policy tenant_isolation on requisition_people
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));

alter table applications enable row level security;
create policy tenant_isolation on applications
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));

alter table idempotency_keys enable row level security;
create policy tenant_isolation on idempotency_keys
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));

alter table feedback enable row level security;
create policy tenant_isolation on feedback
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));

alter table feedback_events enable row level security;
create policy tenant_isolation on feedback_events
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));

alter table feedback_revisions enable row level security;
create policy tenant_isolation on feedback_revisions
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));

alter table feedback_acknowledgements enable row level security;
create policy tenant_isolation on feedback_acknowledgements
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));

alter table action_progress enable row level security;
create policy tenant_isolation on action_progress
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));

alter table follow_up_requests enable row level security;
create policy tenant_isolation on follow_up_requests
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));

alter table audit_events enable row level security;
create policy tenant_isolation on audit_events
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));

alter table erasures enable row level security;
create policy tenant_isolation on erasures
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));
