-- Baseline (a) of GET /v1/me/feedback/{id}: the least SQL the use case needs, ONE statement
-- returning one released document with everything the candidate's view shows (the requisition's
-- public fields, the acknowledgement and the development plan's progress), by id and candidate.
-- Debrief's own statement also returns the tenant's catalog and language versions, which key its
-- label caches; a minimal implementation could do without them, so they are not counted here.
\set n random(0, :released - 1)
\set e :n % :employees
select f.id, f.application_id, f.requisition_id, f.candidate_id, r.title, r.department, f.revision,
       f.document, f.released_at, f.updated_at,
       a.usefulness_rating, a.comment, a.acknowledged_at,
       (select coalesce(json_agg(json_build_object('action_id', p.action_id, 'status', p.status,
                                                   'note', p.note, 'updated_at', p.updated_at)), '[]'::json)
          from action_progress p where p.tenant_id = f.tenant_id and p.feedback_id = f.id) as progress
from feedback f
join requisitions r on r.id = f.requisition_id
left join feedback_acknowledgements a on a.tenant_id = f.tenant_id and a.feedback_id = f.id
where f.tenant_id = 'bench' and f.candidate_id = 'E' || :e and f.status = 'released'
  and f.id = md5('bench-fb-' || :n)::uuid;
