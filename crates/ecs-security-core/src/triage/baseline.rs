//! Baselines: an earlier JSON report of ours, and how each current finding stands against it
//! (new, unchanged, updated when only its severity changed, absent when it is gone).
//!
//! Findings are matched by their stable id (`rules::identity`). An active finding is known
//! only if it was active in the earlier report: one that was suppressed then and is active
//! now (its entry expired or was removed) is new, so an expiry is noticed with `--new-only`.
//! A suppressed finding is known if the earlier report had it at all.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::rules::{Analysis, Severity};

/// The parts of a JSON report (schema version 1) a baseline and a diff read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorReport {
    pub schema_version: u32,
    pub cluster: String,
    #[serde(default)]
    pub cluster_arn: String,
    pub region: String,
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub collected_at: String,
    pub summary: PriorSummary,
    pub findings: Vec<PriorFinding>,
    /// Findings a suppression entry accepted (reports written with a suppressions file).
    #[serde(default)]
    pub suppressed: Vec<PriorFinding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorSummary {
    pub score: u8,
    pub coverage_percent: u8,
    pub total_findings: usize,
}

/// A finding as a report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorFinding {
    pub id: String,
    pub rule_id: String,
    pub severity: Severity,
    /// The display name, e.g. `Container: web | Service: api`.
    pub resource: String,
    #[serde(default)]
    pub resource_arn: Option<String>,
    pub message: String,
}

/// Why a file is not a usable report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReportError(pub String);

impl PriorReport {
    /// Reads a JSON report written by `--format json`.
    pub fn parse(text: &str) -> Result<PriorReport, ReportError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let r: PriorReport = serde_path_to_error::deserialize(de).map_err(|e| {
            let at = e.path().to_string();
            ReportError(format!(
                "not a JSON report of ecs-security-mcp (write one with --format json): {}{}",
                crate::text::plain(&e.inner().to_string()),
                if at == "." { String::new() } else { format!(" at {at}") }
            ))
        })?;
        if r.schema_version != crate::report::json::REPORT_SCHEMA_VERSION {
            return Err(ReportError(format!(
                "the report has schema_version {}; this version reads {}",
                r.schema_version,
                crate::report::json::REPORT_SCHEMA_VERSION
            )));
        }
        Ok(r)
    }

    /// The report an analysis would write (its active findings, whatever the filter).
    pub fn of(a: &Analysis) -> PriorReport {
        PriorReport {
            schema_version: crate::report::json::REPORT_SCHEMA_VERSION,
            cluster: a.cluster_name.clone(),
            cluster_arn: a.cluster_arn.clone(),
            region: a.region.clone(),
            account_id: a.account_id.clone(),
            collected_at: a.collected_at.clone(),
            summary: PriorSummary {
                score: a.overall.score,
                coverage_percent: a.overall.coverage_percent,
                total_findings: a.findings.len(),
            },
            findings: a.findings.iter().map(PriorFinding::of).collect(),
            suppressed: a.triage.suppressed.iter().map(|s| PriorFinding::of(&s.finding)).collect(),
        }
    }
}

impl PriorFinding {
    pub fn of(f: &crate::rules::Finding) -> PriorFinding {
        PriorFinding {
            id: f.id.clone(),
            rule_id: f.rule.id.to_owned(),
            severity: f.severity,
            resource: f.resource.to_string(),
            resource_arn: f.resource.arn.clone(),
            message: f.message.clone(),
        }
    }
}

/// SARIF's `baselineState` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    New,
    Unchanged,
    /// Present in both, with another severity.
    Updated,
    Absent,
}

impl BaselineState {
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
            BaselineState::Updated => "updated",
            BaselineState::Absent => "absent",
        }
    }
}

/// How the current findings stand against a baseline report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Baseline {
    /// When the baseline's data was collected.
    pub collected_at: String,
    /// The state of each current finding (active and suppressed), by finding id.
    pub states: BTreeMap<String, BaselineState>,
    /// Findings of the baseline that are gone.
    pub absent: Vec<PriorFinding>,
}

impl Baseline {
    pub fn state(&self, finding_id: &str) -> Option<BaselineState> {
        self.states.get(finding_id).copied()
    }

    /// How many current findings are new.
    pub fn new_count(&self) -> usize {
        self.states.values().filter(|s| **s == BaselineState::New).count()
    }
}

/// Classifies the findings of `analysis` (after suppressions) against `prior` and records
/// the result in `analysis.triage.baseline`.
pub fn apply(analysis: &mut Analysis, prior: &PriorReport) {
    let active: BTreeMap<&str, &PriorFinding> = prior.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut any = active.clone();
    any.extend(prior.suppressed.iter().map(|f| (f.id.as_str(), f)));
    let current = analysis.findings.iter().map(|f| (f, &active));
    let suppressed = analysis.triage.suppressed.iter().map(|s| (&s.finding, &any));
    let mut states = BTreeMap::new();
    for (f, known) in current.chain(suppressed) {
        let state = match known.get(f.id.as_str()) {
            None => BaselineState::New,
            Some(p) if p.severity != f.severity => BaselineState::Updated,
            Some(_) => BaselineState::Unchanged,
        };
        states.insert(f.id.clone(), state);
    }
    let absent = prior.findings.iter().filter(|p| !states.contains_key(&p.id)).cloned().collect();
    // (A finding suppressed in the baseline and gone now is not listed: it was never active.)
    analysis.triage.baseline = Some(Baseline { collected_at: prior.collected_at.clone(), states, absent });
}
