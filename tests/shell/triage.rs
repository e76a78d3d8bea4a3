//! Triage from the command line and through `run` payloads (what the server answers): the
//! default suppressions file, exit codes, warnings on stderr, baselines with --new-only, and
//! `diff` (expected sets from two independent analyses).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::common;

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ecs-security-mcp"));
    c.current_dir(dir)
        .env_remove("AWS_REGION")
        .env_remove("AWS_PROFILE")
        .env_remove("ECS_SECURITY_SUPPRESSIONS")
        .env("ECS_SECURITY_MCP_LOG", "warn");
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin(dir).args(args).output().expect("binary runs")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)))
}

fn ids(report: &Value, key: &str) -> BTreeSet<String> {
    report[key].as_array().into_iter().flatten().map(|f| f["id"].as_str().unwrap().to_owned()).collect()
}

/// The demo's critical findings' rule ids.
fn critical_rules(report: &Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "Critical")
        .map(|f| f["rule_id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_default_file_suppresses_warns_and_changes_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let plain = json(&run(dir.path(), &["demo", "--format", "json"]));
    assert_eq!(run(dir.path(), &["demo", "--fail-on", "critical"]).status.code(), Some(1));
    let rules = critical_rules(&plain);
    let mut yaml = String::from("suppressions:\n");
    for r in &rules {
        yaml.push_str(&format!("  - rule: {r}\n    severity_note_is_not_a_key: x\n"));
    }
    // An unknown key is an error with its place, exit 2, and nothing is printed.
    std::fs::write(dir.path().join(".ecs-security.yaml"), &yaml).unwrap();
    let o = run(dir.path(), &["demo", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(".ecs-security.yaml:3:5: unknown key `severity_note_is_not_a_key`"), "{err}");

    let mut yaml = String::from("suppressions:\n");
    for r in &rules {
        yaml.push_str(&format!("  - rule: {r}\n    reason: accepted critical\n    owner: security\n"));
    }
    yaml.push_str("  - rule: container-runs-as-root\n    reason: old\n    expires: 2020-01-01\n");
    yaml.push_str("  - cluster: elsewhere\n    reason: nothing\n");
    std::fs::write(dir.path().join(".ecs-security.yaml"), &yaml).unwrap();
    let o = run(dir.path(), &["demo", "--format", "json", "--fail-on", "critical"]);
    assert_eq!(o.status.code(), Some(0), "suppressed findings do not count for --fail-on");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("expired on 2020-01-01") && err.contains("matched no finding"), "{err}");
    let v = json(&o);
    let expected: BTreeSet<String> = plain["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| rules.contains(f["rule_id"].as_str().unwrap()))
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids(&v, "suppressed"), expected);
    assert_eq!(&ids(&plain, "findings") - &expected, ids(&v, "findings"));
    assert_eq!(v["summary"]["by_severity"]["critical"], 0);
    assert!(v["suppressed"].as_array().unwrap().iter().all(|s| s["suppression"]["reason"] == "accepted critical"));
    assert_eq!(v["suppression_entries"]["file"], ".ecs-security.yaml");
    assert_eq!(v["suppression_entries"]["expired"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["suppression_entries"]["stale"].as_array().map(Vec::len), Some(1));

    // The same file through `run` payloads (what the MCP tools answer).
    let demo = common::fixture("demo-cluster.json");
    let payload = |p: &str| {
        let o = bin(dir.path()).args(["run", p, "--snapshot"]).arg(&demo).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
        json(&o)
    };
    let a = payload(r#"{"action":"analyze_cluster_security","parameters":{"cluster_name":"payments-prod"}}"#);
    assert_eq!(a["data"]["suppressions"]["suppressed"], expected.len());
    assert_eq!(a["data"]["suppressions"]["expired"], 1);
    assert_eq!(a["data"]["suppressions"]["stale"], 1);
    assert!(a["text"].as_str().unwrap().contains("**Suppressed:**"));
    let l = payload(
        r#"{"action":"list_findings","parameters":{"cluster_name":"payments-prod","suppressed":true,"max_result_chars":100000}}"#,
    );
    let listed: BTreeSet<String> =
        l["data"]["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(listed, expected);
    assert!(l["data"]["findings"][0]["suppressed_by"].as_str().unwrap().contains("accepted critical"));
}

#[test]
fn a_drafted_entry_suppresses_its_finding_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::fixture("demo-cluster.json");
    let report = json(&run(dir.path(), &["demo", "--format", "json"]));
    let target = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "container-privileged")
        .expect("a privileged container in the demo");
    let id = target["id"].as_str().unwrap();
    let p = serde_json::json!({"action": "draft_suppression", "parameters": {
        "cluster_name": "payments-prod", "finding_id": id,
        "reason": "Agent needs it\n  - rule: \"*\"\n    reason: injected", "owner": "platform", "expires": "2099-01-31"}});
    let o = bin(dir.path()).args(["run", &p.to_string(), "--snapshot"]).arg(&demo).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let d = json(&o);
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "the draft wrote a file");
    let file = d["data"]["file_yaml"].as_str().unwrap();
    std::fs::write(dir.path().join(".ecs-security.yaml"), file).unwrap();
    let v = json(&run(dir.path(), &["demo", "--format", "json"]));
    assert_eq!(ids(&v, "suppressed"), BTreeSet::from([id.to_owned()]), "exactly the drafted finding:\n{file}");
    assert_eq!(v["suppressed"][0]["suppression"]["reason"], "Agent needs it\n  - rule: \"*\"\n    reason: injected");
    // A reason is required, and a date in the past is refused.
    for params in [
        serde_json::json!({"cluster_name": "payments-prod", "finding_id": id, "reason": "  "}),
        serde_json::json!({"cluster_name": "payments-prod", "finding_id": id, "reason": "x", "expires": "2001-01-01"}),
    ] {
        let p = serde_json::json!({"action": "draft_suppression", "parameters": params});
        let o = bin(dir.path()).args(["run", &p.to_string(), "--snapshot"]).arg(&demo).output().unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(json(&o)["error"]["kind"], "invalid_params", "{}", String::from_utf8_lossy(&o.stdout));
    }
}

#[test]
fn a_baseline_with_new_only_fails_only_on_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let full = json(&run(dir.path(), &["demo", "--format", "json"]));
    std::fs::write(dir.path().join("all.json"), full.to_string()).unwrap();
    let mut older = full.clone();
    let criticals: Vec<Value> =
        older["findings"].as_array().unwrap().iter().filter(|f| f["severity"] == "Critical").cloned().collect();
    older["findings"].as_array_mut().unwrap().retain(|f| f["severity"] != "Critical");
    std::fs::write(dir.path().join("older.json"), older.to_string()).unwrap();
    let code = |args: &[&str]| run(dir.path(), args).status.code();
    assert_eq!(code(&["demo", "--baseline", "all.json", "--fail-on", "low", "--new-only"]), Some(0));
    assert_eq!(code(&["demo", "--baseline", "all.json", "--fail-on", "low"]), Some(1));
    assert_eq!(code(&["demo", "--baseline", "older.json", "--fail-on", "critical", "--new-only"]), Some(1));
    assert_eq!(code(&["demo", "--new-only", "--fail-on", "low"]), Some(2), "--new-only needs a baseline");
    let v = json(&run(dir.path(), &["demo", "--baseline", "older.json", "--format", "json"]));
    let new: BTreeSet<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["baseline_state"] == "new")
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    let expected: BTreeSet<String> = criticals.iter().map(|f| f["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(new, expected);
    std::fs::write(dir.path().join("not-a-report.json"), "{\"hello\": 1}").unwrap();
    let o = run(dir.path(), &["demo", "--baseline", "not-a-report.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a JSON report"));
}

#[test]
fn diff_of_the_demo_and_the_hardened_fixture_lists_exactly_the_findings_that_differ() {
    let dir = tempfile::tempdir().unwrap();
    let (demo, hardened) = (common::fixture("demo-cluster.json"), common::fixture("hardened-cluster.json"));
    let analyse = |snapshot: &Path, cluster: &str| {
        let o = bin(dir.path())
            .args(["analyze", "--cluster", cluster, "--format", "json", "--snapshot"])
            .arg(snapshot)
            .output()
            .unwrap();
        json(&o)
    };
    let old = ids(&analyse(&demo, "payments-prod"), "findings");
    let new = ids(&analyse(&hardened, "payments-hardened"), "findings");
    // Both ways round: what one calls fixed the other calls new.
    for (a, b, before, after) in [(&demo, &hardened, &old, &new), (&hardened, &demo, &new, &old)] {
        let o = bin(dir.path()).args(["diff", "--format", "json"]).arg(a).arg(b).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let d = json(&o);
        assert_eq!(ids(&d, "fixed_findings"), before - after);
        assert_eq!(ids(&d, "new_findings"), after - before);
        assert_eq!(d["same_cluster"], false);
    }
    // Reports work as well as snapshots, and the Markdown names the changes.
    let report = analyse(&demo, "payments-prod");
    std::fs::write(dir.path().join("demo.json"), report.to_string()).unwrap();
    let o = bin(dir.path()).args(["diff", "demo.json"]).arg(&demo).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("# 🔀 Security diff") && text.contains("0 new, 0 fixed"), "{text}");
    let o = bin(dir.path()).args(["diff", "--format", "terminal", "demo.json"]).arg(&hardened).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains(&format!("{} fixed", old.len())));
}
