-- Equivalent of PUT /v1/feedback/{id} with If-Match by the requisition's hiring manager: read
-- the current record, check the caller manages its requisition, then one transaction with the
-- conditional update, the workflow event and the audit row. (The service also validates catalog
-- keys, which a minimal implementation could cache; they are not counted here.)
\set j random(0, :drafts - 1)
\set n :released + :j
\set e :n % :employees
\set r :n / 50
select id, status, version, candidate_id, requisition_id from feedback
where tenant_id = 'bench' and id = md5('bench-fb-' || :n)::uuid;
select 1 from requisition_people
where tenant_id = 'bench' and requisition_id = md5('bench-req-' || :r)::uuid
  and relation = 'hiring_manager' and person_id = 'M' || :r;
begin;
update feedback set status = 'draft', revision = 0,
    document = '{"reasons": ["skills_gap"], "assessments": [{"competency": "communication", "level": "developing", "evidence": "Explained the migration clearly; stakeholder updates need more structure."}], "strengths": ["Clear writing", "Platform knowledge"], "improvement_areas": [{"description": "Leading senior stakeholders when priorities conflict."}], "development_actions": [{"id": "0192f1a4-7c3e-7b5a-9f10-3d2c1b0a9e8f", "kind": "course", "title": "Stakeholder management course", "horizon": "short_term", "target_date": "2027-03-01"}, {"id": "0192f1a4-7c3e-7b5a-9f10-3d2c1b0a9e90", "kind": "mentoring", "title": "Monthly mentoring with a senior analyst", "horizon": "long_term"}], "alternative_paths": ["Product owner rotation"], "readiness": {"estimate": "within_12_months", "note": "Within reach after the stretch assignment."}, "summary": "Thank you for applying. The panel chose a candidate with more senior stakeholder experience; the plan below is what we would focus on next.", "follow_up_offered": true}'::jsonb,
    internal_notes = 'Panel split 3-1.', review_comment = null, version = version + 1, updated_at = now(),
    released_at = null
where tenant_id = 'bench' and id = md5('bench-fb-' || :n)::uuid and status in ('draft', 'returned');
insert into feedback_events (id, tenant_id, feedback_id, action, from_status, to_status, actor, comment, at)
values (gen_random_uuid(), 'bench', md5('bench-fb-' || :n)::uuid, 'edit', 'draft', 'draft', 'M' || :r, null, now());
insert into audit_events (id, tenant_id, at, actor, actor_roles, action, resource_type, resource_id, candidate_id,
                          request_id, details)
values (gen_random_uuid(), 'bench', now(), 'M' || :r, 'employee,hiring_manager', 'feedback.edit', 'feedback',
        md5('bench-fb-' || :n)::uuid::text, 'E' || :e, null,
        '{"from": "draft", "to": "draft", "revision": 0}'::jsonb);
commit;
