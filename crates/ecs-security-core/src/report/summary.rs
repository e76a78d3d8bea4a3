//! The summary report: score, risk level, counts by severity and category, the top issues
//! and the quick actions that fix the most.

use super::{ReportOptions, coverage_section, header, recommendations, severity_icon, triage_section};
use crate::rules::{Analysis, Category, Filter, Severity};
use crate::text::md;

/// Findings listed when `show_details` is off.
const TOP_ISSUES: usize = 10;
/// Quick actions listed.
const QUICK_ACTIONS: usize = 5;

pub fn render(full: &Analysis, filter: &Filter, opts: &ReportOptions) -> String {
    let view = full.filtered(filter);
    let mut s = header("ECS Security Report", full, filter, view.findings.len());

    if view.findings.is_empty() {
        s.push_str("## ✅ No findings\n\n");
        s.push_str(if filter.is_empty() {
            "No rule found a problem in the data that could be evaluated.\n\n"
        } else {
            "No finding matches the filter.\n\n"
        });
        s.push_str(&coverage_section(&view));
        s.push_str(&triage_section(&view));
        return s;
    }

    s.push_str("## Findings by category\n\n| Category | Critical | High | Medium | Low | Total |\n|---|---:|---:|---:|---:|---:|\n");
    for &cat in Category::ALL {
        let in_cat: Vec<_> = view.findings.iter().filter(|f| f.rule.category == cat).collect();
        if in_cat.is_empty() {
            continue;
        }
        let n = |sev: Severity| in_cat.iter().filter(|f| f.severity == sev).count();
        s.push_str(&format!(
            "| {cat} | {} | {} | {} | {} | {} |\n",
            n(Severity::Critical),
            n(Severity::High),
            n(Severity::Medium),
            n(Severity::Low),
            in_cat.len()
        ));
    }
    s.push('\n');

    let limit = if opts.show_details { usize::MAX } else { TOP_ISSUES };
    let title = if opts.show_details { "All findings" } else { "Top issues" };
    s.push_str(&format!("## {title}\n\n"));
    for (i, f) in view.findings.iter().take(limit).enumerate() {
        s.push_str(&format!(
            "{}. {} **{}** · {}: {}\n   {}\n",
            i + 1,
            severity_icon(f.severity),
            f.severity,
            f.rule.title,
            md(&f.resource.to_string()),
            md(&f.message),
        ));
        if opts.show_details && !f.evidence.is_empty() {
            let ev: Vec<String> = f.evidence.iter().map(|e| format!("{}={}", md(&e.key), md(&e.value))).collect();
            s.push_str(&format!("   Evidence: {}\n", ev.join("; ")));
        }
    }
    if view.findings.len() > limit {
        s.push_str(&format!(
            "\n…and {} more. Use `show_details` or the detailed format to see every finding.\n",
            view.findings.len() - limit
        ));
    }
    s.push('\n');

    let recs = recommendations::build(&view);
    s.push_str("## ⚡ Quick actions\n\n");
    for (i, r) in recs.iter().take(QUICK_ACTIONS).enumerate() {
        s.push_str(&format!(
            "{}. {} **{}** ({} affected): {}\n   `{}`\n",
            i + 1,
            severity_icon(r.severity),
            r.title,
            r.affected.len(),
            r.remediation.summary,
            r.remediation.cli
        ));
    }
    s.push('\n');
    s.push_str(&coverage_section(&view));
    s.push_str(&triage_section(&view));
    s
}
