//! Compliance status in Markdown: per framework, a summary line and a table of controls.

use serde_json::Value;

use crate::compliance::{ControlResult, ControlStatus, FrameworkResult};
use crate::text::md;

/// How much of each framework to show.
#[derive(Debug, Clone, Copy)]
struct Detail {
    /// Failing resources named per control.
    examples: usize,
    /// Only controls that are not passed or not applicable get a row.
    decided_only: bool,
    /// Rows without requirements and conditions.
    brief: bool,
}

const FULL: Detail = Detail { examples: 3, decided_only: false, brief: false };

/// The compliance answer for one cluster: every framework's table.
pub fn markdown(cluster_name: &str, results: &[FrameworkResult]) -> String {
    markdown_with(cluster_name, results, FULL)
}

fn markdown_with(cluster_name: &str, results: &[FrameworkResult], detail: Detail) -> String {
    let mut text = format!("# Compliance status: {}\n\n", md(cluster_name));
    for r in results {
        text.push_str(&framework_with(r, detail));
    }
    text
}

/// One framework: the counts and a row per control with what decided its status.
pub fn framework(r: &FrameworkResult) -> String {
    framework_with(r, FULL)
}

fn framework_with(r: &FrameworkResult, detail: Detail) -> String {
    let m = r.summary;
    let mut s = format!(
        "## {} ({})\n\n{} controls: {} passed, {} failed, {} need review, {} not evaluated, {} not applicable. Pass rate {}%.\n\n",
        r.name, r.version, m.controls, m.passed, m.failed, m.needs_review, m.not_evaluated, m.not_applicable, m.percent
    );
    s.push_str("| Control | Status | Detail |\n|---|---|---|\n");
    let mut left_out = Vec::new();
    for c in &r.controls {
        if detail.decided_only && matches!(c.status, ControlStatus::Pass | ControlStatus::NotApplicable) {
            left_out.push(c.id);
            continue;
        }
        let icon = match c.status {
            ControlStatus::Pass => "✅ pass",
            ControlStatus::Fail => "❌ fail",
            ControlStatus::NeedsReview => "🔍 needs review",
            ControlStatus::NotEvaluated => "⚠️ not evaluated",
            ControlStatus::NotApplicable => "➖ n/a",
        };
        if detail.brief {
            s.push_str(&format!("| {} | {icon} | {} resources |\n", c.id, c.failing.len()));
            continue;
        }
        let examples = detail.examples;
        let detail = match c.status {
            ControlStatus::Fail => failing(c, examples),
            ControlStatus::NeedsReview => {
                format!("{}; Low-confidence heuristic only, confirm by hand", failing(c, examples))
            }
            ControlStatus::NotEvaluated => {
                let mut perms: Vec<String> = c.not_evaluated.iter().flat_map(|n| n.permissions.clone()).collect();
                perms.sort();
                perms.dedup();
                if perms.is_empty() {
                    "evidence missing".to_owned()
                } else {
                    format!("missing data; grant {}", perms.join(", "))
                }
            }
            ControlStatus::Pass => format!("{} rule(s) checked", c.rules.len()),
            ControlStatus::NotApplicable => "nothing in the cluster to check".to_owned(),
        };
        let mut control = format!("{} {}", c.id, c.title);
        if !c.requirements.is_empty() {
            control.push_str(&format!(" ({})", c.requirements.join(", ")));
        }
        if let Some(condition) = c.condition {
            control.push_str(&format!(". Checks: {condition}"));
        }
        s.push_str(&format!("| {control} | {icon} | {detail} |\n"));
    }
    if !left_out.is_empty() {
        s.push_str(&format!("\nPassed or not applicable (rows left out for size): {}.\n", left_out.join(", ")));
    }
    s.push('\n');
    s
}

/// The first `n` resources that count against a control, then a count.
fn failing(c: &ControlResult, n: usize) -> String {
    let shown: Vec<String> = c.failing.iter().take(n).map(|f| format!("{} ({})", md(&f.resource), f.rule_id)).collect();
    let more = c.failing.len().saturating_sub(n);
    let mut d = shown.join("; ");
    if more > 0 {
        d.push_str(&format!("; +{more} more"));
    }
    d
}

/// The compliance answer within `max_chars`: Markdown and JSON. Each control keeps up to
/// ten failing resources (with `failing_total` the count); when that is too much, passing
/// and not-applicable controls are left out (their ids and the framework summaries stay),
/// and last each remaining control is one line, so the answer always says how many controls
/// are where. The whole status is in the reports (resources).
pub fn fit(cluster_name: &str, cluster_region: &str, results: &[FrameworkResult], max_chars: usize) -> (String, Value) {
    let build = |examples: usize, decided_only: bool, brief: bool| {
        let trimmed: Vec<FrameworkResult> = results
            .iter()
            .map(|r| {
                let mut r = r.clone();
                for c in &mut r.controls {
                    c.failing.truncate(examples);
                    c.not_evaluated.truncate(examples.max(1));
                }
                r
            })
            .collect();
        let text = markdown_with(cluster_name, results, Detail { examples: examples.min(3), decided_only, brief });
        let frameworks: Vec<Value> = results
            .iter()
            .zip(&trimmed)
            .map(|(full, t)| {
                let controls: Vec<Value> = full
                    .controls
                    .iter()
                    .zip(&t.controls)
                    .filter(|(_, c)| {
                        !decided_only || !matches!(c.status, ControlStatus::Pass | ControlStatus::NotApplicable)
                    })
                    .map(|(f, c)| {
                        if brief {
                            return serde_json::json!({
                                "id": c.id, "status": c.status, "failing_total": f.failing.len()
                            });
                        }
                        let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
                        if let Value::Object(o) = &mut v {
                            o.insert("failing_total".into(), Value::from(f.failing.len()));
                        }
                        v
                    })
                    .collect();
                let passing: Vec<&str> = full
                    .controls
                    .iter()
                    .filter(|c| decided_only && matches!(c.status, ControlStatus::Pass | ControlStatus::NotApplicable))
                    .map(|c| c.id)
                    .collect();
                serde_json::json!({
                    "framework": t.framework,
                    "name": t.name,
                    "version": t.version,
                    "summary": t.summary,
                    "controls": controls,
                    "passed_or_not_applicable": passing,
                })
            })
            .collect();
        let mut summary = format!("Compliance of {}:", crate::text::plain(cluster_name));
        for r in results {
            let m = r.summary;
            summary.push_str(&format!(
                " {} {} passed, {} failed, {} need review, {} not evaluated of {};",
                r.framework, m.passed, m.failed, m.needs_review, m.not_evaluated, m.controls
            ));
        }
        let data = serde_json::json!({
            "summary": summary.trim_end_matches(';'),
            "cluster": cluster_name,
            "region": cluster_region,
            "failing_examples_per_control": examples,
            "frameworks": frameworks,
        });
        (text, data)
    };
    let size = |examples: usize, decided_only: bool, brief: bool| {
        let (t, d) = build(examples, decided_only, brief);
        super::budget::answer_size(&t, &d)
    };
    for decided_only in [false, true] {
        if size(1, decided_only, false) <= max_chars {
            let examples =
                super::budget::largest_fitting(10, max_chars, |k| size(k.max(1), decided_only, false)).max(1);
            return build(examples, decided_only, false);
        }
    }
    // Every framework's summary and each undecided control's status and count.
    build(0, true, true)
}
