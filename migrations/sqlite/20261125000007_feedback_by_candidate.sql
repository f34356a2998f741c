-- A candidate's own feedback (`/v1/me/feedback`, the HR portal on their behalf, privacy
-- requests) is found by candidate, newest first; without this index every such read scanned
-- the tenant's feedback (found by the benchmark: bench/run.sh, docs/performance.md).
create index feedback_by_candidate on feedback (tenant_id, candidate_id, id);
