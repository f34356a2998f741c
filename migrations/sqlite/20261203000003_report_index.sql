-- The timeliness report's covering index (see the PostgreSQL migration of the same version;
-- SQLite has no INCLUDE, so the columns are keys).
drop index applications_rejections;
create index applications_rejections on applications (tenant_id, decided_at, requisition_id,
    candidate_id, feedback_due_at, feedback_released_at, feedback_release_business_days)
    where status = 'rejected';
