-- Release stops the clock on the application itself (see the PostgreSQL migration of the
-- same version).
alter table applications add column feedback_released_at text;
update applications set feedback_released_at = (
        select f.released_at from feedback f
         where f.application_id = applications.id and f.status = 'released')
 where exists (select 1 from feedback f
                where f.application_id = applications.id and f.status = 'released');
create index applications_feedback_open on applications (tenant_id, feedback_due_at, id)
    where status = 'rejected' and feedback_due_at is not null and feedback_released_at is null;
drop index applications_feedback_due;
