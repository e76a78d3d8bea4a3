//! Compliance frameworks as tables of controls mapped to rule ids.
//!
//! A control fails when any of its rules has a finding; it is "not evaluated" when none
//! failed but one could not be evaluated on complete data; it passes only when every
//! applicable rule ran on complete data and found nothing; and it is "not applicable" when
//! none of its rules had anything to examine. A control is never "pass" on missing data.

mod aws_foundational;
mod hipaa;
mod pci_dss;
mod soc2;

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::rules::{Analysis, RuleStatus, Severity};

/// A supported framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Framework {
    AwsFoundational,
    PciDss,
    Hipaa,
    Soc2,
}

impl Framework {
    pub const ALL: [Framework; 4] = [Framework::AwsFoundational, Framework::PciDss, Framework::Hipaa, Framework::Soc2];

    pub fn id(self) -> &'static str {
        match self {
            Framework::AwsFoundational => "aws-foundational",
            Framework::PciDss => "pci-dss",
            Framework::Hipaa => "hipaa",
            Framework::Soc2 => "soc2",
        }
    }

    pub fn definition(self) -> &'static FrameworkDef {
        match self {
            Framework::AwsFoundational => &aws_foundational::FRAMEWORK,
            Framework::PciDss => &pci_dss::FRAMEWORK,
            Framework::Hipaa => &hipaa::FRAMEWORK,
            Framework::Soc2 => &soc2::FRAMEWORK,
        }
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Framework {
    type Err = String;

    fn from_str(s: &str) -> Result<Framework, String> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        let alias = match wanted.as_str() {
            "fsbp" | "aws-fsbp" | "aws-foundational-security-best-practices" => "aws-foundational",
            "pci" | "pcidss" | "pci-dss-4.0" => "pci-dss",
            "soc-2" => "soc2",
            other => other,
        };
        Framework::ALL.into_iter().find(|f| f.id() == alias).ok_or_else(|| {
            format!("unknown compliance framework {s:?}; valid values: aws-foundational, pci-dss, hipaa, soc2 (or all)")
        })
    }
}

/// A framework: its name, version and controls.
#[derive(Debug)]
pub struct FrameworkDef {
    pub framework: Framework,
    pub name: &'static str,
    pub version: &'static str,
    pub controls: &'static [Control],
}

/// One control and the rules that evidence it.
#[derive(Debug)]
pub struct Control {
    pub id: &'static str,
    pub title: &'static str,
    pub rules: &'static [&'static str],
    /// Where the mapping comes from.
    pub source: &'static str,
}

/// A control's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlStatus {
    Fail,
    NotEvaluated,
    Pass,
    NotApplicable,
}

impl ControlStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Fail => "fail",
            ControlStatus::NotEvaluated => "not-evaluated",
            ControlStatus::Pass => "pass",
            ControlStatus::NotApplicable => "not-applicable",
        }
    }
}

/// A failing resource under a control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailingResource {
    pub rule_id: &'static str,
    pub severity: Severity,
    pub resource: String,
    pub resource_arn: Option<String>,
}

/// Why a rule under a control could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingEvidence {
    pub rule_id: &'static str,
    pub reason: String,
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ControlResult {
    pub id: &'static str,
    pub title: &'static str,
    pub status: ControlStatus,
    pub rules: &'static [&'static str],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failing: Vec<FailingResource>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_evaluated: Vec<MissingEvidence>,
    pub mapping_source: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FrameworkSummary {
    pub controls: usize,
    pub passed: usize,
    pub failed: usize,
    pub not_evaluated: usize,
    pub not_applicable: usize,
    /// Passed controls as a percentage of controls that could be decided (passed + failed +
    /// not evaluated); not-applicable controls do not count.
    pub percent: u8,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrameworkResult {
    pub framework: Framework,
    pub name: &'static str,
    pub version: &'static str,
    pub summary: FrameworkSummary,
    pub controls: Vec<ControlResult>,
}

/// Evaluates a framework's controls against an analysis (use the unfiltered analysis).
pub fn evaluate(analysis: &Analysis, framework: Framework) -> FrameworkResult {
    let def = framework.definition();
    let controls: Vec<ControlResult> = def.controls.iter().map(|c| evaluate_control(analysis, c)).collect();
    let count = |s: ControlStatus| controls.iter().filter(|c| c.status == s).count();
    let (passed, failed, not_evaluated, not_applicable) = (
        count(ControlStatus::Pass),
        count(ControlStatus::Fail),
        count(ControlStatus::NotEvaluated),
        count(ControlStatus::NotApplicable),
    );
    let decided = passed + failed + not_evaluated;
    let percent = (passed * 100).checked_div(decided).map_or(100, |p| p as u8);
    FrameworkResult {
        framework,
        name: def.name,
        version: def.version,
        summary: FrameworkSummary { controls: controls.len(), passed, failed, not_evaluated, not_applicable, percent },
        controls,
    }
}

fn evaluate_control(analysis: &Analysis, control: &'static Control) -> ControlResult {
    let mut failing = Vec::new();
    let mut not_evaluated = Vec::new();
    let mut statuses = Vec::new();
    for &rule_id in control.rules {
        let Some(result) = analysis.result(rule_id) else {
            // The rule is outside this view (e.g. category filter): treat as not evaluated.
            not_evaluated.push(MissingEvidence {
                rule_id,
                reason: "the rule was not part of this analysis".into(),
                permissions: Vec::new(),
            });
            statuses.push(RuleStatus::NotEvaluated);
            continue;
        };
        let status = result.status();
        statuses.push(status);
        for f in analysis.findings.iter().filter(|f| f.rule.id == rule_id) {
            failing.push(FailingResource {
                rule_id,
                severity: f.severity,
                resource: f.resource.to_string(),
                resource_arn: f.resource.arn.clone(),
            });
        }
        if status == RuleStatus::NotEvaluated || (status == RuleStatus::Fail && !result.gaps().is_empty()) {
            for gap in result.gaps() {
                not_evaluated.push(MissingEvidence {
                    rule_id,
                    reason: gap.reason.clone(),
                    permissions: gap.permissions.clone(),
                });
            }
        }
    }
    let status = if statuses.contains(&RuleStatus::Fail) {
        ControlStatus::Fail
    } else if statuses.contains(&RuleStatus::NotEvaluated) {
        ControlStatus::NotEvaluated
    } else if statuses.contains(&RuleStatus::Pass) {
        ControlStatus::Pass
    } else {
        ControlStatus::NotApplicable
    };
    ControlResult {
        id: control.id,
        title: control.title,
        status,
        rules: control.rules,
        failing,
        not_evaluated,
        mapping_source: control.source,
    }
}

/// The controls, across all frameworks, that a rule evidences: `aws-foundational:ECS.4`.
pub fn controls_for_rule(rule_id: &str) -> Vec<String> {
    let mut out = Vec::new();
    for fw in Framework::ALL {
        for c in fw.definition().controls {
            if c.rules.contains(&rule_id) {
                out.push(format!("{}:{}", fw.id(), c.id));
            }
        }
    }
    out
}
