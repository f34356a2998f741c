-- The baseline of the reports: the least any of them reads, one pass over the tenant's
-- rejections decided in the reports' default period (the twelve months to date) with their
-- released feedback, counting candidates and the reasons in each document (the JSON is read).
select count(*), count(distinct a.candidate_id), count(f.id), sum(jsonb_array_length(f.document -> 'reasons'))
from applications a
left join feedback f on f.tenant_id = a.tenant_id and f.application_id = a.id and f.status = 'released'
where a.tenant_id = :tenant and a.status = 'rejected'
  and a.decided_at >= date_trunc('month', now()) - interval '11 months'
  and a.decided_at < date_trunc('month', now()) + interval '1 month';
