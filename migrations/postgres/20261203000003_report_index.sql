-- The timeliness report reads the applications only (docs/reports.md): the index its period
-- filter reads now carries every column the report counts, so that a year of a large tenant's
-- rejections is one index-only scan instead of a visit to every row.
drop index applications_rejections;
create index applications_rejections on applications (tenant_id, decided_at)
    include (requisition_id, candidate_id, feedback_due_at, feedback_released_at,
             feedback_release_business_days)
    where status = 'rejected';
