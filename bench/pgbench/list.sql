-- Equivalent of GET /v1/me/feedback?limit=20: the candidate's newest released documents, and
-- the acknowledgements and progress of that page (set-based: one statement each).
\set e random(0, :employees - 1)
select f.id, f.application_id, f.candidate_id, r.title as requisition_title, r.department as requisition_department,
       f.revision, f.document, f.released_at, f.updated_at
from feedback f join requisitions r on r.id = f.requisition_id
where f.tenant_id = 'bench' and f.candidate_id = 'E' || :e and f.status = 'released'
order by f.id desc limit 21;
select a.feedback_id, a.usefulness_rating, a.comment, a.acknowledged_at
from feedback_acknowledgements a join feedback f on f.id = a.feedback_id
where f.tenant_id = 'bench' and f.candidate_id = 'E' || :e and f.status = 'released';
select p.feedback_id, p.action_id, p.status, p.note, p.updated_at
from action_progress p join feedback f on f.id = p.feedback_id
where f.tenant_id = 'bench' and f.candidate_id = 'E' || :e and f.status = 'released';
