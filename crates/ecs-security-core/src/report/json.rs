//! The JSON contract (report schema version 1). Later versions extend it, never break it:
//! fields are only added. Internal types are mapped into these DTOs so that refactoring the
//! engine cannot change the output by accident.

use std::collections::BTreeMap;

use serde::Serialize;

use super::ReportOptions;
use crate::compliance;
use crate::model::{Gap, ResourcePath};
use crate::rules::{Analysis, Category, Confidence, Evaluation, Filter, Finding, RiskLevel, Severity, SeverityCounts};
use crate::triage::{Baseline, BaselineState, EntrySummary, PriorFinding};

/// The version of the JSON report contract.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct JsonReport {
    pub schema_version: u32,
    pub tool: ToolInfo,
    pub cluster: String,
    pub cluster_arn: String,
    pub region: String,
    pub account_id: Option<String>,
    /// When the data was collected.
    pub collected_at: String,
    /// When this report was produced.
    pub generated_at: String,
    pub filters: Filter,
    pub summary: Summary,
    pub findings: Vec<FindingDto>,
    pub not_evaluated: Vec<NotEvaluated>,
    pub gaps: Vec<Gap>,
    /// AWS API calls made to collect the data, by `service:Operation`.
    pub api_calls: BTreeMap<String, u64>,
    /// Findings a suppression entry accepted, with the entry (only with a suppressions file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Vec<SuppressedDto>>,
    /// The suppressions file's expired and stale entries (only with a suppressions file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression_entries: Option<SuppressionEntries>,
    /// How the findings stand against a baseline report (only with a baseline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineDto>,
}

/// A suppressed finding: the finding and the entry that accepted it.
#[derive(Debug, Serialize)]
pub struct SuppressedDto {
    #[serde(flatten)]
    pub finding: FindingDto,
    pub suppression: EntrySummary,
}

#[derive(Debug, Serialize)]
pub struct SuppressionEntries {
    /// The file, as named on the command line or in `ECS_SECURITY_SUPPRESSIONS`.
    pub file: String,
    /// Entries past their `expires` date: they no longer apply.
    pub expired: Vec<EntrySummary>,
    /// Entries that matched no finding: remove them, or fix their criteria.
    pub stale: Vec<EntrySummary>,
}

#[derive(Debug, Serialize)]
pub struct BaselineDto {
    /// When the baseline's data was collected.
    pub collected_at: String,
    pub new: usize,
    pub unchanged: usize,
    pub updated: usize,
    /// Findings of the baseline that are gone.
    pub absent: Vec<PriorFinding>,
}

#[derive(Debug, Serialize)]
pub struct ToolInfo {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    /// 0–100 over the whole cluster (see docs/scoring.md).
    pub score: u8,
    /// From the most severe finding in the whole cluster.
    pub risk_level: RiskLevel,
    pub total_findings: usize,
    pub by_severity: SeverityCounts,
    pub by_category: BTreeMap<Category, usize>,
    /// Findings in this report after filters.
    pub shown_findings: usize,
    pub shown_by_severity: SeverityCounts,
    /// Applicable rules evaluated on complete data, in percent.
    pub coverage_percent: u8,
    pub rules: RuleCounts,
}

#[derive(Debug, Serialize)]
pub struct RuleCounts {
    pub total: usize,
    pub failed: usize,
    pub passed: usize,
    pub not_evaluated: usize,
    pub not_applicable: usize,
}

#[derive(Debug, Serialize)]
pub struct FindingDto {
    /// Stable across runs, new revisions and redeploys: `<rule-id>:<12 hex digits>`.
    pub id: String,
    pub rule_id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub confidence: Confidence,
    pub category: Category,
    pub domain: &'static str,
    /// The spec's display naming, e.g. `Container: webapp | Service: my-service`.
    pub resource: String,
    pub resource_kind: crate::model::ResourceKind,
    pub resource_name: String,
    pub resource_arn: Option<String>,
    pub resource_path: ResourcePath,
    pub message: String,
    pub recommendation: &'static str,
    pub evidence: BTreeMap<String, String>,
    /// Controls this finding fails, as `framework:control`.
    pub compliance: Vec<String>,
    pub references: &'static [&'static str],
    /// `new`, `unchanged` or `updated` against the baseline (only with a baseline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_state: Option<BaselineState>,
}

#[derive(Debug, Serialize)]
pub struct NotEvaluated {
    pub rule_id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    /// `not-evaluated` (the rule could not run) or `partial` (it ran on incomplete data).
    pub state: &'static str,
    pub reasons: Vec<String>,
    /// IAM actions to grant so the rule can be evaluated.
    pub permissions: Vec<String>,
}

/// Builds the report DTO for a view of the analysis.
pub fn build(full: &Analysis, filter: &Filter, opts: &ReportOptions) -> JsonReport {
    let view = full.filtered(filter);
    let baseline = full.triage.baseline.as_ref();
    let findings = view.findings.iter().map(|f| dto(f, baseline)).collect();
    let not_evaluated = view
        .not_evaluated()
        .filter(|r| filter.severity.allows(r.rule.severity))
        .map(|r| {
            let state = match r.evaluation {
                Evaluation::Partial { .. } => "partial",
                _ => "not-evaluated",
            };
            let mut permissions: Vec<String> = r.gaps().iter().flat_map(|g| g.permissions.clone()).collect();
            permissions.sort();
            permissions.dedup();
            NotEvaluated {
                rule_id: r.rule.id,
                title: r.rule.title,
                severity: r.rule.severity,
                state,
                reasons: r.gaps().iter().map(|g| format!("{}: {}", g.source.label(), g.reason)).collect(),
                permissions,
            }
        })
        .collect();
    let o = &full.overall;
    JsonReport {
        schema_version: REPORT_SCHEMA_VERSION,
        tool: ToolInfo { name: crate::TOOL_NAME, version: crate::TOOL_VERSION },
        cluster: full.cluster_name.clone(),
        cluster_arn: full.cluster_arn.clone(),
        region: full.region.clone(),
        account_id: full.account_id.clone(),
        collected_at: full.collected_at.clone(),
        generated_at: opts.generated_at.clone(),
        filters: filter.clone(),
        summary: Summary {
            score: o.score,
            risk_level: o.risk_level,
            total_findings: o.total_findings,
            by_severity: o.by_severity,
            by_category: o.by_category.clone(),
            shown_findings: view.findings.len(),
            shown_by_severity: view.counts(),
            coverage_percent: o.coverage_percent,
            rules: RuleCounts {
                total: full.results.len(),
                failed: o.rules_failed,
                passed: o.rules_passed,
                not_evaluated: o.rules_not_evaluated,
                not_applicable: o.rules_not_applicable,
            },
        },
        findings,
        not_evaluated,
        gaps: full.gaps.clone(),
        api_calls: full.stats.api_calls.clone(),
        suppressed: full.triage.has_suppressions().then(|| {
            view.triage
                .suppressed
                .iter()
                .map(|s| SuppressedDto { finding: dto(&s.finding, baseline), suppression: s.entry.clone() })
                .collect()
        }),
        suppression_entries: full.triage.suppressions.as_ref().map(|file| SuppressionEntries {
            file: file.clone(),
            expired: full.triage.expired.clone(),
            stale: full.triage.stale.clone(),
        }),
        baseline: baseline.map(|b| {
            let count = |s: BaselineState| b.states.values().filter(|v| **v == s).count();
            BaselineDto {
                collected_at: b.collected_at.clone(),
                new: count(BaselineState::New),
                unchanged: count(BaselineState::Unchanged),
                updated: count(BaselineState::Updated),
                absent: b.absent.clone(),
            }
        }),
    }
}

fn dto(f: &Finding, baseline: Option<&Baseline>) -> FindingDto {
    FindingDto {
        id: f.id.clone(),
        rule_id: f.rule.id,
        title: f.rule.title,
        severity: f.severity,
        confidence: f.confidence,
        category: f.rule.category,
        domain: f.rule.domain.as_str(),
        resource: f.resource.to_string(),
        resource_kind: f.resource.kind,
        resource_name: f.resource.name.clone(),
        resource_arn: f.resource.arn.clone(),
        resource_path: f.resource.path.clone(),
        message: f.message.clone(),
        recommendation: f.rule.remediation.summary,
        evidence: f.evidence.iter().map(|e| (e.key.clone(), e.value.clone())).collect(),
        compliance: compliance::controls_for_finding(f),
        references: f.rule.references,
        baseline_state: baseline.and_then(|b| b.state(&f.id)),
    }
}

/// The report as pretty JSON.
pub fn render(full: &Analysis, filter: &Filter, opts: &ReportOptions) -> String {
    // Serialising these plain DTOs cannot fail.
    serde_json::to_string_pretty(&build(full, filter, opts)).unwrap_or_default() // ok: infallible
}
