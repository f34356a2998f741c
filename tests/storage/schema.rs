//! Migration parity: both backends' migrations build the same schema — the same tables,
//! columns, types (under the type map below), nullability, primary keys, foreign keys, unique
//! constraints and indexes (with their columns, uniqueness and partiality).
//!
//! The type map (PostgreSQL → SQLite): `uuid` → `BLOB`; `text`, `timestamp with time zone`,
//! `jsonb`, `date` → `TEXT`; `boolean`, `integer`, `bigint` → `INTEGER`.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use debrief::config::Backend as Kind;
use debrief::storage::Store;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Row};

use crate::common::{Backend, TestDatabase};

/// One table: column → (type under the map, nullable); the rest as sets.
#[derive(Debug, Default, PartialEq, Eq)]
struct Table {
    columns: BTreeMap<String, (String, bool)>,
    primary_key: Vec<String>,
    foreign_keys: BTreeSet<(Vec<String>, String, Vec<String>)>,
    /// Unique constraints and the primary key, as unnamed column lists.
    unique: BTreeSet<Vec<String>>,
    /// Indexes created by name: name → (columns, unique, partial).
    indexes: BTreeMap<String, (Vec<String>, bool, bool)>,
}

type Schema = BTreeMap<String, Table>;

fn mapped(postgres_type: &str) -> String {
    match postgres_type {
        "uuid" => "BLOB",
        "text" | "timestamp with time zone" | "jsonb" | "date" => "TEXT",
        "boolean" | "integer" | "bigint" => "INTEGER",
        other => panic!("{other}: not in the documented type map; add it to both backends"),
    }
    .to_owned()
}

async fn postgres_schema(url: &str) -> Schema {
    let mut conn = PgConnectOptions::from_str(url)
        .expect("url")
        .connect()
        .await
        .expect("connect");
    let mut schema = Schema::new();
    let columns = sqlx::query(
        "select table_name::text, column_name::text, data_type::text, is_nullable::text
         from information_schema.columns
         where table_schema = 'public' and table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("columns");
    for row in columns {
        let table: String = row.get(0);
        let nullable: String = row.get(3);
        schema.entry(table).or_default().columns.insert(
            row.get(1),
            (mapped(&row.get::<String, _>(2)), nullable == "YES"),
        );
    }
    // Every index with its columns in order; constraint-backed ones (primary keys, unique
    // constraints) go to `unique`, the others by name.
    let indexes = sqlx::query(
        "select t.relname::text, i.relname::text, ix.indisunique, ix.indpred is not null,
                exists (select 1 from pg_constraint c where c.conindid = ix.indexrelid) as backs_constraint,
                ix.indisprimary,
                array(select a.attname::text from unnest(ix.indkey) with ordinality k(attnum, n)
                      join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum order by k.n)
         from pg_index ix join pg_class t on t.oid = ix.indrelid join pg_class i on i.oid = ix.indexrelid
         join pg_namespace ns on ns.oid = t.relnamespace
         where ns.nspname = 'public' and t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("indexes");
    for row in indexes {
        let table = schema.entry(row.get::<String, _>(0)).or_default();
        let columns: Vec<String> = row.get(6);
        if row.get::<bool, _>(5) {
            table.primary_key = columns.clone();
        }
        if row.get::<bool, _>(4) {
            table.unique.insert(columns);
        } else {
            table
                .indexes
                .insert(row.get(1), (columns, row.get(2), row.get(3)));
        }
    }
    let foreign_keys = sqlx::query(
        "select c.conrelid::regclass::text, c.confrelid::regclass::text,
                array(select a.attname::text from unnest(c.conkey) with ordinality k(attnum, n)
                      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.n),
                array(select a.attname::text from unnest(c.confkey) with ordinality k(attnum, n)
                      join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum order by k.n)
         from pg_constraint c where c.contype = 'f'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("foreign keys");
    for row in foreign_keys {
        schema
            .entry(row.get::<String, _>(0))
            .or_default()
            .foreign_keys
            .insert((row.get(2), row.get(1), row.get(3)));
    }
    conn.close().await.ok();
    schema
}

async fn sqlite_schema(path: &std::path::Path) -> Schema {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .connect()
        .await
        .expect("connect");
    let tables: Vec<String> = sqlx::query_scalar(
        "select name from sqlite_master where type = 'table'
         and name not like 'sqlite_%' and name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("tables");
    let mut schema = Schema::new();
    for name in tables {
        let mut table = Table::default();
        let mut primary: Vec<(i64, String)> = Vec::new();
        for row in sqlx::query(AssertSqlSafe(format!("pragma table_info('{name}')")))
            .fetch_all(&mut conn)
            .await
            .expect("table_info")
        {
            let column: String = row.get("name");
            let pk: i64 = row.get("pk");
            let not_null = row.get::<i64, _>("notnull") == 1 || pk > 0;
            if pk > 0 {
                primary.push((pk, column.clone()));
            }
            table.columns.insert(
                column,
                (row.get::<String, _>("type").to_uppercase(), !not_null),
            );
        }
        primary.sort();
        table.primary_key = primary.into_iter().map(|(_, c)| c).collect();
        for row in sqlx::query(AssertSqlSafe(format!("pragma index_list('{name}')")))
            .fetch_all(&mut conn)
            .await
            .expect("index_list")
        {
            let index: String = row.get("name");
            let columns: Vec<String> =
                sqlx::query(AssertSqlSafe(format!("pragma index_info('{index}')")))
                    .fetch_all(&mut conn)
                    .await
                    .expect("index_info")
                    .iter()
                    .map(|c| c.get::<String, _>("name"))
                    .collect();
            let origin: String = row.get("origin");
            if origin == "c" {
                table.indexes.insert(
                    index,
                    (
                        columns,
                        row.get::<i64, _>("unique") == 1,
                        row.get::<i64, _>("partial") == 1,
                    ),
                );
            } else {
                table.unique.insert(columns);
            }
        }
        let mut keys: BTreeMap<i64, (Vec<String>, String, Vec<String>)> = BTreeMap::new();
        for row in sqlx::query(AssertSqlSafe(format!("pragma foreign_key_list('{name}')")))
            .fetch_all(&mut conn)
            .await
            .expect("foreign_key_list")
        {
            let entry = keys
                .entry(row.get("id"))
                .or_insert_with(|| (Vec::new(), row.get("table"), Vec::new()));
            entry.0.push(row.get("from"));
            entry.2.push(row.get("to"));
        }
        table.foreign_keys = keys.into_values().collect();
        schema.insert(name, table);
    }
    conn.close().await.ok();
    schema
}

#[test]
fn both_backends_carry_the_same_migrations() {
    let postgres = Store::migrations(Kind::Postgres);
    let sqlite = Store::migrations(Kind::Sqlite);
    assert!(!postgres.is_empty());
    assert_eq!(postgres, sqlite);
}

#[tokio::test]
async fn both_backends_build_the_same_schema() {
    let Some(postgres) = Backend::postgres() else {
        return;
    };
    let pg = TestDatabase::create(&postgres).await;
    pg.store().await;
    let lite = TestDatabase::create(&Backend::Sqlite).await;
    lite.store().await;
    let expected = postgres_schema(&pg.url).await;
    let actual = sqlite_schema(&lite.dir.path().join("debrief.db")).await;
    assert_eq!(
        expected.keys().collect::<Vec<_>>(),
        actual.keys().collect::<Vec<_>>(),
        "tables"
    );
    for (name, table) in &expected {
        assert_eq!(Some(table), actual.get(name), "table {name}");
    }
}
