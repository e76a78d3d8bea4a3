//! Per-rule fixture tests. `fixtures/rules/<rule-id>.json` holds one snapshot, or an array
//! of snapshots, in which resources the rule must flag are named `bad-*` and resources it
//! must not flag are named `ok-*`. Other resources get neutral names.
//!
//! For every rule: each `bad-*` name in the fixture must be the name of at least one
//! finding, every finding must be on a `bad-*` resource, and no `ok-*` resource may be
//! flagged. The rule must evaluate completely (no gaps) on its fixture.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ecs_security_mcp::model::Snapshot;
use ecs_security_mcp::rules::{self, Evaluation};
use serde_json::Value;

fn fixture_path(id: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules").join(format!("{id}.json"))
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

#[test]
fn every_rule_fires_on_bad_and_spares_ok() {
    let failures: Vec<String> = rules::all().iter().filter_map(|r| check_rule(r).err()).collect();
    assert!(failures.is_empty(), "{} rule fixture(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_fixture_belongs_to_a_rule() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("fixtures/rules exists") {
        let name = entry.expect("readable dir entry").file_name().to_string_lossy().into_owned();
        let id = name.trim_end_matches(".json");
        if rules::by_id(id).is_none() {
            orphans.push(name);
        }
    }
    assert!(orphans.is_empty(), "fixtures without a rule: {orphans:?}");
}
