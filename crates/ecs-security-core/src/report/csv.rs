//! CSV for spreadsheets: one row per finding, RFC 4180 (written by the `csv` crate: a
//! header row, fields quoted when they hold a comma, quote or line break, CRLF not needed).
//!
//! Columns: `rule_id, title, severity, confidence, category, resource, resource_arn,
//! cluster, region, account_id, message, recommendation, compliance, evidence`. The
//! `compliance` cell is `framework:control` values joined with `; `, the `evidence` cell
//! `key=value` pairs joined with `; `.
//!
//! With a suppressions file or a baseline, five columns follow: `status` (`active` or
//! `suppressed`), `baseline_state`, `suppression_reason`, `suppression_owner` and
//! `suppression_expires`, and suppressed findings get rows of their own.
//!
//! **Formula injection.** Spreadsheets run a cell that starts with `=`, `+`, `-` or `@`
//! (and some treat a leading tab or carriage return the same way) as a formula, and AWS
//! names and tags are attacker-controlled. Such a cell gets a leading apostrophe (`'`),
//! which spreadsheets display as text; nothing else in the cell changes, so the exact value
//! is the cell without that first apostrophe. Other text is kept exactly as the JSON report
//! has it (this is data, not a terminal rendering).

use super::ReportOptions;
use super::json::{self, FindingDto};
use super::people::confidence_name;
use crate::rules::{Analysis, Filter};

/// The header row.
pub const COLUMNS: [&str; 14] = [
    "rule_id",
    "title",
    "severity",
    "confidence",
    "category",
    "resource",
    "resource_arn",
    "cluster",
    "region",
    "account_id",
    "message",
    "recommendation",
    "compliance",
    "evidence",
];

/// The columns added with a suppressions file or a baseline.
pub const TRIAGE_COLUMNS: [&str; 5] =
    ["status", "baseline_state", "suppression_reason", "suppression_owner", "suppression_expires"];

/// Defuses a cell a spreadsheet would read as a formula.
pub fn guard(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() }
}

/// The [`COLUMNS`] of a finding found in `cluster` of `account` in `region`.
pub(super) fn row(f: &FindingDto, cluster: &str, region: &str, account: &str) -> [String; 14] {
    let evidence: Vec<String> = f.evidence.iter().map(|(k, v)| format!("{k}={v}")).collect();
    [
        f.rule_id.to_owned(),
        f.title.to_owned(),
        f.severity.to_string(),
        confidence_name(f.confidence).to_owned(),
        f.category.to_string(),
        f.resource.clone(),
        f.resource_arn.clone().unwrap_or_default(),
        f.resource_path.cluster.clone().unwrap_or_else(|| cluster.to_owned()),
        region.to_owned(),
        account.to_owned(),
        f.message.clone(),
        f.recommendation.to_owned(),
        f.compliance.join("; "),
        evidence.join("; "),
    ]
}

/// The findings of a view of the analysis as CSV.
pub fn render(full: &Analysis, filter: &Filter, opts: &ReportOptions) -> String {
    let report = json::build(full, filter, opts);
    let account = report.account_id.clone().unwrap_or_default();
    let row = |f: &FindingDto| row(f, &report.cluster, &report.region, &account);
    let mut w = ::csv::Writer::from_writer(Vec::new());
    // Writing to memory fails only on I/O errors, which a Vec never has.
    let triage = report.suppressed.is_some() || report.baseline.is_some();
    if !triage {
        let _ = w.write_record(COLUMNS);
        for f in &report.findings {
            let _ = w.write_record(row(f).iter().map(|c| guard(c)));
        }
    } else {
        let _ = w.write_record(COLUMNS.iter().chain(&TRIAGE_COLUMNS));
        let state = |f: &FindingDto| f.baseline_state.map(|s| s.as_str().to_owned()).unwrap_or_default();
        for f in &report.findings {
            let extra = ["active".to_owned(), state(f), String::new(), String::new(), String::new()];
            let _ = w.write_record(row(f).iter().chain(&extra).map(|c| guard(c)));
        }
        for x in report.suppressed.iter().flatten() {
            let e = &x.suppression;
            let extra = [
                "suppressed".to_owned(),
                state(&x.finding),
                e.reason.clone(),
                e.owner.clone().unwrap_or_default(),
                e.expires.clone().unwrap_or_default(),
            ];
            let _ = w.write_record(row(&x.finding).iter().chain(&extra).map(|c| guard(c)));
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
