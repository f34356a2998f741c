-- Equivalent of GET /v1/me/feedback/{id}: the released document with its requisition's public
-- fields, the acknowledgement and the progress (the statements the service runs).
\set n random(0, :released - 1)
\set e :n % :employees
select f.id, f.application_id, f.candidate_id, r.title as requisition_title, r.department as requisition_department,
       f.revision, f.document, f.released_at, f.updated_at
from feedback f join requisitions r on r.id = f.requisition_id
where f.tenant_id = 'bench' and f.candidate_id = 'E' || :e and f.status = 'released'
  and f.id = md5('bench-fb-' || :n)::uuid;
select usefulness_rating, comment, acknowledged_at from feedback_acknowledgements
where tenant_id = 'bench' and feedback_id = md5('bench-fb-' || :n)::uuid;
select action_id, status, note, updated_at from action_progress
where tenant_id = 'bench' and feedback_id = md5('bench-fb-' || :n)::uuid order by action_id;
