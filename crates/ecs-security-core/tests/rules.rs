//! Per-rule fixture tests. `fixtures/rules/<rule-id>.json` holds one snapshot, or an array
//! of snapshots, in which resources the rule must flag are named `bad-*` and resources it
//! must not flag are named `ok-*`. Other resources get neutral names.
//!
//! For every rule: each `bad-*` name in the fixture must be the name of at least one
//! finding, every finding must be on a `bad-*` resource, and no `ok-*` resource may be
//! flagged. The rule must evaluate completely (no gaps) on its fixture.
//!
//! Each rule is its own test, named after its id with `_` for `-`, so one rule runs alone:
//! `cargo test -p ecs-security-core --test rules container_privileged`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test or benchmark harness: a panic is how it fails")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ecs_security_core::model::Snapshot;
use ecs_security_core::rules::{self, Evaluation};
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;

/// `fixtures/rules` at the repository root.
fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rules")
}

fn fixture_path(id: &str) -> PathBuf {
    fixtures_dir().join(format!("{id}.json"))
}

/// Loads a fixture: a snapshot or an array of snapshots.
fn load(path: &Path) -> Result<(Vec<Snapshot>, Value), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let parts: Vec<String> = match &value {
        Value::Array(items) => items.iter().map(|v| v.to_string()).collect(),
        other => vec![other.to_string()],
    };
    let snaps =
        parts.iter().map(|t| Snapshot::parse(t, path).map_err(|e| e.to_string())).collect::<Result<Vec<_>, _>>()?;
    Ok((snaps, value))
}

/// Every string in the JSON that is exactly a `bad-*` or `ok-*` identifier.
fn marked_names(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s)
            if s.starts_with(prefix)
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.') =>
        {
            out.insert(s.clone());
        }
        Value::Array(a) => a.iter().for_each(|x| marked_names(x, prefix, out)),
        Value::Object(o) => o.values().for_each(|x| marked_names(x, prefix, out)),
        _ => {}
    }
}

fn check_rule(rule: &'static rules::Rule) -> Result<(), String> {
    let path = fixture_path(rule.id);
    let (snaps, json) = load(&path)?;
    let mut bad = BTreeSet::new();
    let mut ok = BTreeSet::new();
    marked_names(&json, "bad-", &mut bad);
    marked_names(&json, "ok-", &mut ok);
    if bad.is_empty() || ok.is_empty() {
        return Err(format!("{}: needs at least one bad-* and one ok-* resource", path.display()));
    }
    let mut flagged = BTreeSet::new();
    for snap in &snaps {
        let analysis = rules::analyze_with_rules(snap, &[rule]);
        let result = &analysis.results[0];
        if !matches!(result.evaluation, Evaluation::Complete) {
            return Err(format!("{}: rule did not evaluate completely: {:?}", rule.id, result.evaluation));
        }
        for f in &analysis.findings {
            if f.message.is_empty() {
                return Err(format!("{}: empty message", rule.id));
            }
            flagged.insert(f.resource.name.clone());
        }
    }
    let mut problems = Vec::new();
    for b in &bad {
        if !flagged.contains(b) {
            problems.push(format!("bad resource `{b}` was not flagged"));
        }
    }
    for f in &flagged {
        if ok.contains(f) {
            problems.push(format!("ok resource `{f}` was flagged"));
        } else if !f.starts_with("bad-") {
            problems.push(format!("a resource named `{f}` was flagged; name flagged resources bad-*"));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(format!("{}: {}", rule.id, problems.join("; "))) }
}

/// Every fixture file is named after a rule.
fn every_fixture_belongs_to_a_rule() -> Result<(), Failed> {
    let dir = fixtures_dir();
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut orphans = Vec::new();
    for entry in entries {
        let name = entry.map_err(|e| e.to_string())?.file_name().to_string_lossy().into_owned();
        let id = name.trim_end_matches(".json");
        if rules::by_id(id).is_none() {
            orphans.push(name);
        }
    }
    if orphans.is_empty() { Ok(()) } else { Err(format!("fixtures without a rule: {orphans:?}").into()) }
}

fn main() {
    let args = Arguments::from_args();
    let mut trials: Vec<Trial> = rules::all()
        .iter()
        .map(|&rule| Trial::test(rule.id.replace('-', "_"), move || check_rule(rule).map_err(Failed::from)))
        .collect();
    trials.push(Trial::test("every_fixture_belongs_to_a_rule", every_fixture_belongs_to_a_rule));
    libtest_mimic::run(&args, trials).exit();
}
