-- Reports for HR (docs/reports.md): the tenant's minimum group size (k), the business days
-- each release took (counted by the deadline policy when the feedback is released), and the
-- index the reports' period filter reads.
alter table tenants add column report_min_group_size integer not null default 5
    check (report_min_group_size between 2 and 100);
alter table tenants add column report_settings_version integer not null default 1;

alter table applications add column feedback_release_business_days integer
    check (feedback_release_business_days >= 0);
create index applications_rejections on applications (tenant_id, decided_at)
    where status = 'rejected';
