-- Benchmark dataset for one tenant, generated in the database (psql variables):
--   tenant     the tenant id (already provisioned by the service: tenant row and catalogs)
--   employees  how many candidates (E0 … E<employees-1>)
--   released   released feedback documents (with their revision-1 snapshot)
--   drafts     drafts, being written by their requisition's hiring manager
--   submitted  submitted feedback, waiting in HR's review queue
--   revisions  1: released documents get their revision-1 snapshot; 0: not (the reports'
--              tenant, which no scenario reads a revision of)
-- Requisition r has hiring manager M<r> and 50 applications; feedback n belongs to candidate
-- E<n mod employees> on requisition n/50. Ids are md5-derived, so the bench's clients compute
-- the same ones (bench/tokens.py). A document is about 2 KB of JSON, with assessments and
-- development actions. Every third released document has progress, every fourth an
-- acknowledgement.
-- Rejection n was decided 20 + n mod 340 days ago (a year of history, for the reports), its
-- feedback due 14 calendar days later (10 business days), and released feedback took
-- 1 + n mod 15 business days (on time when at most 10); every seventh open rejection was
-- asked about by its candidate five days ago. Reasons vary by n mod 3.
\set ON_ERROR_STOP on
begin;
create temp table params on commit drop as
    select :'tenant'::text as t, :employees::int as employees, :released::int as released,
           :drafts::int as drafts, :submitted::int as submitted,
           (:released::int + :drafts::int + :submitted::int) as total, :revisions::int as revisions;

create function pg_temp.bench_decided(n int) returns timestamptz language sql stable as $$
    select date_trunc('hour', now()) - (20 + n % 340) * interval '1 day' + (n % 9) * interval '1 hour'
$$;
create function pg_temp.bench_due_date(n int) returns date language sql stable as $$
    select (pg_temp.bench_decided(n) at time zone 'UTC')::date + 14
$$;
create function pg_temp.bench_released(n int) returns timestamptz language sql stable as $$
    select pg_temp.bench_decided(n) + ((1 + n % 15) + 2 * ((1 + n % 15) / 5)) * interval '1 day'
$$;

create function pg_temp.bench_document(t text, n int) returns jsonb language sql immutable as $$
    select jsonb_build_object(
        'reasons', (array[jsonb_build_array('skills_gap', 'experience_gap'),
                          jsonb_build_array('experience_gap'),
                          jsonb_build_array('stronger_candidate', 'skills_gap')])[1 + n % 3],
        'assessments', (select jsonb_agg(jsonb_build_object(
                'competency', c,
                'level', (array['not_yet_demonstrated', 'developing', 'proficient', 'strong'])[1 + (n + i) % 4],
                'evidence', 'Described the data migration they led in depth; stakeholder updates at this level less so (' || i || ').'))
            from unnest(array['technical_depth', 'communication', 'stakeholder_management', 'delivery']) with ordinality as x(c, i)),
        'strengths', jsonb_build_array('Clear, structured written communication',
                                       'Deep knowledge of the reporting platform',
                                       'Trusted by peers in the operations team'),
        'improvement_areas', jsonb_build_array(
            jsonb_build_object('competency', 'stakeholder_management',
                               'description', 'Leading discussions with senior stakeholders when priorities conflict.'),
            jsonb_build_object('description', 'Presenting trade-offs with numbers rather than preferences.')),
        'development_actions', (select jsonb_agg(jsonb_build_object(
                'id', md5(t || '-act-' || n || '-' || k)::uuid,
                'kind', (array['course', 'mentoring', 'stretch_assignment'])[k],
                'title', (array['Complete the stakeholder management course',
                                'Monthly mentoring with a senior analyst',
                                'Lead the next quarterly planning review'])[k],
                'description', 'Agreed with your manager.',
                'resource_url', 'https://learning.example.com/catalog/' || k,
                'horizon', case when k < 3 then 'short_term' else 'long_term' end,
                'target_date', to_char(date '2027-01-15' + (k * 60), 'YYYY-MM-DD'),
                'competency', 'stakeholder_management'))
            from generate_series(1, 3) k),
        'alternative_paths', jsonb_build_array('Senior analyst, Finance operations', 'Product owner rotation'),
        'readiness', jsonb_build_object('estimate', 'within_12_months',
                                        'note', 'With the stretch assignment done, a similar role should be within reach.'),
        'summary', 'Thank you for applying for this role. The panel was impressed by your delivery record and by how '
                   || 'you explained the reporting migration. We chose a candidate with more experience leading '
                   || 'senior stakeholders through conflicting priorities, which is central to this role. The plan '
                   || 'below is what we would focus on next; your manager has agreed to support it, and we would '
                   || 'be glad to see you apply again. Reference ' || n || '.',
        'follow_up_offered', true)
$$;

insert into requisitions (id, tenant_id, external_ref, title, department, status, version, created_at, updated_at)
select md5(t || '-req-' || r)::uuid, t, null, 'Senior analyst ' || r, 'Department ' || (r % 20), 'closed', 1,
       now() - interval '120 days', now() - interval '120 days'
from params, generate_series(0, (total + 49) / 50 - 1) r;

insert into requisition_people (tenant_id, requisition_id, relation, person_id)
select t, md5(t || '-req-' || r)::uuid, 'hiring_manager', 'M' || r
from params, generate_series(0, (total + 49) / 50 - 1) r;

insert into applications (id, tenant_id, requisition_id, candidate_id, external_ref, status, stage_reached,
                          decided_at, decided_by, version, created_at, updated_at,
                          feedback_due_date, feedback_due_at, feedback_requested_at,
                          feedback_release_business_days, feedback_released_at)
select md5(t || '-app-' || n)::uuid, t, md5(t || '-req-' || (n / 50))::uuid, 'E' || (n % employees), null,
       'rejected', 'final', pg_temp.bench_decided(n), 'H1', 2, pg_temp.bench_decided(n) - interval '20 days',
       pg_temp.bench_decided(n),
       pg_temp.bench_due_date(n), (pg_temp.bench_due_date(n) + 1)::timestamp at time zone 'UTC',
       case when n >= released and n % 7 = 0 then now() - interval '5 days' end,
       case when n < released then 1 + n % 15 end,
       case when n < released then pg_temp.bench_released(n) end
from params, generate_series(0, total - 1) n;

insert into feedback (id, tenant_id, application_id, requisition_id, candidate_id, author_id, status, revision,
                      document, internal_notes, review_comment, version, created_at, updated_at, released_at)
select md5(t || '-fb-' || n)::uuid, t, md5(t || '-app-' || n)::uuid, md5(t || '-req-' || (n / 50))::uuid,
       'E' || (n % employees), 'M' || (n / 50),
       case when n < released then 'released' when n < released + drafts then 'draft' else 'submitted' end,
       case when n < released then 1 else 0 end,
       pg_temp.bench_document(t, n),
       'Panel split 3-1; the deciding factor was senior stakeholder experience.', null,
       case when n < released then 4 else 1 end,
       pg_temp.bench_decided(n) + interval '1 hour', now() - interval '80 days' + n * interval '1 second',
       case when n < released then pg_temp.bench_released(n) end
from params, generate_series(0, total - 1) n;

insert into feedback_revisions (feedback_id, revision, tenant_id, document, internal_notes, note, created_by, created_at)
select f.id, 1, f.tenant_id, f.document, f.internal_notes, null, 'H1', f.released_at
from feedback f, params where f.tenant_id = t and f.status = 'released' and revisions = 1;

insert into action_progress (feedback_id, action_id, tenant_id, status, note, updated_at)
select md5(t || '-fb-' || n)::uuid, md5(t || '-act-' || n || '-1')::uuid, t, 'in_progress',
       'Enrolled; first module done.', now() - interval '10 days'
from params, generate_series(0, released - 1) n where n % 3 = 0;

insert into feedback_acknowledgements (feedback_id, tenant_id, candidate_id, usefulness_rating, comment, acknowledged_at)
select md5(t || '-fb-' || n)::uuid, t, 'E' || (n % employees), 4, null, now() - interval '20 days'
from params, generate_series(0, released - 1) n where n % 4 = 0;

commit;
analyze;
