//! The repository carries sources, not what tools generate: no dependency folders, no data
//! directories, no development secrets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

#[test]
fn no_generated_file_is_committed() {
    let root = env!("CARGO_MANIFEST_DIR");
    let output = Command::new("git")
        .args(["ls-files"])
        .current_dir(root)
        .output();
    // Outside a git checkout (a packaged crate) there is nothing to check.
    let Some(output) = output.ok().filter(|o| o.status.success()) else {
        return;
    };
    let files = String::from_utf8_lossy(&output.stdout);
    let offending: Vec<&str> = files
        .lines()
        .filter(|path| {
            path.split('/').any(|part| {
                matches!(part, "node_modules" | "target" | "data" | ".venv")
                    || part == "dev-hs256-secret"
                    || part.ends_with(".db")
            })
        })
        .collect();
    assert!(
        offending.is_empty(),
        "generated files in git: {offending:?}"
    );
}
