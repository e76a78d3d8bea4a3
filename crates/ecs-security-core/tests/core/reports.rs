//! Every report format on the demo and hardened fixtures: insta snapshots, SARIF validated
//! against the official 2.1.0 schema, counts that agree across formats, no secret leaks.

use crate::common;

use ecs_security_core::model::Snapshot;
use ecs_security_core::report::{self, Format, ReportOptions};
use ecs_security_core::rules::{self, Filter, RiskLevel, Severity, SeverityFilter};
use serde_json::Value;

fn opts(show_details: bool) -> ReportOptions {
    ReportOptions { show_details, generated_at: "2026-11-26T12:00:00Z".into() }
}

fn fixtures() -> Vec<(&'static str, Snapshot)> {
    vec![("demo", common::demo()), ("hardened", common::hardened())]
}

#[test]
fn every_format_snapshot() {
    for (name, snap) in fixtures() {
        let analysis = rules::analyze(&snap);
        // HTML, OCSF, CSV and JUnit have their own snapshots (`format@…`, tests/core/formats.rs).
        let markdown_and_json =
            Format::ALL.into_iter().filter(|f| !matches!(f, Format::Html | Format::Ocsf | Format::Csv | Format::Junit));
        for format in markdown_and_json {
            let text = report::render(format, &analysis, &Filter::default(), &opts(false));
            insta::with_settings!({ snapshot_suffix => format!("{name}-{format}"), prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!("report", text);
            });
        }
    }
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let validator = crate::sarif_schema::validator(&common::root());
    for (name, snap) in fixtures() {
        let analysis = rules::analyze(&snap);
        let sarif: Value =
            serde_json::from_str(&report::render(Format::Sarif, &analysis, &Filter::default(), &opts(false)))
                .expect("SARIF is JSON");
        let errors: Vec<String> =
            validator.iter_errors(&sarif).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{name}: SARIF does not validate:\n{}", errors.join("\n"));
        let results = sarif["runs"][0]["results"].as_array().expect("results");
        assert_eq!(results.len(), analysis.findings.len(), "{name}: one result per finding");
        let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
        assert_eq!(rules.len(), rules::all().len());
        for r in results {
            let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(rules[idx]["id"], r["ruleId"], "ruleIndex points at the rule");
            assert!(
                r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].as_str().is_some_and(|a| !a.is_empty())
            );
            assert!(
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("ecs/"))
            );
        }
    }
}

#[test]
fn counts_agree_across_formats() {
    let analysis = rules::analyze(&common::demo());
    let total = analysis.findings.len();
    let json: Value =
        serde_json::from_str(&report::render(Format::Json, &analysis, &Filter::default(), &opts(false))).expect("json");
    assert_eq!(json["summary"]["total_findings"].as_u64(), Some(total as u64));
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(total));
    let by = &json["summary"]["by_severity"];
    let sum: u64 = ["critical", "high", "medium", "low"].iter().map(|k| by[k].as_u64().expect("count")).sum();
    assert_eq!(sum, total as u64);
    let summary = report::render(Format::Summary, &analysis, &Filter::default(), &opts(false));
    let expected_line = format!(
        "| Findings | {total} ({} Critical, {} High, {} Medium, {} Low) |",
        by["critical"], by["high"], by["medium"], by["low"]
    );
    assert!(summary.contains(&expected_line), "summary lacks {expected_line}");
    let detailed = report::render(Format::Detailed, &analysis, &Filter::default(), &opts(true));
    assert!(detailed.contains(&expected_line));
    let affected: usize = detailed
        .lines()
        .filter(|l| l.starts_with("- 🔴") || l.starts_with("- 🟠") || l.starts_with("- 🟡") || l.starts_with("- 🔵"))
        .count();
    assert_eq!(affected, total, "detailed lists every finding once");
    let executive = report::render(Format::Executive, &analysis, &Filter::default(), &opts(false));
    assert!(executive.contains(&format!("{total} findings")), "executive total");
    assert!(executive.contains(&format!("Security score **{}/100**", json["summary"]["score"])));
}

#[test]
fn filtered_reports_never_understate_risk() {
    let analysis = rules::analyze(&common::demo());
    assert_eq!(analysis.overall.risk_level, RiskLevel::Critical);
    let low_only = Filter { severity: SeverityFilter::Only(vec![Severity::Low]), categories: Vec::new() };
    for format in [Format::Summary, Format::Executive, Format::Detailed] {
        let text = report::render(format, &analysis, &low_only, &opts(false));
        assert!(!text.contains("**Low**") || text.contains("Critical"), "{format} understates risk");
        assert!(text.contains("Critical"), "{format} must carry the whole-cluster risk level");
    }
    let json: Value =
        serde_json::from_str(&report::render(Format::Json, &analysis, &low_only, &opts(false))).expect("json");
    assert_eq!(json["summary"]["risk_level"], "Critical");
    assert!(json["findings"].as_array().expect("findings").iter().all(|f| f["severity"] == "Low"));
}

#[test]
fn no_format_contains_a_secret_value() {
    let analysis = rules::analyze(&common::demo());
    let planted = [
        "hunter2",
        "sk_live_51HxQ2bL9kQv7Xz3Yc8RtWmPq",
        "AKIAZ7Q3L5V2MEXAMPLX",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8dX2Lk9p",
        "Sup3rS3cret-migr",
        "s3cr3t-ledger-pass",
        "Zx8Qm2Lk9Jv4Hn7Bg3Fd6Sa1",
        "3f9a8c7e2b1d4f6a9c0e8b7d6a5f4e3c",
    ];
    for format in Format::ALL {
        for details in [false, true] {
            let text = report::render(format, &analysis, &Filter::default(), &opts(details));
            for p in planted {
                assert!(!text.contains(p), "{format} (details {details}) leaks {p}");
            }
        }
    }
}
