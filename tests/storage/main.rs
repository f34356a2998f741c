//! Storage contract: the same cases against SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
pub mod common;

use debrief::domain::catalog::{CatalogKey, CatalogKind, EntryChange, NewEntry};
use debrief::domain::TenantId;
use debrief::storage::{EntryFilter, StorageError, Versioned};

use common::{Backend, TestDatabase};

backend_tests!(
    provisioning_a_tenant_is_idempotent_and_creates_the_defaults_once,
    concurrent_provisioning_of_one_tenant_creates_one_catalog,
    entries_are_listed_in_key_order_after_the_cursor,
    a_duplicate_key_is_a_conflict_and_leaves_the_first_entry,
    an_update_applies_only_at_the_current_version,
    timestamps_round_trip_to_the_microsecond,
    catalogs_are_isolated_per_tenant,
);

fn tenant(id: &str) -> TenantId {
    TenantId::parse(id).expect("tenant")
}

fn key(raw: &str) -> CatalogKey {
    CatalogKey::parse(raw).expect("key")
}

async fn provisioning_a_tenant_is_idempotent_and_creates_the_defaults_once(backend: Backend) {
    let db = TestDatabase::create(&backend).await;
    let store = db.store().await;
    let acme = tenant("acme");
    store.ensure_tenant(&acme).await.expect("first");
    store.ensure_tenant(&acme).await.expect("second");
    for kind in CatalogKind::ALL {
        let entries = store
            .list_entries(&acme, kind, &EntryFilter::default(), 100)
            .await
            .expect("list");
        assert_eq!(entries.len(), kind.defaults().len(), "{kind:?}");
    }
}

async fn concurrent_provisioning_of_one_tenant_creates_one_catalog(backend: Backend) {
    let db = TestDatabase::create(&backend).await;
    let store = db.store().await;
    let acme = tenant("acme");
    let results = futures_util::future::join_all((0..4).map(|_| store.ensure_tenant(&acme))).await;
    for result in results {
        // On SQLite a racing writer may wait for the lock; none may fail.
        result.expect("provisioning");
    }
    let entries = store
        .list_entries(
            &acme,
            CatalogKind::ReasonCodes,
            &EntryFilter::default(),
            100,
        )
        .await
        .expect("list");
    assert_eq!(entries.len(), CatalogKind::ReasonCodes.defaults().len());
}

async fn entries_are_listed_in_key_order_after_the_cursor(backend: Backend) {
    let db = TestDatabase::create(&backend).await;
    let store = db.store().await;
    let acme = tenant("acme");
    store.ensure_tenant(&acme).await.expect("tenant");
    let all = store
        .list_entries(
            &acme,
            CatalogKind::Competencies,
            &EntryFilter::default(),
            100,
        )
        .await
        .expect("list");
    let keys: Vec<&str> = all.iter().map(|e| e.key.as_str()).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let after = EntryFilter {
        active: None,
        after: Some(keys[2].to_owned()),
    };
    let rest = store
        .list_entries(&acme, CatalogKind::Competencies, &after, 3)
        .await
        .expect("list");
    let rest: Vec<&str> = rest.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(rest, &keys[3..6]);
}

async fn a_duplicate_key_is_a_conflict_and_leaves_the_first_entry(backend: Backend) {
    let db = TestDatabase::create(&backend).await;
    let store = db.store().await;
    let acme = tenant("acme");
    store.ensure_tenant(&acme).await.expect("tenant");
    let first = NewEntry::parse("negotiation", "Negotiation", None).expect("entry");
    store
        .create_entry(&acme, CatalogKind::Competencies, &first, None)
        .await
        .expect("create");
    let second = NewEntry::parse("negotiation", "Other", Some("x")).expect("entry");
    let error = store
        .create_entry(&acme, CatalogKind::Competencies, &second, None)
        .await
        .expect_err("duplicate");
    assert!(matches!(error, StorageError::Conflict(_)), "{error:?}");
    let kept = store
        .get_entry(&acme, CatalogKind::Competencies, &key("negotiation"))
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(kept.name, "Negotiation");
}

async fn an_update_applies_only_at_the_current_version(backend: Backend) {
    let db = TestDatabase::create(&backend).await;
    let store = db.store().await;
    let acme = tenant("acme");
    store.ensure_tenant(&acme).await.expect("tenant");
    let retire = EntryChange {
        active: Some(false),
        ..EntryChange::default()
    };
    let k = key("skills_gap");
    let updated = store
        .update_entry(&acme, CatalogKind::ReasonCodes, &k, 1, &retire)
        .await
        .expect("update");
    let Versioned::Updated(entry) = updated else {
        panic!("expected an update, got {updated:?}");
    };
    assert_eq!((entry.active, entry.version), (false, 2));
    let stale = store
        .update_entry(&acme, CatalogKind::ReasonCodes, &k, 1, &retire)
        .await
        .expect("update");
    assert!(matches!(stale, Versioned::Stale), "{stale:?}");
    let missing = store
        .update_entry(&acme, CatalogKind::ReasonCodes, &key("nope"), 1, &retire)
        .await
        .expect("update");
    assert!(matches!(missing, Versioned::NotFound), "{missing:?}");
}

async fn timestamps_round_trip_to_the_microsecond(backend: Backend) {
    let db = TestDatabase::create(&backend).await;
    let store = db.store().await;
    let acme = tenant("acme");
    store.ensure_tenant(&acme).await.expect("tenant");
    let entry = NewEntry::parse("precision", "Precision", None).expect("entry");
    let created = store
        .create_entry(&acme, CatalogKind::Competencies, &entry, None)
        .await
        .expect("create");
    let read = store
        .get_entry(&acme, CatalogKind::Competencies, &key("precision"))
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(read, created);
}

async fn catalogs_are_isolated_per_tenant(backend: Backend) {
    let db = TestDatabase::create(&backend).await;
    let store = db.store().await;
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    store.ensure_tenant(&acme).await.expect("tenant");
    store.ensure_tenant(&globex).await.expect("tenant");
    let entry = NewEntry::parse("acme_only", "Acme only", None).expect("entry");
    store
        .create_entry(&acme, CatalogKind::Competencies, &entry, None)
        .await
        .expect("create");
    let seen = store
        .get_entry(&globex, CatalogKind::Competencies, &key("acme_only"))
        .await
        .expect("get");
    assert!(seen.is_none());
    let change = EntryChange {
        name: Some("Hijacked".into()),
        ..EntryChange::default()
    };
    let result = store
        .update_entry(
            &globex,
            CatalogKind::Competencies,
            &key("acme_only"),
            1,
            &change,
        )
        .await
        .expect("update");
    assert!(matches!(result, Versioned::NotFound));
}

#[test]
fn both_backends_carry_the_same_migrations() {
    let postgres = debrief::storage::Store::migrations("postgres");
    let sqlite = debrief::storage::Store::migrations("sqlite");
    assert!(!postgres.is_empty());
    assert_eq!(postgres, sqlite);
    let names = |dir: &str| {
        let mut names: Vec<String> =
            std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                .expect("migrations dir")
                .map(|entry| {
                    entry
                        .expect("entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
        names.sort();
        names
    };
    assert_eq!(names("postgres"), names("sqlite"));
}
