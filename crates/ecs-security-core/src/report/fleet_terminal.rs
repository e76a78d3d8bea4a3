//! The fleet's terminal rendering for people: a one-screen summary first (scope,
//! completeness, totals by severity, the worst clusters with account, region and score, the
//! roll-up by rule, coverage gaps with the permissions to add, what could not be read),
//! then each cluster's findings grouped by rule with the fix.
//!
//! It shares the cluster view's layout and colours ([`super::terminal`]): aligned columns,
//! wrapped to the width, and every string from AWS or from a scan file goes through
//! [`plain`], so that no escape sequence, control or bidi character from the data reaches
//! the terminal. With `color: false` the output holds no escape byte.

use anstyle::{AnsiColor, Style};
use textwrap::core::display_width;

use super::ReportOptions;
use super::fleet::{Fleet, TargetCoverage};
use super::people::by_rule;
use super::terminal::{BOLD, DIM, Out, TerminalOptions, risk_style, rule_block, score_style, severity_style};
use crate::rules::{Filter, Severity, SeverityCounts};
use crate::text::plain;

/// Rows per list in the summary.
const TOP: usize = 10;

/// Renders the fleet's terminal view.
pub fn render(fleet: &Fleet, filter: &Filter, opts: &ReportOptions, term: &TerminalOptions) -> String {
    let mut out = Out::new(term);
    summary(&mut out, fleet, filter);
    ranking(&mut out, fleet);
    rollup(&mut out, fleet, filter);
    coverage(&mut out, fleet);
    failures(&mut out, fleet);
    findings(&mut out, fleet, filter, opts);
    out.text
}

fn counts(out: &Out, c: &SeverityCounts) -> String {
    let parts: Vec<String> = Severity::ALL
        .iter()
        .map(|&s| {
            let n = c.get(s);
            let text = format!("{n} {}", s.as_str().to_lowercase());
            if n > 0 { out.paint(&text, severity_style(s)) } else { text }
        })
        .collect();
    format!("{}   {}", c.total(), parts.join("  "))
}

fn summary(out: &mut Out, fleet: &Fleet, filter: &Filter) {
    let t = fleet.totals();
    let head = out.paint("ECS fleet security report", BOLD);
    out.line(&head);
    out.wrapped(
        &format!(
            "{} account(s), {} region(s): {} account-region(s), {} could not be read · started {}",
            t.accounts,
            t.regions,
            t.account_regions,
            t.account_regions_failed,
            plain(&fleet.started_at)
        ),
        0,
    );
    out.line("");
    let reasons = fleet.incomplete_reasons();
    if reasons.is_empty() {
        let ok = out.paint("Complete:", Style::new().fg_color(Some(AnsiColor::Green.into())).bold());
        out.labelled(&format!("{ok} "), 10, "every account-region and cluster in scope was read.");
    } else {
        let warn = out.paint("Incomplete:", Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold());
        out.labelled(
            &format!("{warn} "),
            12,
            &format!("{}. What was not seen is not counted as passed.", reasons.join("; ")),
        );
    }
    out.line("");
    out.field("Clusters", &format!("{} analysed, {} could not be collected", t.clusters_analysed, t.clusters_failed));
    let findings = counts(out, &t.by_severity);
    out.field("Findings", &findings);
    let risk = out.paint(t.risk_level.as_str(), risk_style(t.risk_level));
    out.field("Risk", &format!("{risk} (the worst cluster's)"));
    if !filter.is_empty() {
        out.line("");
        out.wrapped(
            "Filtered: the roll-up and the findings show what the filter allows; scores and the ranking cover every finding.",
            2,
        );
    }
    out.line("");
}

/// `…and 5 more clusters` when a list was cut.
fn more(out: &mut Out, shown: usize, total: usize, what: &str) {
    if total > shown {
        let text =
            out.paint(&format!("  … and {} more {what} (--format detailed or json lists all)", total - shown), DIM);
        out.line(&text);
    }
}

/// A table's column heads: the aligned columns, then the head of the wrapped text column,
/// which goes below them (as the rows' text does) when the terminal is too narrow.
fn header(out: &mut Out, columns: &str, text: &str) {
    if display_width(columns) + 16 > out.width {
        let columns = out.paint(columns.trim_end(), DIM);
        out.line(&columns);
        let text = out.paint(text, DIM);
        out.line(&format!("    {text}"));
    } else {
        let head = out.paint(&format!("{columns}{text}"), DIM);
        out.line(&head);
    }
}

fn ranking(out: &mut Out, fleet: &Fleet) {
    let ranking = fleet.ranking();
    let title = out.paint("Worst clusters", BOLD);
    out.line(&title);
    if ranking.is_empty() {
        out.line("  No cluster was analysed.");
        out.line("");
        return;
    }
    let head = format!(
        "  {:>3}  {:>7}  {:<8}  {:>4}  {:>4}  {:>4}  {:>4}  ",
        "#", "Score", "Risk", "Crit", "High", "Med", "Low"
    );
    let width = display_width(&head);
    header(out, &head, "Cluster · account · region");
    for r in ranking.iter().take(TOP) {
        let score = out.paint(&format!("{:>3}/100", r.score), score_style(r.score));
        let risk = out.paint(&format!("{:<8}", r.risk_level.as_str()), risk_style(r.risk_level));
        let c = &r.by_severity;
        let n = |n: usize, s: Severity| {
            let text = format!("{n:>4}");
            if n > 0 && s >= Severity::High { out.paint(&text, severity_style(s)) } else { text }
        };
        let label = format!(
            "  {:>3}  {score}  {risk}  {}  {}  {}  {}  ",
            r.rank,
            n(c.critical, Severity::Critical),
            n(c.high, Severity::High),
            n(c.medium, Severity::Medium),
            n(c.low, Severity::Low)
        );
        let place = format!("{} · {} · {}", plain(&r.cluster), plain(&r.account_id), plain(&r.region));
        out.labelled(&label, width, &place);
    }
    more(out, TOP.min(ranking.len()), ranking.len(), "clusters");
    out.line("");
}

fn rollup(out: &mut Out, fleet: &Fleet, filter: &Filter) {
    let rollup = fleet.rollup(filter);
    let title = out.paint("Problems across the fleet", BOLD);
    out.line(&title);
    if rollup.is_empty() {
        out.line("  No finding in what could be read.");
        out.line("");
        return;
    }
    let head = format!("  {:<8}  {:>8}  {:>8}  {:>8}  ", "Severity", "Clusters", "Accounts", "Findings");
    let width = display_width(&head);
    header(out, &head, "Problem");
    for r in rollup.iter().take(TOP) {
        let severity = out.paint(&format!("{:<8}", r.severity.as_str()), severity_style(r.severity));
        let label = format!("  {severity}  {:>8}  {:>8}  {:>8}  ", r.clusters, r.accounts, r.findings);
        let text = format!("{}  {}", r.title, out.paint(r.rule_id, DIM));
        out.labelled(&label, width, &text);
    }
    more(out, TOP.min(rollup.len()), rollup.len(), "rules");
    out.line("");
}

fn needs_attention(c: &TargetCoverage) -> bool {
    c.status != "complete" || c.rules_not_evaluated > 0 || !c.permissions_to_add.is_empty()
}

fn coverage(out: &mut Out, fleet: &Fleet) {
    let gapped: Vec<&TargetCoverage> = fleet.coverage.iter().filter(|c| needs_attention(c)).collect();
    let title = out.paint("Coverage gaps (not counted as passed)", BOLD);
    out.line(&title);
    if gapped.is_empty() {
        out.wrapped(
            &format!("Every rule was evaluated on complete data in all {} account-region(s).", fleet.coverage.len()),
            2,
        );
        out.line("");
        return;
    }
    for c in gapped.iter().take(TOP) {
        let status = match c.status {
            "failed" => out.paint("failed", severity_style(Severity::High)),
            "partial" => out.paint("partial", severity_style(Severity::Medium)),
            other => other.to_owned(),
        };
        let what = if c.status == "failed" {
            "nothing could be read".to_owned()
        } else {
            format!(
                "{} of {} cluster(s) analysed, {} failed, {} rule(s) not evaluated",
                c.clusters_analysed, c.clusters_found, c.clusters_failed, c.rules_not_evaluated
            )
        };
        out.wrapped(&format!("{} · {}  {status}: {what}", plain(&c.account_id), plain(&c.region)), 2);
        if !c.gaps.is_empty() {
            let gaps: Vec<String> = c.gaps.iter().map(|g| plain(g)).collect();
            out.wrapped(&format!("failed calls: {}", gaps.join(", ")), 6);
        }
        if !c.permissions_to_add.is_empty() {
            let perms: Vec<String> = c.permissions_to_add.iter().map(|p| plain(p)).collect();
            out.wrapped(&format!("grant: {}", perms.join(", ")), 6);
        }
    }
    more(out, TOP.min(gapped.len()), gapped.len(), "account-regions");
    out.line("");
}

fn failures(out: &mut Out, fleet: &Fleet) {
    if fleet.failures.is_empty() && fleet.notes.is_empty() {
        return;
    }
    if !fleet.failures.is_empty() {
        let title = out.paint("Could not be read", BOLD);
        out.line(&title);
        for f in fleet.failures.iter().take(TOP) {
            let place = match &f.cluster {
                Some(c) => format!("{} · {} · {}", plain(&f.account_id), plain(&f.region), plain(c)),
                None => format!("{} · {}", plain(&f.account_id), plain(&f.region)),
            };
            out.wrapped(
                &format!(
                    "{place} ({}, {}): {}",
                    plain(&f.failure.stage),
                    plain(&f.failure.code),
                    plain(&f.failure.message)
                ),
                2,
            );
            out.wrapped(&format!("fix: {}", plain(&f.failure.remedy)), 6);
        }
        more(out, TOP.min(fleet.failures.len()), fleet.failures.len(), "failures");
        out.line("");
    }
    if !fleet.notes.is_empty() {
        let title = out.paint("Notes", BOLD);
        out.line(&title);
        for n in &fleet.notes {
            out.wrapped(&plain(n), 2);
        }
        out.line("");
    }
}

fn findings(out: &mut Out, fleet: &Fleet, filter: &Filter, opts: &ReportOptions) {
    if fleet.clusters.is_empty() {
        return;
    }
    let title = out.paint("Findings by cluster", BOLD);
    out.line(&title);
    out.line("");
    // Evidence and snippets would repeat per cluster: the HTML and JSON reports hold them.
    let compact = ReportOptions { show_details: false, ..opts.clone() };
    for (i, c) in fleet.clusters.iter().enumerate() {
        let view = c.analysis.filtered(filter);
        let o = &c.analysis.overall;
        let name = out.paint(&format!("{}. {}", i + 1, plain(&c.analysis.cluster_name)), BOLD);
        let score = out.paint(&format!("{}/100", o.score), score_style(o.score));
        let risk = out.paint(o.risk_level.as_str(), risk_style(o.risk_level));
        out.wrapped(
            &format!("{name}  account {} · {} · score {score} · risk {risk}", plain(&c.account_id), plain(&c.region)),
            0,
        );
        let rule = out.paint(&"─".repeat(out.width.min(60)), DIM);
        out.line(&rule);
        let groups = by_rule(&view.findings);
        if groups.is_empty() {
            out.line("No finding.");
            out.line("");
            continue;
        }
        for (rule, list) in &groups {
            rule_block(out, rule, list, &compact);
        }
    }
}
