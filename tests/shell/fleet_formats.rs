//! The fleet report in every format, through `merge` as a user runs it: the terminal view on
//! a pseudo-terminal and in a pipe (with hostile text), the HTML page in a real headless
//! Chromium, OCSF against the OCSF schema, CSV and JUnit parsed back by Python's own
//! parsers; every count and every finding's account, region and cluster compared with the
//! fleet JSON report of the same scan.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ecs_security_mcp::model::fleet::{FleetScan, ScanFailure};
use serde_json::Value;

use crate::fleet::{collected, scan, target};
use crate::formats::{BIN, assert_inert, browser_check, chromium, counts, quote, run_python, script};
use crate::trust::{HOSTILE, hostile_snapshot};

/// The fleet of tests/shell/fleet.rs (demo and hardened clusters, a refused role, a cluster
/// that failed) plus a cluster and a failure that carry hostile text.
fn hostile_fleet() -> FleetScan {
    let mut s = scan();
    let mut snap = hostile_snapshot("payments-hostile");
    if let Some(svc) = snap.services.first_mut() {
        svc.service_name = format!("checkout{HOSTILE}");
    }
    let mut t = target("444444444444", "us-west-2", vec![collected(snap)]);
    t.clusters.push(ecs_security_mcp::model::fleet::ClusterScan {
        name: "broken-hostile".into(),
        arn: "arn:aws:ecs:us-west-2:444444444444:cluster/broken-hostile".into(),
        snapshot: None,
        failure: Some(ScanFailure {
            stage: "collect-cluster".into(),
            code: "Throttling".into(),
            message: format!("throttled{HOSTILE}"),
            remedy: format!("retry{HOSTILE}"),
        }),
    });
    s.targets.push(t);
    s.notes.push(format!("note{HOSTILE}"));
    s.normalize();
    s
}

/// The scan written where `merge` reads it.
fn scan_file(dir: &Path) -> PathBuf {
    let file = dir.join("scan.json");
    std::fs::write(&file, serde_json::to_string(&hostile_fleet()).expect("scan JSON")).expect("write scan");
    file
}

/// `merge FILE ARGS` in a pipe: stdout. The scan is incomplete, so the exit code is 3.
fn merge(file: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut c = Command::new(BIN);
    c.arg("merge").arg(file).args(args).env_remove("NO_COLOR").env("ECS_SECURITY_MCP_LOG", "warn");
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.stdin(Stdio::null()).output().expect("binary runs");
    assert_eq!(o.status.code(), Some(3), "merge {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

/// `merge FILE ARGS` on a pseudo-terminal (util-linux `script`): what the terminal received.
fn merge_on_a_pty(file: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let file = file.to_string_lossy();
    let line = [BIN, "merge", &file].into_iter().chain(args.iter().copied()).map(quote).collect::<Vec<_>>().join(" ");
    let mut c = Command::new("timeout");
    c.args(["60", "script", "-q", "-e", "-c", &line, "/dev/null"])
        .env_remove("NO_COLOR")
        .env("ECS_SECURITY_MCP_LOG", "warn")
        .env("TERM", "xterm-256color")
        .env("COLUMNS", "120")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().expect("util-linux script runs (apt-get install bsdutils)");
    assert_eq!(o.status.code(), Some(3), "script -c {line}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).replace("\r\n", "\n")
}

#[test]
fn fleet_terminal_view_on_a_terminal_markdown_in_a_pipe() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = scan_file(dir.path());
    let json: Value = serde_json::from_str(&merge(&file, &["--format", "json"], &[])).expect("fleet JSON");

    let tty = merge_on_a_pty(&file, &[], &[]);
    assert!(tty.contains("ECS fleet security report"), "not the fleet terminal view:\n{tty}");
    assert!(tty.contains("\u{1b}["), "no colour on a terminal");
    for md in ["|---|", "| Scope |", "| Account |"] {
        assert!(!tty.contains(md), "Markdown {md:?} on a terminal:\n{tty}");
    }
    // The one-screen summary comes first, in this order, before any cluster's findings.
    let at = |s: &str| tty.find(s).unwrap_or_else(|| panic!("{s:?} missing:\n{tty}"));
    let order = [
        "Incomplete:",
        "Risk ",
        "Worst clusters",
        "Problems across the fleet",
        "Coverage gaps",
        "Could not be read",
        "Findings by cluster",
    ];
    for pair in order.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{pair:?} out of order");
    }
    let summary = &tty[..at("Findings by cluster")];
    for c in json["clusters"].as_array().expect("clusters") {
        for key in ["cluster", "account_id", "region"] {
            let v = c[key].as_str().expect("string");
            assert!(summary.contains(v), "the ranking lacks {key} {v}");
        }
    }
    assert!(summary.contains("sts:AssumeRole"), "the permission to add is not in the summary");
    for r in json["rules"].as_array().expect("rules").iter().take(10) {
        assert!(summary.contains(r["rule_id"].as_str().expect("rule id")), "roll-up lacks {}", r["rule_id"]);
    }
    let total = json["totals"]["total_findings"].as_u64().expect("total");
    assert!(summary.contains(&format!("Findings  {total} ")), "the total {total} is not in the summary:\n{summary}");
    assert_inert("pty", &tty);

    // A pipe gets Markdown; the terminal view when asked, coloured only when forced.
    let piped = merge(&file, &[], &[]);
    assert!(piped.contains("| Scope |") && !piped.contains('\u{1b}'), "a pipe gets the Markdown summary");
    let plain = merge(&file, &["--format", "terminal"], &[("COLUMNS", "60")]);
    assert!(plain.contains("Worst clusters") && !plain.contains('\u{1b}'), "--format terminal in a pipe");
    assert_inert("pipe", &plain);
    let wide: Vec<&str> = plain.lines().filter(|l| l.chars().count() > 60).collect();
    assert!(wide.is_empty(), "lines wider than COLUMNS=60: {wide:#?}");
    assert!(merge(&file, &["--format", "terminal", "--color", "always"], &[]).contains("\u{1b}["));
    let no_color = merge_on_a_pty(&file, &[], &[("NO_COLOR", "1")]);
    assert!(no_color.contains("Worst clusters") && !no_color.contains('\u{1b}'), "NO_COLOR=1 on a terminal");
}

/// Findings per `account/region/cluster` in the fleet JSON report.
fn by_place(json: &Value) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for f in json["findings"].as_array().expect("findings") {
        let place = format!(
            "{}/{}/{}",
            f["account_id"].as_str().expect("account"),
            f["region"].as_str().expect("region"),
            f["cluster"].as_str().expect("cluster")
        );
        *out.entry(place).or_insert(0) += 1;
    }
    out
}

/// The count, by severity and by rule, of a parsed report against the fleet JSON's findings.
fn assert_agrees(what: &str, parsed: &Value, json: &Value) {
    let findings = json["findings"].as_array().expect("findings");
    assert_eq!(parsed["count"].as_u64(), Some(findings.len() as u64), "{what}: count");
    assert_eq!(json["totals"]["total_findings"].as_u64(), Some(findings.len() as u64), "no filter: all findings");
    for sev in ["critical", "high", "medium", "low"] {
        let n = parsed["by_severity"][sev].as_u64().unwrap_or(0);
        assert_eq!(Some(n), json["totals"]["by_severity"][sev].as_u64(), "{what}: {sev} findings");
    }
    let mut by_rule: BTreeMap<String, u64> = BTreeMap::new();
    for f in findings {
        *by_rule.entry(f["rule_id"].as_str().expect("rule").to_owned()).or_insert(0) += 1;
    }
    let got = counts(parsed, "by_rule");
    assert_eq!(got, by_rule, "{what}: findings per rule");
}

fn written(dir: &Path, file: &Path, format: &str) -> PathBuf {
    let path = dir.join(format!("fleet.{format}"));
    std::fs::write(&path, merge(file, &["--format", format], &[])).expect("write report");
    path
}

#[test]
fn fleet_ocsf_csv_and_junit_parse_back_and_agree_with_the_fleet_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = scan_file(dir.path());
    let json: Value = serde_json::from_str(&std::fs::read_to_string(written(dir.path(), &file, "json")).expect("JSON"))
        .expect("JSON");
    let places = by_place(&json);
    assert!(places.len() >= 2, "two clusters with findings: {places:?}");

    let ocsf = written(dir.path(), &file, "ocsf");
    let parsed = run_python(&[&script("validate_ocsf.py")], Some(&ocsf));
    assert_agrees("fleet OCSF", &parsed, &json);
    let events: Value = serde_json::from_str(&std::fs::read_to_string(&ocsf).expect("OCSF")).expect("OCSF JSON");
    // A finding id recurs when two clusters share a resource (an ECR repository): compare the
    // (id, account, region, cluster) of every finding as sorted lists.
    let s = |v: &Value| v.as_str().expect("string").to_owned();
    let mut want: Vec<[String; 4]> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| [format!("ecs-security-mcp/{}", s(&f["id"])), s(&f["account_id"]), s(&f["region"]), s(&f["cluster"])])
        .collect();
    let mut got: Vec<[String; 4]> = Vec::new();
    for e in events.as_array().expect("events") {
        let uid = s(&e["finding_info"]["uid"]);
        let region = s(&e["cloud"]["region"]);
        assert_eq!(e["resources"][0]["region"].as_str(), Some(region.as_str()), "{uid}: resource region");
        assert!(e["unmapped"].get("category").is_none(), "{uid}: category repeated in unmapped");
        got.push([uid, s(&e["cloud"]["account"]["uid"]), region, s(&e["resources"][0]["group"]["name"])]);
    }
    want.sort();
    got.sort();
    assert_eq!(got, want, "OCSF events: finding, account, region and cluster");

    let csv = written(dir.path(), &file, "csv");
    let parsed = run_python(&[&script("parse_reports.py"), "csv", &csv.to_string_lossy()], None);
    assert_agrees("fleet CSV", &parsed, &json);
    let got = counts(&parsed, "by_place");
    assert_eq!(got, places, "CSV rows per account/region/cluster");

    let junit = written(dir.path(), &file, "junit");
    let parsed = run_python(&[&script("parse_reports.py"), "junit", &junit.to_string_lossy()], None);
    assert_agrees("fleet JUnit", &parsed, &json);
    let failures = json["failures"].as_array().expect("failures").len() as u64;
    let clusters = json["totals"]["clusters_analysed"].as_u64().expect("clusters");
    assert_eq!(parsed["errors"].as_u64(), Some(failures), "one error case per part not read: {parsed}");
    assert_eq!(parsed["suites"].as_u64(), Some(clusters + failures), "a suite per cluster and per failure: {parsed}");
    let got = counts(&parsed, "by_suite");
    assert_eq!(got, places, "JUnit failures per cluster suite");
}

#[test]
fn fleet_html_renders_in_a_real_browser_with_every_finding_in_place_and_no_request() {
    let chromium = chromium();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = scan_file(dir.path());
    let json = written(dir.path(), &file, "json");
    let html = written(dir.path(), &file, "html");
    let shot = dir.path().join("fleet.png");
    let parsed = browser_check(&chromium, &html, &json, &shot);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).expect("JSON")).expect("JSON");
    assert_eq!(parsed["findings"].as_u64(), v["findings"].as_array().map(|f| f.len() as u64), "{parsed}");
    assert_eq!(parsed["clusters"], v["totals"]["clusters_analysed"], "{parsed}");
    let page = std::fs::read_to_string(&html).expect("HTML");
    assert!(!page.contains("<script>alert"), "hostile markup reached the page unescaped");
    assert!(page.contains("INJECTED-HEADING"), "the hostile text is not on the page at all");
}
