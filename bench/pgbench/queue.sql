-- Equivalent of GET /v1/feedback?status=submitted&limit=50[&cursor=…] as HR: a keyset page of
-- the review queue from a random position (an md5-derived id, as the bench's cursors are), and
-- the page's reads recorded in the audit trail.
\set p :first + random(0, :count - 1)
select id, application_id, requisition_id, candidate_id, author_id, status, revision, document, internal_notes,
       review_comment, version, created_at, updated_at, released_at
from feedback
where tenant_id = :tenant and status = 'submitted' and id > md5(:tenant || '-fb-' || :p)::uuid
order by id limit 51;
insert into audit_events (id, tenant_id, at, actor, actor_roles, action, resource_type, resource_id, candidate_id,
                          request_id, details)
select gen_random_uuid(), tenant_id, now(), 'H1', 'employee,hr', 'feedback.read', 'feedback', id::text, candidate_id,
       null, '{}'::jsonb
from feedback
where tenant_id = :tenant and status = 'submitted' and id > md5(:tenant || '-fb-' || :p)::uuid
order by feedback.id limit 50;
