//! Compliance status in Markdown: per framework, a summary line and a table of controls.

use crate::compliance::{ControlResult, ControlStatus, FrameworkResult};
use crate::text::md;

/// The compliance answer for one cluster: every framework's table.
pub fn markdown(cluster_name: &str, results: &[FrameworkResult]) -> String {
    let mut text = format!("# Compliance status: {}\n\n", md(cluster_name));
    for r in results {
        text.push_str(&framework(r));
    }
    text
}

/// One framework: the counts and a row per control with what decided its status.
pub fn framework(r: &FrameworkResult) -> String {
    let m = r.summary;
    let mut s = format!(
        "## {} ({})\n\n{} controls: {} passed, {} failed, {} need review, {} not evaluated, {} not applicable. Pass rate {}%.\n\n",
        r.name, r.version, m.controls, m.passed, m.failed, m.needs_review, m.not_evaluated, m.not_applicable, m.percent
    );
    s.push_str("| Control | Status | Detail |\n|---|---|---|\n");
    for c in &r.controls {
        let icon = match c.status {
            ControlStatus::Pass => "✅ pass",
            ControlStatus::Fail => "❌ fail",
            ControlStatus::NeedsReview => "🔍 needs review",
            ControlStatus::NotEvaluated => "⚠️ not evaluated",
            ControlStatus::NotApplicable => "➖ n/a",
        };
        let detail = match c.status {
            ControlStatus::Fail => failing(c),
            ControlStatus::NeedsReview => format!("{}; Low-confidence heuristic only, confirm by hand", failing(c)),
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
    s.push('\n');
    s
}

/// The first three resources that count against a control, then a count.
fn failing(c: &ControlResult) -> String {
    let shown: Vec<String> = c.failing.iter().take(3).map(|f| format!("{} ({})", md(&f.resource), f.rule_id)).collect();
    let more = c.failing.len().saturating_sub(3);
    let mut d = shown.join("; ");
    if more > 0 {
        d.push_str(&format!("; +{more} more"));
    }
    d
}
