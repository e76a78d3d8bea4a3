//! The fleet report and the `scan_fleet` tool over snapshot files (the live scan is tested
//! end to end against moto in tests/e2e/fleet.rs).

use std::process::Command;

use ecs_security_mcp::actions::Action;
use ecs_security_mcp::model::fleet::{ClusterScan, FLEET_SCHEMA_VERSION, FleetScan, ScanFailure, TargetScan};
use ecs_security_mcp::report::fleet::{Fleet, render};
use ecs_security_mcp::report::{Format, ReportOptions, budget};
use ecs_security_mcp::rules::Filter;
use serde_json::{Value, json};

use crate::common;

pub(crate) fn target(account: &str, region: &str, clusters: Vec<ClusterScan>) -> TargetScan {
    TargetScan { account_id: account.into(), region: region.into(), clusters, ..TargetScan::default() }
}

pub(crate) fn collected(s: ecs_security_mcp::model::Snapshot) -> ClusterScan {
    ClusterScan {
        name: s.cluster.cluster_name.clone(),
        arn: s.cluster.cluster_arn.clone(),
        snapshot: Some(s),
        failure: None,
    }
}

pub(crate) fn failure(stage: &str, code: &str) -> ScanFailure {
    ScanFailure { stage: stage.into(), code: code.into(), message: format!("{code} happened"), remedy: "fix it".into() }
}

/// Demo and hardened clusters, a region that failed, a cluster that failed, a role refused.
pub(crate) fn scan() -> FleetScan {
    let mut denied = target("333333333333", "us-east-1", Vec::new());
    denied.failure = Some(failure("assume-role", "AccessDenied"));
    let mut broken = target("123456789012", "eu-west-1", Vec::new());
    broken.clusters.push(ClusterScan {
        name: "broken".into(),
        arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/broken".into(),
        snapshot: None,
        failure: Some(failure("collect-cluster", "Timeout")),
    });
    let mut s = FleetScan {
        schema_version: FLEET_SCHEMA_VERSION,
        started_at: "2026-12-04T00:00:00Z".into(),
        targets: vec![
            target("123456789012", "us-east-1", vec![collected(common::demo())]),
            target("210987654321", "eu-west-1", vec![collected(common::hardened())]),
            denied,
            broken,
        ],
        ..FleetScan::default()
    };
    s.normalize();
    s
}

#[test]
fn failures_are_listed_never_counted_as_passed() {
    let fleet = Fleet::of(&scan());
    assert!(!fleet.complete());
    let opts = ReportOptions { show_details: true, generated_at: "2026-12-04T00:00:01Z".into() };
    let r: Value = serde_json::from_str(&render(Format::Json, &fleet, &Filter::default(), &opts)).unwrap();
    assert_eq!(r["complete"], false);
    assert_eq!(r["totals"]["clusters_analysed"], 2);
    assert_eq!(r["totals"]["clusters_failed"], 1);
    assert_eq!(r["clusters"][0]["cluster"], "payments-prod", "the demo cluster is the worst: {}", r["clusters"]);
    let statuses: Vec<(&str, &str)> = r["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["account_id"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    assert!(statuses.contains(&("333333333333", "failed")), "{statuses:?}");
    assert!(statuses.contains(&("123456789012", "partial")) || statuses.contains(&("123456789012", "complete")));
    let denied = r["coverage"].as_array().unwrap().iter().find(|c| c["account_id"] == "333333333333").unwrap();
    assert_eq!(denied["permissions_to_add"], json!(["sts:AssumeRole"]));
    assert_eq!(r["failures"].as_array().unwrap().len(), 2);
    for f in r["findings"].as_array().unwrap() {
        assert!(f["account_id"].is_string() && f["region"].is_string() && f["cluster"].is_string(), "{f}");
    }
    let summary = render(Format::Summary, &fleet, &Filter::default(), &opts);
    assert!(summary.contains("Incomplete") && summary.contains("broken") && summary.contains("AccessDenied"));
    let sarif: Value = serde_json::from_str(&render(Format::Sarif, &fleet, &Filter::default(), &opts)).unwrap();
    assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], false);
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), r["findings"].as_array().unwrap().len());
    for format in [Format::Detailed, Format::Executive] {
        assert!(render(format, &fleet, &Filter::default(), &opts).contains("payments-prod"));
    }
}

#[test]
fn merge_joins_shards_and_refuses_a_shard_twice() {
    let whole = scan();
    let (mut a, mut b) = (whole.clone(), whole.clone());
    a.targets.retain(|t| t.account_id.as_str() < "2");
    b.targets.retain(|t| t.account_id.as_str() >= "2");
    a.shard = Some("0/2".into());
    b.shard = Some("1/2".into());
    let dir = tempfile::tempdir().unwrap();
    for (name, part) in [("shard-0-of-2.json", &a), ("shard-1-of-2.json", &b)] {
        std::fs::write(dir.path().join(name), serde_json::to_string(part).unwrap()).unwrap();
    }
    let single = dir.path().join("whole.json");
    std::fs::write(&single, serde_json::to_string(&whole).unwrap()).unwrap();
    let merge_as = |format: &str, args: &[&std::path::Path]| {
        Command::new(env!("CARGO_BIN_EXE_ecs-security-mcp"))
            .arg("merge")
            .args(args)
            .args(["--format", format])
            .output()
            .unwrap()
    };
    let merge = |args: &[&std::path::Path]| merge_as("summary", args);
    let merged = merge(&[dir.path()]);
    assert_eq!(merged.status.code(), Some(3), "incomplete: {}", String::from_utf8_lossy(&merged.stderr));
    let again = merge(&[&single]);
    assert_eq!(merged.stdout, again.stdout, "merged shards differ from the whole scan");
    // Every format, apart from the time the report was generated.
    let generated = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)|\d{13}").unwrap();
    for format in ["terminal", "html", "csv", "ocsf", "junit", "json", "sarif"] {
        let (a, b) = (merge_as(format, &[dir.path()]), merge_as(format, &[&single]));
        assert_eq!(a.status.code(), Some(3), "{format}: {}", String::from_utf8_lossy(&a.stderr));
        let a = String::from_utf8(a.stdout).unwrap();
        assert!(a.contains("payments-prod"), "{format}: not the fleet report:\n{a}");
        let strip = |s: &str| generated.replace_all(s, "T").into_owned();
        assert_eq!(strip(&a), strip(&String::from_utf8(b.stdout).unwrap()), "{format}: merged shards differ");
    }
    let twice = merge(&[&dir.path().join("shard-0-of-2.json"), &dir.path().join("shard-0-of-2.json")]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("appears in both"));
}

#[tokio::test]
async fn scan_fleet_ranks_the_loaded_clusters_within_the_budget() {
    let actions = common::fixture_actions();
    let out = actions.run(Action::parse("scan_fleet", Some(json!({}))).unwrap(), None).await.unwrap();
    assert_eq!(out.data["clusters"][0]["cluster"], "payments-prod", "{}", out.data);
    assert_eq!(out.data["clusters"].as_array().unwrap().len(), 2);
    assert_eq!(out.data["accounts"], 2);
    assert!(out.text.contains("Worst clusters"));
    let one = actions.run(Action::parse("scan_fleet", Some(json!({"limit": 1}))).unwrap(), None).await.unwrap();
    assert_eq!(one.data["clusters"].as_array().unwrap().len(), 1);
    assert_eq!(one.data["clusters_omitted"], 1);
    let small =
        actions.run(Action::parse("scan_fleet", Some(json!({"max_result_chars": 2000}))).unwrap(), None).await.unwrap();
    assert!(
        budget::answer_size(&small.text, &small.data) <= 2000 || small.data["clusters"].as_array().unwrap().is_empty()
    );
    assert!(small.data["problems_omitted"].as_u64().unwrap() > 0, "nothing was cut to fit: {}", small.data);
    let glob = actions
        .run(Action::parse("scan_fleet", Some(json!({"cluster_pattern": "*-prod"}))).unwrap(), None)
        .await
        .unwrap();
    assert_eq!(glob.data["clusters_analysed"], 1);
}
