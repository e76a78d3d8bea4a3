//! The terminal rendering for people: a one-screen summary (score, risk, counts by
//! severity, the rules to fix first), then every finding grouped by rule, most severe
//! first, with aligned columns, wrapped to the terminal's width.
//!
//! The caller decides the width and whether to colour (TTY, `NO_COLOR`, `--color`). AWS
//! text is shown unescaped (no Markdown) but through [`crate::text::plain`]: control
//! characters and escape sequences are removed and long values cut, so nothing from AWS
//! can move the cursor, set a title or make a link. With `color: false` the output holds
//! no escape byte at all. Lines fit the width, except AWS CLI commands (shown with
//! `show_details`), which are never wrapped so that they copy whole.

use anstyle::{AnsiColor, Effects, Style};
use textwrap::core::display_width;

use super::people::{by_rule, evaluation_state, permissions};
use super::{ReportOptions, filter_line};
use crate::rules::{Analysis, Filter, Finding, RiskLevel, Rule, Severity};
use crate::text::plain;

/// How to lay out the terminal rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalOptions {
    /// Columns to wrap to (at least 40 are used).
    pub width: usize,
    /// Colour with ANSI SGR sequences.
    pub color: bool,
}

impl Default for TerminalOptions {
    fn default() -> TerminalOptions {
        TerminalOptions { width: 100, color: false }
    }
}

/// Rules listed in the summary.
const TOP_RULES: usize = 10;

/// The text being written, with the layout it is written to (shared with the fleet view).
pub(super) struct Out {
    pub(super) text: String,
    pub(super) width: usize,
    pub(super) color: bool,
}

impl Out {
    pub(super) fn new(term: &TerminalOptions) -> Out {
        Out { text: String::new(), width: term.width.max(40), color: term.color }
    }

    pub(super) fn paint(&self, text: &str, style: Style) -> String {
        if self.color { format!("{}{text}{}", style.render(), style.render_reset()) } else { text.to_owned() }
    }

    pub(super) fn line(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
    }

    /// `text` wrapped at the width, every line indented by `indent` spaces.
    pub(super) fn wrapped(&mut self, text: &str, indent: usize) {
        let pad = " ".repeat(indent);
        let o = textwrap::Options::new(self.width)
            .initial_indent(&pad)
            .subsequent_indent(&pad)
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        for l in textwrap::wrap(text, o) {
            self.line(&l);
        }
    }

    /// A label (`painted`, `label_width` columns wide), then `text` wrapped so that its
    /// continuation lines align after the label; on a terminal too narrow for that, the
    /// text goes below the label.
    pub(super) fn labelled(&mut self, painted: &str, label_width: usize, text: &str) {
        if label_width + 16 > self.width {
            self.line(painted.trim_end());
            self.wrapped(text, 4);
            return;
        }
        let pad = " ".repeat(label_width);
        let o = textwrap::Options::new(self.width)
            .initial_indent(&pad)
            .subsequent_indent(&pad)
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        for (i, l) in textwrap::wrap(text, o).iter().enumerate() {
            match (i, l.strip_prefix(pad.as_str())) {
                (0, Some(rest)) => self.line(&format!("{painted}{rest}")),
                _ => self.line(l),
            }
        }
    }

    /// A summary field: `  Name      value`, the value wrapped under itself.
    pub(super) fn field(&mut self, name: &str, value: &str) {
        let label = format!("  {name:<10}");
        self.labelled(&label, display_width(&label), value);
    }
}

pub(super) fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Critical => Style::new().fg_color(Some(AnsiColor::BrightRed.into())).effects(Effects::BOLD),
        Severity::High => Style::new().fg_color(Some(AnsiColor::Red.into())),
        Severity::Medium => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        Severity::Low => Style::new().fg_color(Some(AnsiColor::Blue.into())),
    }
}

pub(super) fn risk_style(r: RiskLevel) -> Style {
    match r {
        RiskLevel::Critical => severity_style(Severity::Critical),
        RiskLevel::High => severity_style(Severity::High),
        RiskLevel::Medium => severity_style(Severity::Medium),
        RiskLevel::Low => severity_style(Severity::Low),
        RiskLevel::Minimal => Style::new().fg_color(Some(AnsiColor::Green.into())),
    }
}

pub(super) fn score_style(score: u8) -> Style {
    let colour = match score {
        80.. => AnsiColor::Green,
        50..80 => AnsiColor::Yellow,
        _ => AnsiColor::Red,
    };
    Style::new().fg_color(Some(colour.into())).effects(Effects::BOLD)
}

pub(super) const BOLD: Style = Style::new().effects(Effects::BOLD);
pub(super) const DIM: Style = Style::new().effects(Effects::DIMMED);

/// Renders the terminal view of `full` seen through `filter`.
pub fn render(full: &Analysis, filter: &Filter, opts: &ReportOptions, term: &TerminalOptions) -> String {
    let view = full.filtered(filter);
    let mut out = Out::new(term);
    summary(&mut out, full, &view, filter);
    let groups = by_rule(&view.findings);
    if !groups.is_empty() {
        let title = out.paint("Findings", BOLD);
        out.line(&title);
        out.line("");
    }
    for (rule, findings) in &groups {
        rule_block(&mut out, rule, findings, opts);
    }
    gaps(&mut out, &view);
    triage(&mut out, &view);
    out.text
}

fn summary(out: &mut Out, full: &Analysis, view: &Analysis, filter: &Filter) {
    let o = &full.overall;
    let account = full.account_id.as_deref().map(|a| format!(", account {}", plain(a))).unwrap_or_default();
    let head = format!("ECS security report: {}", plain(&full.cluster_name));
    let head = out.paint(&head, BOLD);
    out.line(&head);
    let sub = format!("{}{account} · data collected {}", plain(&full.region), plain(&full.collected_at));
    out.wrapped(&sub, 0);
    out.line("");
    let score = out.paint(&format!("{}/100", o.score), score_style(o.score));
    let risk = out.paint(o.risk_level.as_str(), risk_style(o.risk_level));
    out.field("Score", &format!("{score}   Risk {risk}"));
    let counts: Vec<String> = Severity::ALL
        .iter()
        .map(|&s| {
            let n = o.by_severity.get(s);
            let text = format!("{n} {}", s.as_str().to_lowercase());
            if n > 0 { out.paint(&text, severity_style(s)) } else { text }
        })
        .collect();
    out.field("Findings", &format!("{}   {}", o.total_findings, counts.join("  ")));
    let applicable = full.results.len() - o.rules_not_applicable;
    out.field(
        "Rules",
        &format!(
            "{} failed, {} passed, {} not evaluated, {} not applicable",
            o.rules_failed, o.rules_passed, o.rules_not_evaluated, o.rules_not_applicable
        ),
    );
    out.field(
        "Coverage",
        &format!("{}% of {applicable} applicable rules evaluated on complete data", o.coverage_percent),
    );
    if let Some(line) = filter_line(filter, view.findings.len(), o.total_findings) {
        out.line("");
        out.wrapped(&line, 2);
    }
    out.line("");
    let groups = by_rule(&view.findings);
    if groups.is_empty() {
        let none = if filter.is_empty() {
            "No findings in the data that could be evaluated."
        } else {
            "No finding matches the filter."
        };
        let none = out.paint(none, Style::new().fg_color(Some(AnsiColor::Green.into())));
        out.line(&none);
        out.line("");
        return;
    }
    let title = out.paint("Fix first", BOLD);
    out.line(&title);
    for (rule, findings) in groups.iter().take(TOP_RULES) {
        let severity = top_severity(rule, findings);
        let label = format!("{:<8}", severity.as_str());
        let count = format!("{:>4}  ", findings.len());
        let painted = format!("  {}  {count}", out.paint(&label, severity_style(severity)));
        let text = format!("{}  {}", rule.title, out.paint(rule.id, DIM));
        out.labelled(&painted, 4 + label.len() + count.len(), &text);
    }
    if groups.len() > TOP_RULES {
        out.line(&format!("  … and {} more rules with findings below", groups.len() - TOP_RULES));
    }
    out.line("");
}

pub(super) fn top_severity(rule: &Rule, findings: &[&Finding]) -> Severity {
    findings.iter().map(|f| f.severity).max().unwrap_or(rule.severity)
}

pub(super) fn rule_block(out: &mut Out, rule: &Rule, findings: &[&Finding], opts: &ReportOptions) {
    let severity = top_severity(rule, findings);
    let label = severity.as_str().to_uppercase();
    let painted = format!("{} ", out.paint(&label, severity_style(severity)));
    let title = out.paint(rule.title, BOLD);
    out.labelled(&painted, label.len() + 1, &title);
    let meta = format!("{} · {} · {} resource(s)", rule.id, rule.category, findings.len());
    let meta = out.paint(&meta, DIM);
    out.wrapped(&meta, 2);
    for f in findings {
        let name = plain(&f.resource.to_string());
        let bullet = if f.severity == severity { "•".to_owned() } else { f.severity.as_str().to_owned() };
        let bullet_painted = out.paint(&bullet, severity_style(f.severity));
        out.labelled(&format!("  {bullet_painted} "), 3 + display_width(&bullet), &name);
        out.wrapped(&plain(&f.message), 6);
        if opts.show_details {
            if let Some(arn) = &f.resource.arn {
                out.wrapped(&format!("arn: {}", plain(arn)), 6);
            }
            for e in &f.evidence {
                out.wrapped(&format!("{}: {}", plain(&e.key), plain(&e.value)), 6);
            }
        }
    }
    let fix = out.paint("Fix:", BOLD);
    out.labelled(&format!("  {fix} "), 7, rule.remediation.summary);
    if opts.show_details {
        for (i, step) in rule.remediation.steps.iter().enumerate() {
            out.wrapped(&format!("{}. {step}", i + 1), 7);
        }
        for l in rule.remediation.cli.lines() {
            let l = out.paint(&format!("$ {l}"), DIM);
            out.line(&format!("       {l}"));
        }
    }
    out.line("");
}

fn gaps(out: &mut Out, view: &Analysis) {
    let missing: Vec<_> = view.not_evaluated().collect();
    if missing.is_empty() {
        return;
    }
    let title = out.paint("Coverage gaps (not counted as passed)", BOLD);
    out.line(&title);
    for r in missing {
        let reasons: Vec<String> = r.gaps().iter().map(|g| plain(&g.reason)).collect();
        out.wrapped(&format!("{} ({}): {}", r.rule.id, evaluation_state(r), reasons.join("; ")), 2);
        out.wrapped(&format!("grant: {}", permissions(r).join(", ")), 4);
    }
    out.line("");
}

/// Baseline counts, suppressed findings with their reasons, expired and stale entries.
fn triage(out: &mut Out, view: &Analysis) {
    use crate::triage::BaselineState as B;
    let t = &view.triage;
    if let Some(b) = &t.baseline {
        let count = |s: B| b.states.values().filter(|v| **v == s).count();
        let title = out.paint("Since the baseline", BOLD);
        out.line(&title);
        out.wrapped(
            &format!(
                "{} new, {} unchanged, {} with another severity, {} gone (baseline collected {})",
                count(B::New),
                count(B::Unchanged),
                count(B::Updated),
                b.absent.len(),
                plain(&b.collected_at)
            ),
            2,
        );
        out.line("");
    }
    let Some(file) = &t.suppressions else {
        return;
    };
    if !t.suppressed.is_empty() {
        let title = out.paint(&format!("Suppressed ({}, not counted in the score)", t.suppressed.len()), BOLD);
        out.line(&title);
        for s in &t.suppressed {
            let f = &s.finding;
            out.wrapped(&format!("{} {} {}", f.severity.as_str(), f.rule.id, plain(&f.resource.to_string())), 2);
            out.wrapped(&format!("reason: {}", plain(&s.entry.reason)), 6);
            let mut who = vec![format!("{} in {}", plain(&s.entry.to_string()), plain(file))];
            if let Some(o) = &s.entry.owner {
                who.push(format!("owner {}", plain(o)));
            }
            if let Some(d) = &s.entry.expires {
                who.push(format!("until {}", plain(d)));
            }
            let who = out.paint(&who.join(", "), DIM);
            out.wrapped(&who, 6);
        }
        out.line("");
    }
    if !t.expired.is_empty() || !t.stale.is_empty() {
        let title = out.paint("Suppression entries to review", BOLD);
        out.line(&title);
        for (what, list) in [("expired", &t.expired), ("stale, matched nothing", &t.stale)] {
            for e in list {
                out.wrapped(&format!("{what}: {}; reason: {}", plain(&e.to_string()), plain(&e.reason)), 2);
            }
        }
        out.line("");
    }
}
