use super::*;

fn parse(raw: RawSettings) -> Result<Settings, ConfigError> {
    raw.parse()
}

#[test]
fn defaults_are_valid_and_mean_development_on_embedded_sqlite() {
    let settings = parse(RawSettings::default()).expect("valid");
    assert!(settings.is_development());
    assert_eq!(settings.database.backend, Backend::Sqlite);
    assert_eq!(settings.auth.algorithms, vec![Algorithm::HS256]);
    assert_eq!(settings.retention_interval, Some(Duration::from_secs(3600)));
}

#[test]
fn development_auth_refuses_a_public_listen_address() {
    let error = parse(RawSettings {
        listen: "0.0.0.0:8080".into(),
        ..RawSettings::default()
    })
    .expect_err("must refuse");
    assert!(error.0[0].starts_with("DEBRIEF_LISTEN:"), "{error}");
}

#[test]
fn a_configured_secret_may_listen_publicly() {
    let settings = parse(RawSettings {
        listen: "0.0.0.0:8080".into(),
        auth_hs256_secret: SecretString::from("x".repeat(32)),
        ..RawSettings::default()
    })
    .expect("valid");
    assert_eq!(settings.auth.mode(), AuthMode::SharedSecret);
}

#[test]
fn every_mistake_is_reported_with_its_setting() {
    let error = parse(RawSettings {
        listen: "nowhere".into(),
        database_url: SecretString::from("mysql://x"),
        auth_hs256_secret: SecretString::from("short"),
        db_max_connections: 0,
        ..RawSettings::default()
    })
    .expect_err("must refuse");
    let text = error.to_string();
    for setting in [
        "DEBRIEF_LISTEN",
        "DEBRIEF_DATABASE_URL",
        "DEBRIEF_AUTH_HS256_SECRET",
        "DEBRIEF_DB_MAX_CONNECTIONS",
    ] {
        assert!(text.contains(setting), "{setting} missing from {text}");
    }
    assert!(!text.contains("short"), "a secret leaked: {text}");
}

#[test]
fn algorithms_must_fit_the_key_source() {
    let jwks = RawSettings {
        auth_jwks_url: "https://idp.example.com/jwks".into(),
        ..RawSettings::default()
    };
    let settings = parse(jwks.clone()).expect("valid");
    assert_eq!(settings.auth.algorithms, vec![Algorithm::RS256]);
    let error = parse(RawSettings {
        auth_algorithms: "RS256,HS256".into(),
        ..jwks.clone()
    })
    .expect_err("HS256 with public keys");
    assert!(
        error.0[0].starts_with("DEBRIEF_AUTH_ALGORITHMS:"),
        "{error}"
    );
    assert!(parse(RawSettings {
        auth_algorithms: "none".into(),
        ..jwks
    })
    .is_err());
}

#[test]
fn only_one_key_source_may_be_configured() {
    let error = parse(RawSettings {
        auth_hs256_secret: SecretString::from("x".repeat(32)),
        auth_jwks_url: "https://idp.example.com/jwks".into(),
        ..RawSettings::default()
    })
    .expect_err("two sources");
    assert!(
        error.to_string().contains("exactly one key source"),
        "{error}"
    );
}

#[test]
fn a_jwks_url_must_be_https_unless_on_loopback() {
    for (url, ok) in [
        ("https://idp.example.com/.well-known/jwks.json", true),
        ("http://127.0.0.1:8089/jwks", true),
        ("http://[::1]:1/jwks", true),
        ("http://localhost/jwks", true),
        ("http://idp.example.com/jwks", false),
        ("ftp://idp.example.com/jwks", false),
        ("file:///etc/passwd", false),
        ("not a url", false),
    ] {
        let settings = RawSettings {
            auth_jwks_url: url.into(),
            ..RawSettings::default()
        };
        assert_eq!(parse(settings).is_ok(), ok, "{url}");
    }
}

#[test]
fn role_maps_name_known_roles() {
    let settings = parse(RawSettings {
        auth_role_map: "Debrief.HR=hr, managers=hiring_manager".into(),
        ..RawSettings::default()
    })
    .expect("valid");
    assert_eq!(
        settings.auth.role_map,
        vec![
            ("Debrief.HR".to_owned(), Role::Hr),
            ("managers".to_owned(), Role::HiringManager)
        ]
    );
    assert!(parse(RawSettings {
        auth_role_map: "x=admin".into(),
        ..RawSettings::default()
    })
    .is_err());
}

#[test]
fn claims_may_be_nested_paths() {
    let settings = parse(RawSettings {
        auth_roles_claim: "realm_access.roles".into(),
        ..RawSettings::default()
    })
    .expect("valid");
    assert_eq!(
        settings.auth.roles_claim,
        ClaimPath(vec!["realm_access".into(), "roles".into()])
    );
}

#[test]
fn debug_output_never_shows_secrets() {
    let raw = RawSettings {
        database_url: SecretString::from("postgres://u:hunter2@db/x"),
        auth_hs256_secret: SecretString::from("s".repeat(40)),
        ..RawSettings::default()
    };
    let settings = parse(raw.clone()).expect("valid");
    for debug in [format!("{raw:?}"), format!("{settings:?}")] {
        assert!(!debug.contains("hunter2") && !debug.contains(&"s".repeat(40)));
    }
}

#[test]
fn a_jwks_max_age_below_the_refresh_interval_is_refused() {
    let jwks = |refresh, max_age| RawSettings {
        auth_jwks_url: "https://idp.example.com/.well-known/jwks.json".into(),
        auth_jwks_refresh_interval_secs: refresh,
        auth_jwks_max_age_secs: max_age,
        ..RawSettings::default()
    };
    let error = parse(jwks(60, 4)).expect_err("refused").to_string();
    assert!(error.contains("DEBRIEF_AUTH_JWKS_MAX_AGE_SECS"), "{error}");
    assert!(parse(jwks(60, 60)).is_ok());
    assert!(parse(jwks(60, 900)).is_ok());
}
