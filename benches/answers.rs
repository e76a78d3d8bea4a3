//! Answer sizes: every MCP tool's answer (its text as a JSON string plus its structured
//! content) on clusters of about 10, 100 and 500 services built from the demo snapshot, and
//! the time to page through every finding of the largest one. Writes its section of
//! docs/performance.md (between the `answers bench` markers). Run with
//! `cargo bench --bench answers`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test or benchmark harness: a panic is how it fails")]

use std::fmt::Write;
use std::time::Instant;

use ecs_security_mcp::actions::{Action, ActionOutput, Actions, FileSource, Source};
use ecs_security_mcp::model::Snapshot;
use ecs_security_mcp::model::scale::replicate;
use serde_json::{Value, json};

/// Services in the demo snapshot, which the clusters repeat.
const DEMO_SERVICES: usize = 4;
const TARGETS: [usize; 3] = [10, 100, 500];

fn size(o: &ActionOutput) -> usize {
    serde_json::to_string(&o.text).unwrap().len() + o.data.to_string().len()
}

fn run(runtime: &tokio::runtime::Runtime, actions: &Actions, tool: &str, args: Value) -> ActionOutput {
    let action = Action::parse(tool, Some(args)).unwrap();
    runtime.block_on(actions.run(action, None)).unwrap()
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("fixtures/demo-cluster.json")).unwrap();
    let demo = Snapshot::parse(&text, std::path::Path::new("demo-cluster.json")).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let c = demo.cluster.cluster_name.clone();
    let calls: Vec<(&str, Value)> = vec![
        ("list_clusters", json!({})),
        ("select_cluster_for_analysis", json!({"cluster_name": c, "analysis_type": "quick"})),
        ("analyze_cluster_security", json!({"cluster_name": c})),
        ("generate_security_report summary", json!({"cluster_name": c, "format": "summary"})),
        ("generate_security_report detailed", json!({"cluster_name": c, "format": "detailed"})),
        ("generate_security_report json", json!({"cluster_name": c, "format": "json"})),
        ("generate_security_report sarif", json!({"cluster_name": c, "format": "sarif"})),
        ("generate_security_report executive", json!({"cluster_name": c, "format": "executive"})),
        ("get_security_recommendations", json!({"cluster_name": c, "limit": 100})),
        ("check_compliance_status", json!({"cluster_name": c, "compliance_framework": "all"})),
        ("list_findings", json!({"cluster_name": c})),
        ("get_finding_details", json!({"cluster_name": c, "rule_id": "container-environment-secrets"})),
    ];
    let mut table = String::new();
    let mut header = String::from("| Tool |");
    let mut rule = String::from("|---|");
    let mut rows: Vec<String> = calls.iter().map(|(t, _)| format!("| `{t}` |")).collect();
    let mut findings = Vec::new();
    let mut paging = String::new();
    for target in TARGETS {
        let snapshot = replicate(&demo, target.div_ceil(DEMO_SERVICES));
        let services = snapshot.services.len();
        let actions = Actions::new(Source::Files(FileSource::new(vec![snapshot])));
        write!(header, " {services} services |").unwrap();
        rule.push_str("---:|");
        for (row, (tool, args)) in rows.iter_mut().zip(&calls) {
            let name = tool.split(' ').next().unwrap();
            let out = run(&runtime, &actions, name, args.clone());
            write!(row, " {} |", size(&out)).unwrap();
            if *tool == "analyze_cluster_security" {
                findings.push((services, out.data["findings"]["total"].as_u64().unwrap()));
            }
        }
        if target == 500 {
            let started = Instant::now();
            let (mut pages, mut seen, mut cursor) = (0, 0u64, None::<String>);
            loop {
                let mut args = json!({"cluster_name": c});
                if let Some(cur) = &cursor {
                    args["cursor"] = json!(cur);
                }
                let out = run(&runtime, &actions, "list_findings", args);
                pages += 1;
                seen += out.data["findings"].as_array().unwrap().len() as u64;
                match out.data["next_cursor"].as_str() {
                    Some(next) => cursor = Some(next.to_owned()),
                    None => break,
                }
            }
            let total = findings.last().unwrap().1;
            assert_eq!(seen, total, "paging saw every finding");
            writeln!(
                paging,
                "Paging through all {total} findings of the {services}-service cluster with `list_findings` at the default budget: {pages} pages in {} ms (in process, after the analysis is cached).",
                started.elapsed().as_millis()
            )
            .unwrap();
        }
    }
    writeln!(table, "{header}\n{rule}").unwrap();
    for r in rows {
        writeln!(table, "{r}").unwrap();
    }
    let counts: Vec<String> = findings.iter().map(|(s, f)| format!("{s} services: {f} findings")).collect();
    let section = format!(
        "## Answer sizes\n\nGenerated by `cargo bench --bench answers` ({}). Characters of each tool's answer (its text as a JSON string plus its structured content) with the default budget of 40,000, on clusters made by repeating the demo's services ({}). `generate_security_report` answers with the report in brief and a link to the whole report (an MCP resource); `inline: true` puts the text in the answer when it fits.\n\nBefore the budget (measured on the demo, 4 services, 123 findings): `analyze_cluster_security` 140,000 characters (5 KB of text, 135 KB of structured content), `generate_security_report` detailed 166,000 and sarif 549,000, `check_compliance_status` with `all` 104,000; on a 37-service cluster `analyze_cluster_security` was about 600,000.\n\n{table}\n{paging}",
        if cfg!(debug_assertions) { "debug build" } else { "release build" },
        counts.join(", ")
    );
    println!("{section}");
    let path = root.join("docs/performance.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- BEGIN answers bench -->\n", "<!-- END answers bench -->");
    let new = match (doc.find(begin), doc.find(end)) {
        (Some(b), Some(e)) => format!("{}{begin}{section}{}", &doc[..b], &doc[e..]),
        _ => format!("{}\n{begin}{section}{end}\n", doc.trim_end()),
    };
    std::fs::write(&path, new).unwrap();
}
