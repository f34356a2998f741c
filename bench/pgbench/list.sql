-- Equivalent of GET /v1/me/feedback?limit=20: the one statement the service runs for a page
-- (storage/candidate.rs, `released_with_activity`): the candidate's newest released documents
-- with their requisitions, acknowledgements and progress, and the tenant's label versions.
\set e random(0, :employees - 1)
select f.id, f.application_id, f.requisition_id, f.candidate_id, r.title as requisition_title,
       r.department as requisition_department, f.revision, f.document, f.released_at, f.updated_at,
       a.usefulness_rating as ack_rating, a.comment as ack_comment, a.acknowledged_at as ack_at,
       (select coalesce(json_agg(json_build_object('action_id', p.action_id, 'status', p.status, 'note', p.note,
                                                   'updated_at', p.updated_at)), '[]'::json)
          from action_progress p where p.tenant_id = f.tenant_id and p.feedback_id = f.id) as progress,
       t.catalog_version, t.language_settings_version
from feedback f join requisitions r on r.id = f.requisition_id
join tenants t on t.id = f.tenant_id
left join feedback_acknowledgements a on a.feedback_id = f.id and a.tenant_id = f.tenant_id
where f.tenant_id = 'bench' and f.candidate_id = 'E' || :e and f.status = 'released'
order by f.id desc limit 21;
