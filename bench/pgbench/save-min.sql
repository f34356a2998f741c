-- Baseline (b) of PUT /v1/feedback/{id} with If-Match by the requisition's hiring manager: the
-- least SQL the use case needs, ONE statement (data-modifying CTEs) that updates the draft under
-- its version check and the caller's right to it, and inserts the workflow event and the audit
-- row only when the update happened. (Debrief also reads the record first, to tell 404 from 412
-- and to validate the edit against the current document; a minimal save could skip that read.)
-- The version in the check is the row's own, so that every transaction writes, as Debrief's
-- runs do (each wrk connection follows its draft's ETag).
\set j random(0, :drafts - 1)
\set n :released + :j
\set e :n % :employees
\set r :n / 50
with updated as (
  update feedback f set status = 'draft', revision = 0,
      document = '{"reasons": ["skills_gap"], "assessments": [{"competency": "communication", "level": "developing", "evidence": "Explained the migration clearly; stakeholder updates need more structure."}], "strengths": ["Clear writing", "Platform knowledge"], "improvement_areas": [{"description": "Leading senior stakeholders when priorities conflict."}], "development_actions": [{"id": "0192f1a4-7c3e-7b5a-9f10-3d2c1b0a9e8f", "kind": "course", "title": "Stakeholder management course", "horizon": "short_term", "target_date": "2027-03-01"}, {"id": "0192f1a4-7c3e-7b5a-9f10-3d2c1b0a9e90", "kind": "mentoring", "title": "Monthly mentoring with a senior analyst", "horizon": "long_term"}], "alternative_paths": ["Product owner rotation"], "readiness": {"estimate": "within_12_months", "note": "Within reach after the stretch assignment."}, "summary": "Thank you for applying. The panel chose a candidate with more senior stakeholder experience; the plan below is what we would focus on next.", "follow_up_offered": true}'::jsonb,
      internal_notes = 'Panel split 3-1.', review_comment = null, version = f.version + 1,
      updated_at = now(), released_at = null
  where f.tenant_id = 'bench' and f.id = md5('bench-fb-' || :n)::uuid
    and f.status in ('draft', 'returned')
    and f.version = (select version from feedback where tenant_id = 'bench' and id = md5('bench-fb-' || :n)::uuid)
    and exists (select 1 from requisition_people p
                 where p.tenant_id = f.tenant_id and p.requisition_id = f.requisition_id
                   and p.relation = 'hiring_manager' and p.person_id = 'M' || :r)
  returning f.id, f.candidate_id
), step as (
  insert into feedback_events (id, tenant_id, feedback_id, action, from_status, to_status, actor, comment, at)
  select gen_random_uuid(), 'bench', id, 'edit', 'draft', 'draft', 'M' || :r, null, now() from updated
), audit as (
  insert into audit_events (id, tenant_id, at, actor, actor_roles, action, resource_type, resource_id,
                            candidate_id, request_id, details)
  select gen_random_uuid(), 'bench', now(), 'M' || :r, 'employee,hiring_manager', 'feedback.edit', 'feedback',
         id::text, candidate_id, null, '{"from": "draft", "to": "draft", "revision": 0}'::jsonb from updated
)
select count(*) from updated;
