-- Equivalent of PUT /v1/feedback/{id} with If-Match by the requisition's hiring manager: the
-- statements the service runs on PostgreSQL (storage/feedback.rs): the record with its due day,
-- the tenant's catalog version and the caller's right in one statement (`get_feedback`), then the
-- conditional update, the workflow event and the audit row in one data-modifying CTE
-- (`write_step_at_once`). The catalog keys come from a cache keyed by the catalog version.
-- Versions are the rows' own (see save-min.sql).
\set j random(0, :drafts - 1)
\set n :released + :j
\set e :n % :employees
\set r :n / 50
select id, application_id, requisition_id, candidate_id, author_id, status, revision,
       document, internal_notes, review_comment, version, created_at, updated_at, released_at,
       (select a.feedback_due_date from applications a where a.id = application_id) as feedback_due_date,
       (select a.feedback_due_at from applications a where a.id = application_id) as feedback_due_at,
       (select a.feedback_requested_at from applications a where a.id = application_id) as feedback_requested_at,
       (select t.catalog_version from tenants t where t.id = tenant_id) as catalog_version
from feedback f
where f.tenant_id = 'bench' and f.id = md5('bench-fb-' || :n)::uuid
  and exists (select 1 from requisition_people p
               where p.requisition_id = f.requisition_id and p.relation = 'hiring_manager' and p.person_id = 'M' || :r)
\gset current_
with updated as (
  update feedback set status = 'draft', revision = 0,
      document = '{"reasons": ["skills_gap"], "assessments": [{"competency": "communication", "level": "developing", "evidence": "Explained the migration clearly; stakeholder updates need more structure."}], "strengths": ["Clear writing", "Platform knowledge"], "improvement_areas": [{"description": "Leading senior stakeholders when priorities conflict."}], "development_actions": [{"id": "0192f1a4-7c3e-7b5a-9f10-3d2c1b0a9e8f", "kind": "course", "title": "Stakeholder management course", "horizon": "short_term", "target_date": "2027-03-01"}, {"id": "0192f1a4-7c3e-7b5a-9f10-3d2c1b0a9e90", "kind": "mentoring", "title": "Monthly mentoring with a senior analyst", "horizon": "long_term"}], "alternative_paths": ["Product owner rotation"], "readiness": {"estimate": "within_12_months", "note": "Within reach after the stretch assignment."}, "summary": "Thank you for applying. The panel chose a candidate with more senior stakeholder experience; the plan below is what we would focus on next.", "follow_up_offered": true}'::jsonb,
      internal_notes = 'Panel split 3-1.', review_comment = null, version = :current_version + 1,
      updated_at = now(), released_at = null
  where tenant_id = 'bench' and id = md5('bench-fb-' || :n)::uuid and version = :current_version
  returning id
), step as (
  insert into feedback_events (id, tenant_id, feedback_id, action, from_status, to_status, actor, comment, at)
  select gen_random_uuid(), 'bench', id, 'edit', 'draft', 'draft', 'M' || :r, null, now() from updated
), audit as (
  insert into audit_events (id, tenant_id, at, actor, actor_roles, action, resource_type, resource_id,
                            candidate_id, request_id, details)
  select gen_random_uuid(), 'bench', now(), 'M' || :r, 'employee,hiring_manager', 'feedback.edit', 'feedback',
         id::text, 'E' || :e, null, '{"from": "draft", "to": "draft", "revision": 0}'::jsonb from updated
)
select count(*) from updated;
