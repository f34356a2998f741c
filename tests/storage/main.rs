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

fn audit() -> debrief::storage::AuditContext {
    debrief::storage::AuditContext::system("storage-test")
}

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
        .create_entry(&acme, &audit(), CatalogKind::Competencies, &first, None)
        .await
        .expect("create");
    let second = NewEntry::parse("negotiation", "Other", Some("x")).expect("entry");
    let error = store
        .create_entry(&acme, &audit(), CatalogKind::Competencies, &second, None)
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
        .update_entry(&acme, &audit(), CatalogKind::ReasonCodes, &k, 1, &retire)
        .await
        .expect("update");
    let Versioned::Updated(entry) = updated else {
        panic!("expected an update, got {updated:?}");
    };
    assert_eq!((entry.active, entry.version), (false, 2));
    let stale = store
        .update_entry(&acme, &audit(), CatalogKind::ReasonCodes, &k, 1, &retire)
        .await
        .expect("update");
    assert!(matches!(stale, Versioned::Stale), "{stale:?}");
    let missing = store
        .update_entry(
            &acme,
            &audit(),
            CatalogKind::ReasonCodes,
            &key("nope"),
            1,
            &retire,
        )
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
        .create_entry(&acme, &audit(), CatalogKind::Competencies, &entry, None)
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
        .create_entry(&acme, &audit(), CatalogKind::Competencies, &entry, None)
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
            &audit(),
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

mod hiring {
    use std::sync::Arc;

    use debrief::domain::hiring::{
        ApplicationDraft, Outcome, RequisitionDraft, RequisitionStatus, Stage,
    };
    use debrief::domain::{SubjectId, TenantId};
    use debrief::storage::{
        IdempotencyClaim, RequisitionFilter, ResponseToStore, StorageError, Store, Transition,
    };

    use super::audit;
    use crate::backend_tests;
    use crate::common::{Backend, TestDatabase};

    backend_tests!(
        requisitions_keep_their_people_and_filter_by_hiring_manager,
        requisitions_are_listed_in_creation_order_after_the_cursor,
        a_sync_re_run_keeps_the_version,
        requisition_moves_follow_the_lifecycle,
        a_decision_is_applied_once,
        an_idempotency_key_is_stored_with_its_create_and_cannot_be_claimed_twice,
    );

    fn draft(title: &str, managers: &[&str], external_ref: Option<&str>) -> RequisitionDraft {
        let managers: Vec<String> = managers.iter().map(|m| (*m).to_owned()).collect();
        RequisitionDraft::parse(
            external_ref,
            title,
            "Finance",
            &managers,
            &["H1".into()],
            RequisitionStatus::Open,
        )
        .expect("valid draft")
    }

    async fn store(db: &TestDatabase) -> (Store, TenantId) {
        let store = db.store().await;
        let tenant = TenantId::parse("acme").expect("tenant");
        store.ensure_tenant(&tenant).await.expect("tenant");
        (store, tenant)
    }

    async fn requisitions_keep_their_people_and_filter_by_hiring_manager(backend: Backend) {
        let db = TestDatabase::create(&backend).await;
        let (store, acme) = store(&db).await;
        let a = store
            .create_requisition(&acme, &audit(), &draft("A", &["M2", "M1"], None), None)
            .await
            .expect("create");
        store
            .create_requisition(&acme, &audit(), &draft("B", &["M3"], None), None)
            .await
            .expect("create");
        let read = store
            .get_requisition(&acme, a.row.id)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(read, a);
        assert_eq!(read.hiring_manager_ids, ["M1", "M2"]);
        assert_eq!(read.hr_partner_ids, ["H1"]);
        let filter = RequisitionFilter {
            hiring_manager: Some("M2".into()),
            ..RequisitionFilter::default()
        };
        let managed = store
            .list_requisitions(&acme, &filter, 10)
            .await
            .expect("list");
        assert_eq!(
            managed.iter().map(|r| r.row.id).collect::<Vec<_>>(),
            [a.row.id]
        );
        let globex = TenantId::parse("globex").expect("tenant");
        store.ensure_tenant(&globex).await.expect("tenant");
        assert!(store
            .get_requisition(&globex, a.row.id)
            .await
            .expect("get")
            .is_none());
    }

    async fn requisitions_are_listed_in_creation_order_after_the_cursor(backend: Backend) {
        let db = TestDatabase::create(&backend).await;
        let (store, acme) = store(&db).await;
        let mut ids = Vec::new();
        for i in 0..6 {
            ids.push(
                store
                    .create_requisition(
                        &acme,
                        &audit(),
                        &draft(&format!("R{i}"), &["M1"], None),
                        None,
                    )
                    .await
                    .expect("create")
                    .row
                    .id,
            );
        }
        let filter = RequisitionFilter {
            after: Some(ids[1]),
            ..RequisitionFilter::default()
        };
        let page = store
            .list_requisitions(&acme, &filter, 3)
            .await
            .expect("list");
        assert_eq!(
            page.iter().map(|r| r.row.id).collect::<Vec<_>>(),
            &ids[2..5]
        );
    }

    async fn a_sync_re_run_keeps_the_version(backend: Backend) {
        let db = TestDatabase::create(&backend).await;
        let (store, acme) = store(&db).await;
        let (created, first) = store
            .upsert_requisition(&acme, &audit(), &draft("A", &["M1"], Some("ATS-1")))
            .await
            .expect("upsert");
        assert!(created);
        let (created, again) = store
            .upsert_requisition(&acme, &audit(), &draft("A", &["M1"], Some("ATS-1")))
            .await
            .expect("upsert");
        assert!(!created);
        assert_eq!(again, first);
        let (_, changed) = store
            .upsert_requisition(&acme, &audit(), &draft("A", &["M2"], Some("ATS-1")))
            .await
            .expect("upsert");
        assert_eq!(
            (changed.row.version, changed.hiring_manager_ids.clone()),
            (2, vec!["M2".to_owned()])
        );
    }

    async fn requisition_moves_follow_the_lifecycle(backend: Backend) {
        let db = TestDatabase::create(&backend).await;
        let (store, acme) = store(&db).await;
        let r = store
            .create_requisition(&acme, &audit(), &draft("A", &["M1"], None), None)
            .await
            .expect("create");
        let cancelled = store
            .transition_requisition(&acme, &audit(), r.row.id, RequisitionStatus::Cancelled)
            .await
            .expect("move");
        assert!(
            matches!(cancelled, Transition::Done(ref c) if c.row.status == "cancelled" && c.row.version == 2)
        );
        let reopened = store
            .transition_requisition(&acme, &audit(), r.row.id, RequisitionStatus::Open)
            .await
            .expect("move");
        assert!(matches!(reopened, Transition::Illegal(_)), "{reopened:?}");
        let missing = store
            .transition_requisition(
                &acme,
                &audit(),
                uuid::Uuid::now_v7(),
                RequisitionStatus::Closed,
            )
            .await
            .expect("move");
        assert!(matches!(missing, Transition::NotFound));
    }

    async fn a_decision_is_applied_once(backend: Backend) {
        let db = TestDatabase::create(&backend).await;
        let (store, acme) = store(&db).await;
        let r = store
            .create_requisition(&acme, &audit(), &draft("A", &["M1"], None), None)
            .await
            .expect("create");
        let application = store
            .create_application(
                &acme,
                &audit(),
                &ApplicationDraft::parse(r.row.id, "E1", None, None).expect("draft"),
                None,
            )
            .await
            .expect("create");
        let hr = SubjectId::parse("H1").expect("sub");
        let first = store
            .decide_application(
                &acme,
                &audit(),
                application.id,
                Outcome::Rejected,
                Stage::Final,
                &hr,
            )
            .await
            .expect("decide");
        let Transition::Done(decided) = first else {
            panic!("{first:?}")
        };
        assert_eq!(
            (decided.status.as_str(), decided.decided_by.as_deref()),
            ("rejected", Some("H1"))
        );
        assert!(decided.decided_at.is_some());
        let second = store
            .decide_application(
                &acme,
                &audit(),
                application.id,
                Outcome::Hired,
                Stage::Final,
                &hr,
            )
            .await
            .expect("decide");
        assert!(
            matches!(second, Transition::Illegal(ref a) if a.status == "rejected"),
            "{second:?}"
        );
        let duplicate = store
            .create_application(
                &acme,
                &audit(),
                &ApplicationDraft::parse(r.row.id, "E1", None, None).expect("draft"),
                None,
            )
            .await;
        assert!(
            matches!(duplicate, Err(StorageError::Conflict(_))),
            "{duplicate:?}"
        );
    }

    async fn an_idempotency_key_is_stored_with_its_create_and_cannot_be_claimed_twice(
        backend: Backend,
    ) {
        let db = TestDatabase::create(&backend).await;
        let (store, acme) = store(&db).await;
        let claim = || IdempotencyClaim {
            caller: "portal".into(),
            key: "k-1".into(),
            request_hash: "h-1".into(),
            render: Arc::new(|r: &debrief::storage::Requisition| ResponseToStore {
                status: 201,
                location: Some(format!("/v1/requisitions/{}", r.row.id)),
                etag: Some("\"1\"".into()),
                body: r.row.title.clone(),
            }),
        };
        let created = store
            .create_requisition(
                &acme,
                &audit(),
                &draft("Once", &["M1"], None),
                Some(claim()),
            )
            .await
            .expect("create");
        let stored = store
            .idempotency_record(&acme, "portal", "k-1")
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(stored.request_hash, "h-1");
        assert_eq!(stored.status, Some(201));
        assert_eq!(
            stored.location,
            Some(format!("/v1/requisitions/{}", created.row.id))
        );
        assert_eq!(stored.body.as_deref(), Some("Once"));
        let again = store
            .create_requisition(
                &acme,
                &audit(),
                &draft("Twice", &["M1"], None),
                Some(claim()),
            )
            .await;
        assert!(
            matches!(again, Err(StorageError::IdempotencyKeyInUse)),
            "{again:?}"
        );
        let all = store
            .list_requisitions(&acme, &RequisitionFilter::default(), 10)
            .await
            .expect("list");
        assert_eq!(all.len(), 1, "the losing create was rolled back");
        assert!(store
            .idempotency_record(&acme, "someone-else", "k-1")
            .await
            .expect("read")
            .is_none());
    }
}

mod seed {
    use debrief::domain::TenantId;
    use debrief::storage::{ApplicationFilter, RequisitionFilter};

    use crate::backend_tests;
    use crate::common::{Backend, TestDatabase};

    backend_tests!(the_demo_seed_is_complete_and_safe_to_run_again);

    async fn the_demo_seed_is_complete_and_safe_to_run_again(backend: Backend) {
        let db = TestDatabase::create(&backend).await;
        let store = db.store().await;
        let demo = TenantId::parse("demo").expect("tenant");
        let first = debrief::seed::seed(&store, &demo).await.expect("seed");
        assert_eq!(
            (first.requisitions, first.applications, first.decisions),
            (3, 5, 4)
        );
        let second = debrief::seed::seed(&store, &demo)
            .await
            .expect("seed again");
        assert_eq!(second.decisions, 0, "decisions are not recorded twice");
        let requisitions = store
            .list_requisitions(&demo, &RequisitionFilter::default(), 50)
            .await
            .expect("list");
        assert_eq!(requisitions.len(), 3);
        let applications = store
            .list_applications(&demo, &ApplicationFilter::default(), 50)
            .await
            .expect("list");
        assert_eq!(applications.len(), 5);
        let rejected: Vec<_> = applications
            .iter()
            .filter(|a| a.status == "rejected")
            .collect();
        assert_eq!(rejected.len(), 2);
        assert!(rejected
            .iter()
            .all(|a| a.candidate_id == "E1001" && a.decided_by.as_deref() == Some("H1001")));
    }
}

mod audit_trail {
    use debrief::domain::TenantId;
    use sqlx::{ConnectOptions, Connection};

    use crate::backend_tests;
    use crate::common::{Backend, TestDatabase};

    backend_tests!(
        the_database_refuses_to_change_or_delete_audit_events,
        the_only_change_accepted_is_an_id_replaced_by_a_recorded_pseudonym,
    );

    /// Runs one statement on a connection of its own, behind the service's back.
    async fn raw(
        db: &TestDatabase,
        backend: &Backend,
        statement: &str,
    ) -> Result<u64, sqlx::Error> {
        match backend {
            Backend::Sqlite => {
                let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(db.dir.path().join("debrief.db"))
                    .connect()
                    .await
                    .expect("connect");
                let result = sqlx::query(statement).execute(&mut conn).await;
                conn.close().await.ok();
                result.map(|r| r.rows_affected())
            }
            Backend::Postgres(_) => {
                let mut conn =
                    <sqlx::postgres::PgConnectOptions as std::str::FromStr>::from_str(&db.url)
                        .expect("url")
                        .connect()
                        .await
                        .expect("connect");
                let result = sqlx::query(statement).execute(&mut conn).await;
                conn.close().await.ok();
                result.map(|r| r.rows_affected())
            }
        }
    }

    async fn the_database_refuses_to_change_or_delete_audit_events(backend: Backend) {
        let db = TestDatabase::create(&backend).await;
        let store = db.store().await;
        let acme = TenantId::parse("acme").expect("tenant");
        store.ensure_tenant(&acme).await.expect("tenant");
        // Provisioning wrote one event; now try to tamper with it behind the API's back.
        let statements = [
            "update audit_events set actor = 'someone-else'",
            "delete from audit_events",
        ];
        for statement in statements {
            let error = raw(&db, &backend, statement)
                .await
                .expect_err(statement)
                .to_string();
            assert!(error.contains("append-only"), "{statement}: {error}");
        }
        let events = store
            .list_audit_events(&acme, &debrief::storage::AuditFilter::default(), 10)
            .await
            .expect("list");
        assert_eq!(events.len(), 1);
        assert_eq!(
            (events[0].action.as_str(), events[0].actor.as_str()),
            ("tenant.provision", "provisioning")
        );
    }

    async fn the_only_change_accepted_is_an_id_replaced_by_a_recorded_pseudonym(backend: Backend) {
        let db = TestDatabase::create(&backend).await;
        let store = db.store().await;
        let acme = TenantId::parse("acme").expect("tenant");
        store.ensure_tenant(&acme).await.expect("tenant");
        let record = |pseudonym: &str, tenant: &str| {
            format!(
                "insert into erasures (pseudonym, tenant_id, reason, erased_by, erased_at) \
                 values ('{pseudonym}', '{tenant}', 'subject_request', 'H1', CURRENT_TIMESTAMP)"
            )
        };
        raw(&db, &backend, &record("erased:acme-1", "acme"))
            .await
            .expect("erasure");
        raw(&db, &backend, &record("erased:globex-1", "globex"))
            .await
            .expect("erasure");
        let refused = [
            // Not a recorded pseudonym.
            "update audit_events set actor = 'erased:made-up'",
            // Another tenant's pseudonym.
            "update audit_events set actor = 'erased:globex-1'",
            // A recorded pseudonym, but another column changes with it.
            "update audit_events set actor = 'erased:acme-1', action = 'tenant.delete'",
            "update audit_events set candidate_id = 'erased:acme-1', details = '{\"x\": 1}'",
            "delete from audit_events",
        ];
        for statement in refused {
            let error = raw(&db, &backend, statement)
                .await
                .expect_err(statement)
                .to_string();
            assert!(error.contains("append-only"), "{statement}: {error}");
        }
        let accepted =
            "update audit_events set actor = 'erased:acme-1', candidate_id = 'erased:acme-1', \
                        resource_id = 'erased:acme-1'";
        assert_eq!(raw(&db, &backend, accepted).await.expect(accepted), 1);
        let events = store
            .list_audit_events(&acme, &debrief::storage::AuditFilter::default(), 10)
            .await
            .expect("list");
        assert_eq!(events[0].action, "tenant.provision");
        assert_eq!(events[0].actor, "erased:acme-1");
        assert_eq!(events[0].candidate_id.as_deref(), Some("erased:acme-1"));
    }
}
