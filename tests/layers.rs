//! The layers import one way: a module may name the layers below it, never one above. From
//! the bottom: `build_info` (constants), `domain`, `config`, `telemetry`, `storage`, `auth`, `app`, `http`, then the
//! wiring (`startup`, `cli`). See `docs/architecture.md`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// Layers from the bottom; each `src/<module>` (file or folder) belongs to one.
const LAYERS: &[&[&str]] = &[
    &["build_info"],
    &["domain"],
    &["config"],
    &["telemetry"],
    &["storage"],
    &["auth"],
    &["app"],
    &["http"],
    &["startup", "cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules that `source` names through `crate::`.
fn named_modules(source: &str) -> Vec<String> {
    let mut named = Vec::new();
    for (i, _) in source.match_indices("crate::") {
        // `$crate::` in macros and `crate::` alike; comments and strings count too, on
        // purpose: a doc link to a higher layer is a dependency in the reader's head.
        let rest = &source[i + "crate::".len()..];
        let module: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !module.is_empty() {
            named.push(module);
        }
    }
    named
}

#[test]
fn no_module_names_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src");
        let module = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|name| name.trim_end_matches(".rs"))
            .unwrap_or_default();
        let Some(own) = layer_of(module) else {
            continue; // lib.rs, main.rs: the crate root and the binary
        };
        let source = std::fs::read_to_string(file).expect("read");
        for named in named_modules(&source) {
            if let Some(other) = layer_of(&named) {
                if other > own {
                    violations.push(format!(
                        "{} ({module}) names crate::{named}",
                        relative.display()
                    ));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports that run back up:\n{}",
        violations.join("\n")
    );
}

#[test]
fn every_module_of_the_crate_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    for line in lib.lines() {
        if let Some(module) = line
            .strip_prefix("pub mod ")
            .and_then(|m| m.strip_suffix(';'))
        {
            assert!(layer_of(module).is_some(), "{module} has no layer");
        }
    }
}

#[test]
fn the_check_sees_an_import_that_runs_back_up() {
    let bad = "use crate::http::AppState;\nfn f() { $crate::app::App::new(); }";
    assert_eq!(named_modules(bad), ["http", "app"]);
}
