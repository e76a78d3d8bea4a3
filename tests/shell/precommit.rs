//! The pre-commit hooks (`.pre-commit-hooks.yaml`) through the real `pre-commit`
//! (tests/requirements.txt): the manifest validates, and `pre-commit try-repo` runs the
//! `ecs-security-lint-system` hook with the binary under test on PATH against the staged
//! files of a temporary git repository: a bad task definition fails with its file and line,
//! a good one passes.

use std::path::Path;
use std::process::{Command, Output};

use crate::common;

/// `python -m pre_commit …` from .venv, in `dir`, with the test binary first on PATH and a
/// private pre-commit cache.
fn pre_commit(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    let python = crate::moto::python();
    assert!(python.exists(), "{} is missing: run scripts/test (tests/requirements.txt)", python.display());
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_ecs-security-mcp")).parent().unwrap().to_owned();
    let path = std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    Command::new("timeout")
        .arg("300")
        .arg(python)
        .args(["-m", "pre_commit"])
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", cache)
        .env("ECS_SECURITY_MCP_LOG", "warn")
        .env_remove("AWS_REGION")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("pre-commit runs")
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git").args(args).current_dir(dir).output().expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_manifest_validates() {
    let cache = tempfile::tempdir().unwrap();
    let out = pre_commit(&common::root(), cache.path(), &["validate-manifest", ".pre-commit-hooks.yaml"]);
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

#[test]
fn try_repo_fails_a_bad_staged_task_definition_on_its_line_and_passes_a_good_one() {
    let cache = tempfile::tempdir().unwrap();
    let repo = tempfile::tempdir().unwrap();
    git(repo.path(), &["init", "-q"]);
    std::fs::create_dir(repo.path().join("deploy")).unwrap();
    std::fs::write(repo.path().join("deploy/taskdef.json"), common::CLEAN_TASK_DEFINITION).unwrap();
    git(repo.path(), &["add", "deploy/taskdef.json"]);
    let hooks = common::root().display().to_string();
    let run =
        || pre_commit(repo.path(), cache.path(), &["try-repo", &hooks, "ecs-security-lint-system", "--color", "never"]);

    let out = run();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "a hardened task definition passes:\n{text}");
    assert!(text.contains("Passed"), "{text}");

    // Privileged, on line 15 of the staged file.
    let bad = common::CLEAN_TASK_DEFINITION
        .replace("\"essential\": true,", "\"essential\": true,\n      \"privileged\": true,");
    assert_eq!(bad.lines().nth(14).map(str::trim), Some("\"privileged\": true,"));
    std::fs::write(repo.path().join("deploy/taskdef.json"), bad).unwrap();
    git(repo.path(), &["add", "deploy/taskdef.json"]);
    let out = run();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "a privileged container fails the commit:\n{text}");
    assert!(text.contains("Failed") && text.contains("container-privileged"), "{text}");
    assert!(text.contains("deploy/taskdef.json:15:"), "the finding is on its file and line:\n{text}");
}
