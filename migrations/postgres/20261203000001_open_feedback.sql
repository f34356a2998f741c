-- Release stops the clock on the application itself (docs/deadlines.md): when its feedback
-- was released, so that the lists of feedback owed and overdue, and the reminders, read an
-- index of the open rejections only. Without it, every page of HR's overdue queue walked past
-- the released rejections due before it: the queue slowed down as history grew.
alter table applications add column feedback_released_at timestamptz;
update applications a set feedback_released_at = f.released_at
  from feedback f
 where f.application_id = a.id and f.status = 'released';
create index applications_feedback_open on applications (tenant_id, feedback_due_at, id)
    where status = 'rejected' and feedback_due_at is not null and feedback_released_at is null;
drop index applications_feedback_due;
