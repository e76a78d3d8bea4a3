//! Report formats. Each is a pure function of an analysis, a filter and options; the
//! counts in every format come from the same analysis, so they agree.

pub mod budget;
pub mod catalog;
pub mod clusters;
pub mod compliance;
pub mod csv;
pub mod detailed;
pub mod digest;
pub mod drill;
pub mod executive;
pub mod fleet;
pub mod fleet_exports;
pub mod fleet_html;
pub mod fleet_terminal;
pub mod html;
pub mod json;
pub mod junit;
pub mod lint;
pub mod ocsf;
mod people;
pub mod recommendations;
pub mod reference;
pub mod sarif;
pub mod summary;
pub mod terminal;

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::rules::{Analysis, Filter, RiskLevel, Severity, SeverityCounts};

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Score, risk, counts, top issues and quick actions (Markdown).
    Summary,
    /// Every finding grouped by domain with implementation guidance (Markdown).
    Detailed,
    /// The machine-readable JSON contract.
    Json,
    /// Risk, business impact and compliance posture for management (Markdown).
    Executive,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// One self-contained HTML page for people: charts, compliance, every finding and its fix.
    Html,
    /// OCSF 1.3.0 Detection Findings (class 2004), a JSON array for security data lakes.
    Ocsf,
    /// One row per finding (RFC 4180), for spreadsheets.
    Csv,
    /// JUnit XML: one test case per rule and resource, failures for findings (CI dashboards).
    Junit,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Summary,
        Format::Detailed,
        Format::Json,
        Format::Executive,
        Format::Sarif,
        Format::Html,
        Format::Ocsf,
        Format::Csv,
        Format::Junit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Summary => "summary",
            Format::Detailed => "detailed",
            Format::Json => "json",
            Format::Executive => "executive",
            Format::Sarif => "sarif",
            Format::Html => "html",
            Format::Ocsf => "ocsf",
            Format::Csv => "csv",
            Format::Junit => "junit",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL.into_iter().find(|f| f.as_str().eq_ignore_ascii_case(s.trim())).ok_or_else(|| {
            let valid: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
            format!("unknown report format {s:?}; valid values: {}", valid.join(", "))
        })
    }
}

/// Options shared by every format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportOptions {
    /// Show every finding with its evidence instead of the top ones.
    pub show_details: bool,
    /// The report's creation time (RFC 3339); the caller reads the clock, not the report.
    pub generated_at: String,
}

/// Renders a report of `full` seen through `filter`.
pub fn render(format: Format, full: &Analysis, filter: &Filter, opts: &ReportOptions) -> String {
    match format {
        Format::Summary => summary::render(full, filter, opts),
        Format::Detailed => detailed::render(full, filter, opts),
        Format::Json => json::render(full, filter, opts),
        Format::Executive => executive::render(full, filter, opts),
        Format::Sarif => sarif::render(full, filter, opts),
        Format::Html => html::render(full, filter, opts),
        Format::Ocsf => ocsf::render(full, filter, opts),
        Format::Csv => csv::render(full, filter, opts),
        Format::Junit => junit::render(full, filter, opts),
    }
}

pub(crate) fn severity_icon(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🔴",
        Severity::High => "🟠",
        Severity::Medium => "🟡",
        Severity::Low => "🔵",
    }
}

pub(crate) fn risk_icon(r: RiskLevel) -> &'static str {
    match r {
        RiskLevel::Critical => "🔴",
        RiskLevel::High => "🟠",
        RiskLevel::Medium => "🟡",
        RiskLevel::Low => "🔵",
        RiskLevel::Minimal => "🟢",
    }
}

/// `42 (5 Critical, 12 High, 20 Medium, 5 Low)`.
pub(crate) fn counts_line(c: &SeverityCounts) -> String {
    format!("{} ({} Critical, {} High, {} Medium, {} Low)", c.total(), c.critical, c.high, c.medium, c.low)
}

/// A sentence describing an active filter, or `None`.
pub(crate) fn filter_line(filter: &Filter, shown: usize, total: usize) -> Option<String> {
    if filter.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    match &filter.severity {
        crate::rules::SeverityFilter::All => {}
        crate::rules::SeverityFilter::AtLeast(s) => parts.push(format!("severity {s} and above")),
        crate::rules::SeverityFilter::Only(set) => {
            let names: Vec<&str> = set.iter().map(|s| s.as_str()).collect();
            parts.push(format!("severity {}", names.join(" or ")));
        }
    }
    if !filter.categories.is_empty() {
        let names: Vec<&str> = filter.categories.iter().map(|c| c.as_str()).collect();
        parts.push(format!("category {}", names.join(" or ")));
    }
    Some(format!(
        "Filtered to {}: showing {shown} of {total} findings. Score and risk level cover the whole cluster.",
        parts.join(", ")
    ))
}

/// The header block shared by the Markdown formats.
pub(crate) fn header(title: &str, full: &Analysis, filter: &Filter, shown: usize) -> String {
    use crate::text::md;
    let o = &full.overall;
    let mut s = format!("# 🛡️ {title}: {}\n\n", md(&full.cluster_name));
    s.push_str("| | |\n|---|---|\n");
    let account = full.account_id.as_deref().map(|a| format!(", account {}", md(a))).unwrap_or_default();
    s.push_str(&format!("| Cluster | {} ({}{account}) |\n", md(&full.cluster_name), md(&full.region)));
    s.push_str(&format!("| Data collected | {} |\n", md(&full.collected_at)));
    s.push_str(&format!("| Security score | **{}/100** |\n", o.score));
    s.push_str(&format!("| Risk level | {} **{}** |\n", risk_icon(o.risk_level), o.risk_level.as_str()));
    s.push_str(&format!("| Findings | {} |\n", counts_line(&o.by_severity)));
    let applicable = full.results.len() - o.rules_not_applicable;
    let complete = applicable - o.rules_not_evaluated.min(applicable);
    s.push_str(&format!(
        "| Coverage | {} of {applicable} applicable rules evaluated on complete data ({}%) |\n",
        complete.min(applicable),
        o.coverage_percent
    ));
    if let Some(line) = filter_line(filter, shown, o.total_findings) {
        s.push_str(&format!("\n> {line}\n"));
    }
    s.push('\n');
    s
}

/// The "coverage gaps" section: rules not (fully) evaluated and the permissions to add.
pub(crate) fn coverage_section(view: &Analysis) -> String {
    use crate::text::md;
    let missing: Vec<_> = view.not_evaluated().collect();
    if missing.is_empty() {
        return String::new();
    }
    let mut s = String::from("## ⚠️ Coverage gaps\n\n");
    s.push_str("These rules could not be evaluated on complete data. They are **not** counted as passed.\n\n");
    for r in missing {
        let state = match r.evaluation {
            crate::rules::Evaluation::Partial { .. } => "partially evaluated",
            _ => "not evaluated",
        };
        let mut perms: Vec<String> = r.gaps().iter().flat_map(|g| g.permissions.clone()).collect();
        perms.sort();
        perms.dedup();
        let reasons: Vec<String> = r.gaps().iter().map(|g| md(&g.reason)).collect();
        // A file's unknowns have no permission that would bring the data.
        let grant = match perms.is_empty() {
            true => String::new(),
            false => format!(" Grant: {}", perms.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")),
        };
        s.push_str(&format!("- **{}** ({}, {state}): {}.{grant}\n", r.rule.title, r.rule.id, reasons.join("; ")));
    }
    s.push('\n');
    s
}

/// Suppressed findings (with the reason that accepts each), expired and stale suppression
/// entries, and the baseline comparison: empty when no triage ran. Every reason, owner and
/// criterion is written by a person in a file, so it is escaped like AWS text.
pub(crate) fn triage_section(view: &Analysis) -> String {
    use crate::text::md;
    let t = &view.triage;
    let mut s = String::new();
    if let Some(b) = &t.baseline {
        let count = |st: crate::triage::BaselineState| b.states.values().filter(|v| **v == st).count();
        use crate::triage::BaselineState as B;
        s.push_str(&format!(
            "## 🆕 Since the baseline ({})\n\n{} new, {} unchanged, {} with another severity, {} gone (fixed or no longer present).\n\n",
            md(&b.collected_at),
            count(B::New),
            count(B::Unchanged),
            count(B::Updated),
            b.absent.len()
        ));
        let new: Vec<_> = view.findings.iter().filter(|f| b.state(&f.id) == Some(B::New)).collect();
        for f in new.iter().take(20) {
            s.push_str(&format!(
                "- {} **{}** new: {}: {} (`{}`)\n",
                severity_icon(f.severity),
                f.severity,
                f.rule.title,
                md(&f.resource.to_string()),
                md(&f.id)
            ));
        }
        if new.len() > 20 {
            s.push_str(&format!("- …and {} more new findings\n", new.len() - 20));
        }
        if !new.is_empty() {
            s.push('\n');
        }
    }
    let Some(file) = &t.suppressions else {
        return s;
    };
    if !t.suppressed.is_empty() {
        s.push_str(&format!(
            "## 🔕 Suppressed findings ({})\n\nAccepted in {}; not counted in the score or the risk level.\n\n",
            t.suppressed.len(),
            md(file)
        ));
        for x in &t.suppressed {
            let f = &x.finding;
            let e = &x.entry;
            let mut who = Vec::new();
            if let Some(o) = &e.owner {
                who.push(format!("owner {}", md(o)));
            }
            if let Some(d) = &e.expires {
                who.push(format!("until {}", md(d)));
            }
            who.push(format!("entry {} at line {}", e.entry, e.line));
            s.push_str(&format!(
                "- {} **{}** · {}: {} (`{}`)\n  Reason: {} ({})\n",
                severity_icon(f.severity),
                f.severity,
                f.rule.title,
                md(&f.resource.to_string()),
                md(&f.id),
                md(&e.reason),
                who.join(", ")
            ));
        }
        s.push('\n');
    }
    if !t.expired.is_empty() || !t.stale.is_empty() {
        s.push_str("## ⏰ Suppression entries to review\n\n");
        for (what, list) in [("Expired", &t.expired), ("Stale (matched nothing)", &t.stale)] {
            for e in list {
                let until = e.expires.as_deref().map(|d| format!(", expired after {}", md(d))).unwrap_or_default();
                s.push_str(&format!(
                    "- **{what}**: entry {} at line {} ({}){until}. Reason: {}\n",
                    e.entry,
                    e.line,
                    md(&e.matches),
                    md(&e.reason)
                ));
            }
        }
        s.push('\n');
    }
    s
}
