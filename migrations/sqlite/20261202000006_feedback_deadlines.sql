-- Feedback deadlines (see the PostgreSQL migration of the same version).
alter table tenants add column deadline_policy text;
alter table tenants add column deadline_policy_version integer not null default 1;

alter table applications add column feedback_due_date text;
alter table applications add column feedback_due_at text;
alter table applications add column feedback_requested_at text;
create index applications_feedback_due on applications (tenant_id, feedback_due_at, id)
    where feedback_due_at is not null;

create table feedback_reminders (
    tenant_id      text not null,
    application_id blob not null references applications (id) on delete cascade,
    step           text not null,
    sent_at        text not null,
    primary key (application_id, step)
) strict;
