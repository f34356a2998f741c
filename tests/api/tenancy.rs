//! Tenant isolation in the database too (PostgreSQL row-level security): the service, run as
//! a role that does not own the tables, works end to end, and a statement that forgets its
//! tenant filter sees nothing of another tenant (or, unscoped, of any).

use chrono::{Months, Utc};
use secrecy::ExposeSecret;
use serde_json::json;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use crate::common::Backend;
use crate::helpers::{id, ok, spawn_app, spawn_app_with, Caller};

/// `url` with `user` as its user name.
fn as_user(url: &str, user: &str) -> String {
    let mut url = url::Url::parse(url).expect("URL");
    url.set_username(user).expect("user");
    url.to_string()
}

async fn count(connection: &mut PgConnection, tenant: Option<&str>) -> i64 {
    if let Some(tenant) = tenant {
        sqlx::query("select set_config('debrief.tenant', $1, false)")
            .bind(tenant)
            .execute(&mut *connection)
            .await
            .expect("scope");
    }
    sqlx::query_scalar("select count(*) from feedback")
        .fetch_one(&mut *connection)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_service_role_under_row_level_security_sees_only_the_tenant_it_acts_for() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    // The owner (the migration role) builds the schema; the service runs as another role.
    let owner = spawn_app(backend.clone()).await;
    let owner_url = owner.settings.database.url.expose_secret().to_owned();
    let role = format!("debrief_app_{}", Uuid::now_v7().simple());
    let mut admin = PgConnection::connect(&owner_url).await.expect("owner");
    for statement in [
        format!("create role {role} login"),
        format!("grant usage on schema public to {role}"),
        format!("grant select, insert, update, delete on all tables in schema public to {role}"),
        format!("grant usage, select on all sequences in schema public to {role}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut admin)
            .await
            .expect("role setup");
    }
    let service_url = as_user(&owner_url, &role);
    let app = spawn_app_with(backend, |s| {
        s.database_url = service_url.clone().into();
        s.migrate_on_start = false;
    })
    .await;

    // The whole life of a rejection, in two tenants, through the service role.
    let acme = app.scenario().released().await;
    let globex = app.scenario().in_tenant("globex").released().await;
    let own = format!("/v1/me/feedback/{}", id(&acme.feedback));
    ok(app.get_as(&Caller::employee("E1"), &own).await).await;
    let other = app
        .get_as(&Caller::employee("E1").in_tenant("globex"), &own)
        .await;
    assert_eq!(other.status(), 404);
    let list = ok(app
        .get_as(&Caller::hr("H1").in_tenant("globex"), "/v1/feedback")
        .await)
    .await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(ids, vec![id(&globex.feedback).as_str()]);

    // The same role, straight to the database: a query without any tenant filter.
    let mut service = PgConnection::connect(&service_url)
        .await
        .expect("service role");
    let active: bool = sqlx::query_scalar("select row_security_active('feedback')")
        .fetch_one(&mut service)
        .await
        .expect("row security");
    assert!(active, "row-level security binds the service role");
    assert_eq!(count(&mut service, None).await, 0, "unscoped: nothing");
    assert_eq!(count(&mut service, Some("acme")).await, 1);
    assert_eq!(count(&mut service, Some("globex")).await, 1);
    assert_eq!(count(&mut service, Some("initech")).await, 0);
    assert_eq!(count(&mut admin, None).await, 2, "the owner sees both");
    // Writing into another tenant than the scope is refused by the policy.
    let forged =
        sqlx::query("update feedback set updated_at = updated_at where tenant_id = 'acme'")
            .execute(&mut service)
            .await
            .expect("update");
    assert_eq!(
        forged.rows_affected(),
        0,
        "scoped to initech, acme's rows are invisible"
    );

    // The jobs that span tenants work under it: retention, tenant by tenant.
    ok(app
        .put_as(
            &Caller::hr("H1"),
            "/v1/retention-policy",
            &json!({"months_after_decision": 1}),
        )
        .await)
    .await;
    let later = Utc::now().checked_add_months(Months::new(2)).expect("date");
    let store = debrief::storage::Store::connect(&app.settings.database)
        .await
        .expect("store");
    let report = debrief::app::retention::apply(&store, later, false)
        .await
        .expect("retention under row-level security");
    assert_eq!(report.anonymised.len(), 1, "acme's decided application");
    assert_eq!(store.row_security(), Some(true));

    service.close().await.ok();
    drop(app);
    for statement in [format!("drop owned by {role}"), format!("drop role {role}")] {
        let _ = sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut admin)
            .await;
    }
}
