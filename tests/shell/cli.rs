//! The CLI as a user runs it: exit codes, payloads, formats.

use crate::common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ecs-security-mcp"));
    c.env_remove("AWS_REGION").env_remove("AWS_PROFILE").env("ECS_SECURITY_MCP_LOG", "warn");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn demo_prints_a_summary_with_many_findings() {
    let o = run(&["demo"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    let line = out.lines().find(|l| l.starts_with("| Findings |")).expect("findings line");
    let n: usize = line.split_whitespace().nth(3).and_then(|n| n.parse().ok()).expect("a count");
    assert!(n >= 25, "{line}");
    assert!(out.contains("Quick actions"));
}

#[test]
fn demo_json_is_the_contract() {
    let o = run(&["demo", "--format", "json"]);
    assert!(o.status.success());
    let v: Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    for key in
        ["schema_version", "cluster", "region", "account_id", "generated_at", "summary", "findings", "not_evaluated"]
    {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["cluster"], "payments-prod");
}

#[test]
fn run_payload_argument() {
    let demo = common::fixture("demo-cluster.json");
    let o = bin()
        .args([
            "run",
            r#"{"action":"analyze_cluster_security","parameters":{"cluster_name":"payments-prod"}}"#,
            "--snapshot",
        ])
        .arg(&demo)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON result");
    assert_eq!(v["status"], "success");
    assert!(v["data"]["rules"].as_array().is_some_and(|r| !r.is_empty()), "{v}");
    assert!(v["data"]["findings"]["total"].as_u64().is_some_and(|n| n >= 25), "{v}");
}

#[test]
fn run_payloads_from_stdin_one_result_per_line() {
    let demo = common::fixture("demo-cluster.json");
    let mut child = bin()
        .arg("run")
        .arg("--snapshot")
        .arg(&demo)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawns");
    let input = concat!(
        r#"{"action": "list_clusters", "parameters": {"region": "us-east-1"}}"#,
        "\n",
        "not json at all\n",
        r#"{"action": "explode", "parameters": {}}"#,
        "\n",
        r#"{"action": "get_security_recommendations", "parameters": {"cluster_name": "payments-prod", "severity_filter": "High"}}"#,
        "\n",
    );
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    let o = child.wait_with_output().expect("finishes");
    let lines: Vec<Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).expect("one JSON per line")).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["status"], "success");
    assert_eq!(lines[1]["status"], "error");
    assert_eq!(lines[2]["status"], "error");
    assert!(lines[2]["error"]["message"].as_str().is_some_and(|m| m.contains("valid actions")));
    assert_eq!(lines[3]["status"], "success");
    assert_eq!(o.status.code(), Some(2), "a failed payload makes the exit code 2");
}

#[test]
fn analyze_exit_codes() {
    let demo = common::fixture("demo-cluster.json");
    let hardened = common::fixture("hardened-cluster.json");
    let demo = demo.to_str().expect("utf-8 path");
    let hardened = hardened.to_str().expect("utf-8 path");
    let o = run(&["analyze", "--snapshot", demo, "--cluster", "payments-prod", "--fail-on", "high"]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["analyze", "--snapshot", hardened, "--cluster", "payments-hardened", "--fail-on", "high"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = run(&["analyze", "--snapshot", demo, "--cluster", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not found"));
    let o = run(&["analyze", "--snapshot", demo, "--cluster", "payments-prod", "--severity", "sever"]);
    assert_eq!(o.status.code(), Some(2), "usage errors exit 2");
}

#[test]
fn analyze_writes_output_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.md");
    let demo = common::fixture("demo-cluster.json");
    let o = bin()
        .args(["analyze", "--cluster", "payments-prod", "--format", "executive", "--output"])
        .arg(&out)
        .arg("--snapshot")
        .arg(&demo)
        .output()
        .expect("runs");
    assert!(o.status.success());
    assert!(o.stdout.is_empty());
    let text = std::fs::read_to_string(&out).expect("report written");
    assert!(text.contains("Executive Security Summary"));
}

#[test]
fn bad_snapshot_files_say_where_and_what() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.json");
    std::fs::write(&path, r#"{"schema_version": 99, "region": "us-east-1"}"#).expect("write");
    let o = bin().args(["analyze", "--cluster", "x", "--snapshot"]).arg(&path).output().expect("runs");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("old.json") && err.contains("schema_version 99"), "{err}");
}

#[test]
fn checks_lists_the_catalog() {
    let o = run(&["checks", "--format", "json"]);
    assert!(o.status.success());
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let rules = v.as_array().expect("array");
    assert_eq!(rules.len(), ecs_security_mcp::rules::all().len());
    assert!(rules.iter().all(|r| r["id"].is_string() && r["remediation"]["cli"].is_string()));
}
