-- Feedback quality checks (docs/quality-checks.md): whether error findings refuse a submit,
-- the tenant's own phrases and the built-in ones it retired (one JSON document, replaced
-- under its version), and the counts of findings per code when feedback was submitted and
-- when it was released (aggregates for the reports; never the words found).
alter table tenants add column quality_enforcement text not null default 'block'
    check (quality_enforcement in ('block', 'warn_only'));
alter table tenants add column quality_phrases jsonb;
alter table tenants add column quality_phrases_version bigint not null default 1;

alter table feedback add column findings_at_submit jsonb;
alter table feedback add column findings_at_release jsonb;
