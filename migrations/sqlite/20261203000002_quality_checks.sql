-- Feedback quality checks (see the PostgreSQL migration of the same version).
alter table tenants add column quality_enforcement text not null default 'block'
    check (quality_enforcement in ('block', 'warn_only'));
alter table tenants add column quality_phrases text;
alter table tenants add column quality_phrases_version integer not null default 1;

alter table feedback add column findings_at_submit text;
alter table feedback add column findings_at_release text;
