//! Reports for HR, counted in SQL (docs/reports.md): every statement reads the rejections of
//! one tenant decided in a period (`applications_rejections`), optionally of one department
//! and one requisition, and returns counts per group; the domain decides what may be shown.
//! The JSON of feedback documents is read with each backend's own functions.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::reports::MinGroupSize;
use crate::domain::{RequisitionId, TenantId};

use super::{on_db, Db, On, StorageError, StorageResult};

/// Which rejections a report covers.
#[derive(Debug, Clone)]
pub struct ReportScope {
    /// Decided at or after this instant…
    pub from: DateTime<Utc>,
    /// …and before this one.
    pub until: DateTime<Utc>,
    pub department: Option<String>,
    pub requisition: Option<RequisitionId>,
}

/// `$1` tenant, `$2`/`$3` the period, `$4` department, `$5` requisition.
const SCOPE: &str = "from applications a
       join requisitions r on r.tenant_id = a.tenant_id and r.id = a.requisition_id
      where a.tenant_id = $1 and a.status = 'rejected' and a.decided_at >= $2 and a.decided_at < $3
        and ($4 is null or r.department = $4) and ($5 is null or a.requisition_id = $5)";

/// One group of the timeliness report; `department` `None` is the whole report.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TimelinessRow {
    pub department: Option<String>,
    pub candidates: i64,
    pub decisions: i64,
    pub released: i64,
    pub released_on_time: i64,
    pub open: i64,
    pub overdue: i64,
    pub median_days: Option<i64>,
    pub p90_days: Option<i64>,
}

/// One group of the outcomes report; `department` `None` is the whole report.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OutcomesRow {
    pub department: Option<String>,
    pub candidates: i64,
    pub rejections: i64,
    pub released: i64,
    pub acknowledged: i64,
    pub rated: i64,
    pub rating_sum: i64,
    pub followed_up: i64,
    pub actions: i64,
    pub actions_started: i64,
    pub actions_done: i64,
    pub actions_overdue: i64,
}

/// A key of a breakdown (a reason code, or a competency and what was counted of it) with its
/// distinct candidates and released feedback; `item` `None` is the whole report.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct KeyRow {
    pub item: Option<String>,
    pub part: String,
    pub name: Option<String>,
    pub candidates: i64,
    pub feedback: i64,
}

/// Both groupings at once: `g` 0 is the whole report, `g` 1 a department. It reads the
/// applications only (release stops the clock on the application: `feedback_released_at`),
/// through the covering index `applications_rejections`. The rejections are counted per
/// candidate first (distinct candidates, the k of every group, without a sort of every row),
/// and the percentiles come from a histogram of business days: the median is the smallest
/// value whose running count reaches `(n + 1) / 2`, the p90 `(9n + 9) / 10` (nearest rank).
const TIMELINESS: &str = "with base as (
         select r.department, a.candidate_id, a.feedback_release_business_days as days,
                a.feedback_released_at as released_at, a.feedback_due_at
         SCOPE_PLACEHOLDER
     ),
     per_candidate as (
         select department, candidate_id, count(*) as decisions, count(released_at) as released,
                sum(case when released_at is not null and released_at <= feedback_due_at then 1 else 0 end) as on_time,
                sum(case when released_at is null then 1 else 0 end) as open,
                sum(case when released_at is null and feedback_due_at <= $6 then 1 else 0 end) as overdue
           from base group by department, candidate_id
     ),
     counted as (
         select 1 as g, department as grp, count(*) as candidates, sum(decisions) as decisions,
                sum(released) as released, sum(on_time) as on_time, sum(open) as open, sum(overdue) as overdue
           from per_candidate group by department
         union all
         select 0, '', (select count(*) from (select candidate_id from per_candidate group by candidate_id) d),
                sum(decisions), sum(released), sum(on_time), sum(open), sum(overdue)
           from per_candidate
         having count(*) > 0
     ),
     histogram as (
         select department as grp, days, count(*) as k from base
          where released_at is not null and days is not null
          group by department, days
     ),
     histograms as (
         select 1 as g, grp, days, k from histogram
         union all
         select 0, '', days, sum(k) from histogram group by days
     ),
     running as (
         select g, grp, days,
                cast(sum(k) over (partition by g, grp order by days) as bigint) as upto,
                cast(sum(k) over (partition by g, grp) as bigint) as n
           from histograms
     ),
     pct as (
         select g, grp,
                min(case when upto >= (n + 1) / 2 then days end) as median_days,
                min(case when upto >= (9 * n + 9) / 10 then days end) as p90_days
           from running group by g, grp
     )
     select case when c.g = 0 then null else c.grp end as department,
            cast(c.candidates as bigint) as candidates, cast(c.decisions as bigint) as decisions,
            cast(c.released as bigint) as released, cast(c.on_time as bigint) as released_on_time,
            cast(c.open as bigint) as open, cast(c.overdue as bigint) as overdue,
            cast(p.median_days as bigint) as median_days, cast(p.p90_days as bigint) as p90_days
       from counted c left join pct p on p.g = c.g and p.grp = c.grp
      order by c.g, c.grp";

/// Per released feedback: acknowledged, rated, followed up, its actions and their progress.
const OUTCOMES_POSTGRES: &str = "with base as (
         select r.department, a.candidate_id, f.released_at,
                case when k.feedback_id is not null then 1 else 0 end as acknowledged,
                k.usefulness_rating as rating,
                case when exists (select 1 from follow_up_requests q
                                   where q.tenant_id = a.tenant_id and q.feedback_id = f.id)
                     then 1 else 0 end as followed_up,
                coalesce(jsonb_array_length(f.document -> 'development_actions'), 0) as actions,
                (select count(*) from action_progress p
                  where p.feedback_id = f.id and p.status <> 'not_started') as started,
                (select count(*) from action_progress p
                  where p.feedback_id = f.id and p.status = 'done') as done,
                (select count(*) from jsonb_array_elements(f.document -> 'development_actions') e
                  where e ->> 'target_date' < $6
                    and not exists (select 1 from action_progress p
                                     where p.feedback_id = f.id and p.status = 'done'
                                       and p.action_id::text = e ->> 'id')) as overdue
         SCOPE_PLACEHOLDER_RELEASED
     ),
     OUTCOMES_TAIL";

const OUTCOMES_SQLITE: &str = "with base as (
         select r.department, a.candidate_id, f.released_at,
                case when k.feedback_id is not null then 1 else 0 end as acknowledged,
                k.usefulness_rating as rating,
                case when exists (select 1 from follow_up_requests q
                                   where q.tenant_id = a.tenant_id and q.feedback_id = f.id)
                     then 1 else 0 end as followed_up,
                coalesce(json_array_length(f.document, '$.development_actions'), 0) as actions,
                (select count(*) from action_progress p
                  where p.feedback_id = f.id and p.status <> 'not_started') as started,
                (select count(*) from action_progress p
                  where p.feedback_id = f.id and p.status = 'done') as done,
                (select count(*) from json_each(f.document, '$.development_actions') e
                  where json_extract(e.value, '$.target_date') < $6
                    and not exists (select 1 from action_progress p
                                     where p.feedback_id = f.id and p.status = 'done'
                                       and lower(hex(p.action_id)) = replace(lower(json_extract(e.value, '$.id')), '-', ''))) as overdue
         SCOPE_PLACEHOLDER_RELEASED
     ),
     OUTCOMES_TAIL";

const OUTCOMES_TAIL: &str = "groups as (
         select 0 as g, '' as grp, base.* from base
         union all
         select 1 as g, department as grp, base.* from base
     )
     select case when g = 0 then null else grp end as department,
            cast(count(distinct candidate_id) as bigint) as candidates,
            cast(count(*) as bigint) as rejections,
            cast(count(released_at) as bigint) as released,
            cast(coalesce(sum(acknowledged), 0) as bigint) as acknowledged,
            cast(count(rating) as bigint) as rated,
            cast(coalesce(sum(rating), 0) as bigint) as rating_sum,
            cast(coalesce(sum(followed_up), 0) as bigint) as followed_up,
            cast(coalesce(sum(actions), 0) as bigint) as actions,
            cast(coalesce(sum(started), 0) as bigint) as actions_started,
            cast(coalesce(sum(done), 0) as bigint) as actions_done,
            cast(coalesce(sum(overdue), 0) as bigint) as actions_overdue
       from groups group by g, grp
      order by g, grp";

/// The reason codes of released feedback, and the whole (`item` null).
const REASONS_POSTGRES: &str = "with base as (select a.candidate_id, f.document SCOPE_PLACEHOLDER_RELEASED_ONLY)
     select e.reason as item, '' as part, c.name, count(distinct b.candidate_id) as candidates, count(*) as feedback
       from base b cross join lateral jsonb_array_elements_text(b.document -> 'reasons') as e(reason)
       left join catalog_entries c on c.tenant_id = $1 and c.kind = 'reason_code' and c.key = e.reason
      group by e.reason, c.name
     union all
     select null, '', null, count(distinct candidate_id), count(*) from base
      order by item nulls first";

const REASONS_SQLITE: &str = "with base as (select a.candidate_id, f.document SCOPE_PLACEHOLDER_RELEASED_ONLY)
     select e.value as item, '' as part, c.name, count(distinct b.candidate_id) as candidates, count(*) as feedback
       from base b, json_each(b.document, '$.reasons') e
       left join catalog_entries c on c.tenant_id = $1 and c.kind = 'reason_code' and c.key = e.value
      group by e.value, c.name
     union all
     select null, '', null, count(distinct candidate_id), count(*) from base
      order by item nulls first";

/// Per competency: candidates assessed at each level (`part` the level), assessed at all
/// (`assessed`), with an improvement area (`improvement_area`); and the whole (`item` null).
const COMPETENCIES_POSTGRES: &str =
    "with base as (select a.candidate_id, f.document SCOPE_PLACEHOLDER_RELEASED_ONLY),
     items as (
         select e ->> 'competency' as competency, e ->> 'level' as part, b.candidate_id
           from base b cross join lateral jsonb_array_elements(b.document -> 'assessments') e
         union all
         select e ->> 'competency', 'improvement_area', b.candidate_id
           from base b cross join lateral jsonb_array_elements(b.document -> 'improvement_areas') e
          where e ->> 'competency' is not null
     )
     COMPETENCIES_TAIL";

const COMPETENCIES_SQLITE: &str = "with base as (select a.candidate_id, f.document SCOPE_PLACEHOLDER_RELEASED_ONLY),
     items as (
         select json_extract(e.value, '$.competency') as competency, json_extract(e.value, '$.level') as part, b.candidate_id
           from base b, json_each(b.document, '$.assessments') e
         union all
         select json_extract(e.value, '$.competency'), 'improvement_area', b.candidate_id
           from base b, json_each(b.document, '$.improvement_areas') e
          where json_extract(e.value, '$.competency') is not null
     )
     COMPETENCIES_TAIL";

const COMPETENCIES_TAIL: &str = "select i.competency as item, i.part, c.name,
            count(distinct i.candidate_id) as candidates, count(*) as feedback
       from items i
       left join catalog_entries c on c.tenant_id = $1 and c.kind = 'competency' and c.key = i.competency
      group by i.competency, i.part, c.name
     union all
     select i.competency, 'assessed', c.name, count(distinct i.candidate_id), count(*)
       from items i
       left join catalog_entries c on c.tenant_id = $1 and c.kind = 'competency' and c.key = i.competency
      where i.part <> 'improvement_area'
      group by i.competency, c.name
     union all
     select null, '', null, count(distinct candidate_id), count(*) from base
      order by item nulls first, part";

/// The report's population and its first and last decision. Distinct candidates are counted
/// by grouping (a hash table of candidates) rather than `count(distinct)` (a sort of every
/// rejection), here and below.
const POPULATION: &str =
    "select count(*) as filtered, min(first_at) as first_at, max(last_at) as last_at
       from (select a.candidate_id, min(a.decided_at) as first_at, max(a.decided_at) as last_at
             SCOPE_PLACEHOLDER
             group by a.candidate_id) c";

/// The breakdowns the report's filters select from, over the whole tenant in the period:
/// distinct candidates of the tenant (both keys null), of each department, and of each
/// requisition of `$4`'s department.
const BREAKDOWN: &str = "with per_candidate as (
         select r.department, a.candidate_id
         TENANT_SCOPE
          group by r.department, a.candidate_id
     )
     select cast(null as text) as department, cast(null as uuid) as requisition_id,
            (select count(*) from (select candidate_id from per_candidate group by candidate_id) d) as candidates
     union all
     select department, cast(null as uuid), count(*) from per_candidate group by department
     union all
     select r.department, a.requisition_id, count(distinct a.candidate_id)
       TENANT_SCOPE
        and r.department = (select q.department from requisitions q where q.tenant_id = $1 and q.id = $4)
      group by r.department, a.requisition_id";

const TENANT_SCOPE: &str = "from applications a
       join requisitions r on r.tenant_id = a.tenant_id and r.id = a.requisition_id
      where a.tenant_id = $1 and a.status = 'rejected' and a.decided_at >= $2 and a.decided_at < $3";

/// Distinct candidates of the report decided in `[$6, $7)`.
const CANDIDATES_BETWEEN: &str = "select count(*) from (select a.candidate_id SCOPE_PLACEHOLDER
        and a.decided_at >= $6 and a.decided_at < $7 group by a.candidate_id) c";

fn expand(sql: &str) -> String {
    sql.replace("OUTCOMES_TAIL", OUTCOMES_TAIL)
        .replace("TENANT_SCOPE", TENANT_SCOPE)
        .replace("COMPETENCIES_TAIL", COMPETENCIES_TAIL)
        .replace(
            "SCOPE_PLACEHOLDER_RELEASED_ONLY",
            &SCOPE.replace(
                "join requisitions r",
                "join feedback f on f.tenant_id = a.tenant_id and f.application_id = a.id and f.status = 'released'
       join requisitions r",
            ),
        )
        .replace(
            "SCOPE_PLACEHOLDER_RELEASED",
            &SCOPE.replace(
                "join requisitions r",
                "left join feedback f on f.tenant_id = a.tenant_id and f.application_id = a.id and f.status = 'released'
       left join feedback_acknowledgements k on k.feedback_id = f.id
       join requisitions r",
            ),
        )
        .replace("SCOPE_PLACEHOLDER", SCOPE)
}

/// The reports' statements, expanded once.
struct Statements {
    timeliness: String,
    outcomes: [String; 2],
    reasons: [String; 2],
    competencies: [String; 2],
    between: String,
    population: String,
    breakdown: String,
}

fn statements() -> &'static Statements {
    static STATEMENTS: std::sync::OnceLock<Statements> = std::sync::OnceLock::new();
    STATEMENTS.get_or_init(|| Statements {
        timeliness: expand(TIMELINESS),
        outcomes: [expand(OUTCOMES_POSTGRES), expand(OUTCOMES_SQLITE)],
        reasons: [expand(REASONS_POSTGRES), expand(REASONS_SQLITE)],
        competencies: [expand(COMPETENCIES_POSTGRES), expand(COMPETENCIES_SQLITE)],
        between: expand(CANDIDATES_BETWEEN),
        population: expand(POPULATION),
        breakdown: expand(BREAKDOWN),
    })
}

/// A report's population: distinct candidates, first and last decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Population {
    pub filtered: i64,
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
}

/// Distinct candidates of the tenant (both keys `None`), a department, or a requisition.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BreakdownRow {
    pub department: Option<String>,
    pub requisition_id: Option<RequisitionId>,
    pub candidates: i64,
}

impl Db<'_> {
    fn backend_index(&self) -> usize {
        match self.on {
            On::Postgres(_) => 0,
            On::Sqlite(_) => 1,
        }
    }

    /// Gives the session what a report's aggregation needs on PostgreSQL while `on`: hash
    /// tables in memory (`work_mem` 64 MB instead of the default 4 MB: the per-candidate
    /// counts of a million rejections), no JIT (compiling the plan cost more than it saved),
    /// and a plan for the parameters given (a generic plan cannot drop the filters not asked
    /// for, `$4 is null or …`: after five runs of a prepared statement PostgreSQL may switch to
    /// one, and the same report took 7 s instead of 2.7); off, the server's own settings again,
    /// so that the pooled connection goes back as it came.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn report_session(&mut self, on: bool) -> StorageResult<()> {
        if matches!(self.on, On::Postgres(_)) {
            let sql = if on {
                "select set_config('work_mem', '64MB', false), set_config('jit', 'off', false),
                        set_config('plan_cache_mode', 'force_custom_plan', false)"
            } else {
                "select set_config('work_mem', (select reset_val from pg_settings where name = 'work_mem'), false),
                        set_config('jit', (select reset_val from pg_settings where name = 'jit'), false),
                        set_config('plan_cache_mode', (select reset_val from pg_settings where name = 'plan_cache_mode'), false)"
            };
            on_db!(self, c => sqlx::query(sql).execute(&mut *c).await.map(|_| ()))?;
        }
        Ok(())
    }

    /// A report's rows: `$1` to `$5` the tenant and the scope, `$6` as `binds` says.
    async fn report_rows<T>(
        &mut self,
        sql: &'static str,
        binds: ReportBinds<'_>,
    ) -> StorageResult<Vec<T>>
    where
        T: Send
            + Unpin
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    {
        Ok(on_db!(self, c => {
            let query = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql))
                .bind(binds.tenant)
                .bind(binds.scope.from)
                .bind(binds.scope.until)
                .bind(binds.scope.department.as_deref())
                .bind(binds.scope.requisition);
            match binds.sixth {
                Sixth::None => query.fetch_all(&mut *c).await,
                Sixth::Instant(at) => query.bind(at).fetch_all(&mut *c).await,
                Sixth::Day(day) => query.bind(day).fetch_all(&mut *c).await,
            }
        })?)
    }

    /// The tenant's minimum group size and its version.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn report_settings(
        &mut self,
        tenant: &TenantId,
    ) -> StorageResult<(MinGroupSize, i64)> {
        let row = on_db!(self, c => sqlx::query_as::<_, (i32, i64)>(
            "select report_min_group_size, report_settings_version from tenants where id = $1")
            .bind(tenant)
            .fetch_optional(&mut *c)
            .await)?;
        match row {
            None => Ok((MinGroupSize::default(), 1)),
            Some((k, version)) => {
                let k = u32::try_from(k)
                    .ok()
                    .and_then(|k| MinGroupSize::parse(k).ok())
                    .ok_or_else(|| {
                        StorageError::Other("a stored group size is out of range".into())
                    })?;
                Ok((k, version))
            }
        }
    }

    /// Sets the minimum group size if the settings are still at `version`; the new version,
    /// or `None` if stale.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_report_settings(
        &mut self,
        tenant: &TenantId,
        k: MinGroupSize,
        version: i64,
    ) -> StorageResult<Option<i64>> {
        let k = i32::try_from(k.get()).unwrap_or(i32::MAX);
        Ok(on_db!(self, c => sqlx::query_scalar::<_, i64>(
            "update tenants set report_min_group_size = $2, report_settings_version = report_settings_version + 1
              where id = $1 and report_settings_version = $3
             returning report_settings_version")
            .bind(tenant)
            .bind(k)
            .bind(version)
            .fetch_optional(&mut *c)
            .await)?)
    }

    /// The report's population.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn report_population(
        &mut self,
        tenant: &TenantId,
        scope: &ReportScope,
    ) -> StorageResult<Population> {
        let sql = statements().population.as_str();
        Ok(
            on_db!(self, c => sqlx::query_as::<_, Population>(sqlx::AssertSqlSafe(sql))
            .bind(tenant)
            .bind(scope.from)
            .bind(scope.until)
            .bind(scope.department.as_deref())
            .bind(scope.requisition)
            .fetch_one(&mut *c)
            .await)?,
        )
    }

    /// The tenant's candidates in the period: in all, per department, and per requisition of
    /// the filtered requisition's department.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn report_breakdown(
        &mut self,
        tenant: &TenantId,
        scope: &ReportScope,
    ) -> StorageResult<Vec<BreakdownRow>> {
        let sql = statements().breakdown.as_str();
        Ok(
            on_db!(self, c => sqlx::query_as::<_, BreakdownRow>(sqlx::AssertSqlSafe(sql))
            .bind(tenant)
            .bind(scope.from)
            .bind(scope.until)
            .bind(scope.requisition)
            .fetch_all(&mut *c)
            .await)?,
        )
    }

    /// Distinct candidates of the report decided in `[from, until)`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn report_candidates_between(
        &mut self,
        tenant: &TenantId,
        scope: &ReportScope,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StorageResult<i64> {
        let sql = statements().between.as_str();
        Ok(
            on_db!(self, c => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
            .bind(tenant)
            .bind(scope.from)
            .bind(scope.until)
            .bind(scope.department.as_deref())
            .bind(scope.requisition)
            .bind(from)
            .bind(until)
            .fetch_one(&mut *c)
            .await)?,
        )
    }

    /// Timeliness, the whole report first, then per department.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn timeliness_report(
        &mut self,
        tenant: &TenantId,
        scope: &ReportScope,
        now: DateTime<Utc>,
    ) -> StorageResult<Vec<TimelinessRow>> {
        let sql = statements().timeliness.as_str();
        self.report_rows(sql, ReportBinds::new(tenant, scope, Sixth::Instant(now)))
            .await
    }

    /// Outcomes, the whole report first, then per department; an action is overdue when its
    /// target date is before `today` and it is not done.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn outcomes_report(
        &mut self,
        tenant: &TenantId,
        scope: &ReportScope,
        today: NaiveDate,
    ) -> StorageResult<Vec<OutcomesRow>> {
        let sql = statements().outcomes[self.backend_index()].as_str();
        let today = today.format("%Y-%m-%d").to_string();
        self.report_rows(sql, ReportBinds::new(tenant, scope, Sixth::Day(&today)))
            .await
    }

    /// Reason codes of released feedback, the whole (`item` null) first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn reasons_report(
        &mut self,
        tenant: &TenantId,
        scope: &ReportScope,
    ) -> StorageResult<Vec<KeyRow>> {
        let sql = statements().reasons[self.backend_index()].as_str();
        self.key_rows(sql, tenant, scope).await
    }

    /// Competencies of released feedback, the whole (`item` null) first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn competencies_report(
        &mut self,
        tenant: &TenantId,
        scope: &ReportScope,
    ) -> StorageResult<Vec<KeyRow>> {
        let sql = statements().competencies[self.backend_index()].as_str();
        self.key_rows(sql, tenant, scope).await
    }

    async fn key_rows(
        &mut self,
        sql: &'static str,
        tenant: &TenantId,
        scope: &ReportScope,
    ) -> StorageResult<Vec<KeyRow>> {
        self.report_rows(sql, ReportBinds::new(tenant, scope, Sixth::None))
            .await
    }
}

/// What a report's statement binds: `$1` to `$5` the tenant and the scope, `$6` what the
/// report compares with (now, or today for action dates), if it does.
struct ReportBinds<'a> {
    tenant: &'a TenantId,
    scope: &'a ReportScope,
    sixth: Sixth<'a>,
}

enum Sixth<'a> {
    None,
    Instant(DateTime<Utc>),
    Day(&'a str),
}

impl<'a> ReportBinds<'a> {
    fn new(tenant: &'a TenantId, scope: &'a ReportScope, sixth: Sixth<'a>) -> Self {
        Self {
            tenant,
            scope,
            sixth,
        }
    }
}
