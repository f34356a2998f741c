-- Feedback deadlines (docs/deadlines.md): the tenant's policy, each rejection's due date
-- (fixed when the decision is recorded), the candidate's request for feedback, and the
-- reminders sent, once per application and step.
alter table tenants add column deadline_policy jsonb;
alter table tenants add column deadline_policy_version bigint not null default 1;

alter table applications add column feedback_due_date date;
alter table applications add column feedback_due_at timestamptz;
alter table applications add column feedback_requested_at timestamptz;
create index applications_feedback_due on applications (tenant_id, feedback_due_at, id)
    where feedback_due_at is not null;

create table feedback_reminders (
    tenant_id      text not null,
    application_id uuid not null references applications (id) on delete cascade,
    -- `due_soon:<business days before>`, `overdue`, `escalated`
    step           text not null,
    sent_at        timestamptz not null,
    primary key (application_id, step)
);

alter table feedback_reminders enable row level security;
create policy tenant_isolation on feedback_reminders
    using (tenant_id = current_setting('debrief.tenant', true))
    with check (tenant_id = current_setting('debrief.tenant', true));
