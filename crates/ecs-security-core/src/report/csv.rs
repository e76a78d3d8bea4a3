//! CSV for spreadsheets: one row per finding, RFC 4180 (written by the `csv` crate: a
//! header row, fields quoted when they hold a comma, quote or line break, CRLF not needed).
//!
//! Columns: `rule_id, title, severity, confidence, category, resource, resource_arn,
//! cluster, region, account_id, message, recommendation, compliance, evidence`. The
//! `compliance` cell is `framework:control` values joined with `; `, the `evidence` cell
//! `key=value` pairs joined with `; `.
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

/// Defuses a cell a spreadsheet would read as a formula.
pub fn guard(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() }
}

fn row(f: &FindingDto, report: &json::JsonReport) -> [String; 14] {
    let evidence: Vec<String> = f.evidence.iter().map(|(k, v)| format!("{k}={v}")).collect();
    [
        f.rule_id.to_owned(),
        f.title.to_owned(),
        f.severity.to_string(),
        confidence_name(f.confidence).to_owned(),
        f.category.to_string(),
        f.resource.clone(),
        f.resource_arn.clone().unwrap_or_default(),
        f.resource_path.cluster.clone().unwrap_or_else(|| report.cluster.clone()),
        report.region.clone(),
        report.account_id.clone().unwrap_or_default(),
        f.message.clone(),
        f.recommendation.to_owned(),
        f.compliance.join("; "),
        evidence.join("; "),
    ]
}

/// The findings of a view of the analysis as CSV.
pub fn render(full: &Analysis, filter: &Filter, opts: &ReportOptions) -> String {
    let report = json::build(full, filter, opts);
    let mut w = ::csv::Writer::from_writer(Vec::new());
    // Writing to memory fails only on I/O errors, which a Vec never has.
    let _ = w.write_record(COLUMNS);
    for f in &report.findings {
        let _ = w.write_record(row(f, &report).iter().map(|c| guard(c)));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
