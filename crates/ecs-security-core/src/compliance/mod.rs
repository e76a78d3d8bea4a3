//! Compliance frameworks as tables of controls mapped to rule ids.
//!
//! A control's evidence is the findings of its rules that meet its own condition (a
//! Security Hub control on ports 22/3389 is not failed by an open database port). It fails
//! when that evidence holds a finding of Medium or High confidence; it "needs review" when
//! the only evidence is Low-confidence heuristics; it is "not evaluated" when nothing failed
//! but a rule could not be evaluated on complete data; it passes only when every applicable
//! rule ran on complete data and found nothing that counts; and it is "not applicable" when
//! none of its rules had anything to examine. A control is never "pass" on missing data.

mod aws_foundational;
mod hipaa;
mod nist_800_53;
mod pci_dss;
mod security_hub;
mod soc2;

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::rules::{Analysis, Confidence, Evaluation, Finding, RuleStatus, Severity};

/// A supported framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Framework {
    AwsFoundational,
    PciDss,
    Hipaa,
    Soc2,
    /// The Security Hub NIST SP 800-53 Rev. 5 standard: Security Hub control ids, each with
    /// the NIST requirement ids its control page lists.
    #[serde(rename = "nist-800-53")]
    Nist80053,
}

impl Framework {
    pub const ALL: [Framework; 5] =
        [Framework::AwsFoundational, Framework::PciDss, Framework::Hipaa, Framework::Soc2, Framework::Nist80053];

    pub fn id(self) -> &'static str {
        match self {
            Framework::AwsFoundational => "aws-foundational",
            Framework::PciDss => "pci-dss",
            Framework::Hipaa => "hipaa",
            Framework::Soc2 => "soc2",
            Framework::Nist80053 => "nist-800-53",
        }
    }

    /// Whether the framework's control ids are Security Hub control ids, so that rules name
    /// them among their peers (`SecurityHub ECS.4`).
    pub fn is_security_hub_standard(self) -> bool {
        matches!(self, Framework::AwsFoundational | Framework::Nist80053)
    }

    pub fn definition(self) -> &'static FrameworkDef {
        match self {
            Framework::AwsFoundational => &aws_foundational::FRAMEWORK,
            Framework::PciDss => &pci_dss::FRAMEWORK,
            Framework::Hipaa => &hipaa::FRAMEWORK,
            Framework::Soc2 => &soc2::FRAMEWORK,
            Framework::Nist80053 => &nist_800_53::FRAMEWORK,
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
            "nist" | "nist-800-53-r5" | "nist-800-53r5" | "nist80053" | "800-53" => "nist-800-53",
            other => other,
        };
        Framework::ALL.into_iter().find(|f| f.id() == alias).ok_or_else(|| {
            format!(
                "unknown compliance framework {s:?}; valid values: aws-foundational, pci-dss, hipaa, soc2, nist-800-53 (or all)"
            )
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
    /// Requirement ids of the standard behind the control where they differ from `id`
    /// (the NIST SP 800-53 r5 ids a Security Hub control page lists).
    pub requirements: &'static [&'static str],
    /// The control's own condition over its rules' findings; `None` counts every finding.
    pub condition: Option<Condition>,
}

impl Control {
    /// The defaults for the optional parts: `Control { id, title, rules, source, ..Control::BASE }`.
    pub const BASE: Control = Control { id: "", title: "", rules: &[], source: "", requirements: &[], condition: None };
}

/// Which findings of a control's rules count against it.
#[derive(Debug, Clone, Copy)]
pub struct Condition {
    /// What the control checks, in one phrase (shown with the control).
    pub summary: &'static str,
    /// Whether a finding is evidence against the control.
    pub counts: fn(&Finding) -> bool,
}

impl Condition {
    /// Whether this finding counts against the control.
    pub fn applies(&self, f: &Finding) -> bool {
        (self.counts)(f)
    }
}

/// A finding's evidence value for `key`, if any.
fn evidence<'a>(f: &'a Finding, key: &str) -> Option<&'a str> {
    f.evidence.iter().find(|e| e.key == key).map(|e| e.value.as_str())
}

/// The port numbers a security-group finding names in its `ports` evidence
/// (`SSH (22), RDP (3389)`).
fn open_ports(f: &Finding) -> Vec<i64> {
    evidence(f, "ports")
        .map(|v| {
            v.split('(')
                .skip(1)
                .filter_map(|part| part.split(')').next())
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a security-group finding's ingress rules are open to exactly `0.0.0.0/0` or
/// `::/0`, which is what the Security Hub EC2 controls test (a merely very wide prefix such
/// as `0.0.0.0/1` is reported by our rules but does not fail those controls).
fn from_anywhere(f: &Finding) -> bool {
    evidence(f, "ingress_rules").is_some_and(|v| v.split([',', ';', ' ']).any(|w| w == "0.0.0.0/0" || w == "::/0"))
}

/// A control's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlStatus {
    Fail,
    /// The only evidence against the control is Low-confidence heuristic findings.
    NeedsReview,
    NotEvaluated,
    Pass,
    NotApplicable,
}

impl ControlStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Fail => "fail",
            ControlStatus::NeedsReview => "needs-review",
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
    pub confidence: Confidence,
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
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub requirements: &'static [&'static str],
    /// The control's own condition, when it narrows its rules' findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<&'static str>,
    /// Why a control needs review.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_reason: Option<String>,
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
    /// Controls whose only evidence is Low-confidence heuristics: neither pass nor fail.
    pub needs_review: usize,
    pub not_evaluated: usize,
    pub not_applicable: usize,
    /// Passed controls as a percentage of controls that apply (passed + failed + needs
    /// review + not evaluated); not-applicable controls do not count.
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
    let (passed, failed, needs_review, not_evaluated, not_applicable) = (
        count(ControlStatus::Pass),
        count(ControlStatus::Fail),
        count(ControlStatus::NeedsReview),
        count(ControlStatus::NotEvaluated),
        count(ControlStatus::NotApplicable),
    );
    let decided = passed + failed + needs_review + not_evaluated;
    let percent = (passed * 100).checked_div(decided).map_or(100, |p| p as u8);
    FrameworkResult {
        framework,
        name: def.name,
        version: def.version,
        summary: FrameworkSummary {
            controls: controls.len(),
            passed,
            failed,
            needs_review,
            not_evaluated,
            not_applicable,
            percent,
        },
        controls,
    }
}

/// How one rule stands under a control, after the control's condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Standing {
    Fail,
    Review,
    NotEvaluated,
    Pass,
    NotApplicable,
}

fn evaluate_control(analysis: &Analysis, control: &'static Control) -> ControlResult {
    let mut failing = Vec::new();
    let mut not_evaluated = Vec::new();
    let mut standings = Vec::new();
    let mut review_rules: Vec<&'static str> = Vec::new();
    for &rule_id in control.rules {
        let Some(result) = analysis.result(rule_id) else {
            // The rule is outside this view (e.g. category filter): treat as not evaluated.
            not_evaluated.push(MissingEvidence {
                rule_id,
                reason: "the rule was not part of this analysis".into(),
                permissions: Vec::new(),
            });
            standings.push(Standing::NotEvaluated);
            continue;
        };
        // A suppressed finding is an accepted risk, not a fix: the control still fails on it.
        let counted: Vec<&Finding> = analysis
            .findings
            .iter()
            .chain(analysis.triage.suppressed.iter().map(|s| &s.finding))
            .filter(|f| f.rule.id == rule_id && control.condition.is_none_or(|c| c.applies(f)))
            .collect();
        for f in &counted {
            failing.push(FailingResource {
                rule_id,
                severity: f.severity,
                confidence: f.confidence,
                resource: f.resource.to_string(),
                resource_arn: f.resource.arn.clone(),
            });
        }
        let standing = if counted.iter().any(|f| f.confidence > Confidence::Low) {
            Standing::Fail
        } else if !counted.is_empty() {
            review_rules.push(rule_id);
            Standing::Review
        } else {
            match result.status() {
                // Every finding was set aside by the condition: judged on what the rule read.
                RuleStatus::Fail if matches!(result.evaluation, Evaluation::Complete) => Standing::Pass,
                RuleStatus::Fail | RuleStatus::NotEvaluated => Standing::NotEvaluated,
                RuleStatus::Pass => Standing::Pass,
                RuleStatus::NotApplicable => Standing::NotApplicable,
            }
        };
        standings.push(standing);
        if standing != Standing::Pass && standing != Standing::NotApplicable {
            for gap in result.gaps() {
                not_evaluated.push(MissingEvidence {
                    rule_id,
                    reason: gap.reason.clone(),
                    permissions: gap.permissions.clone(),
                });
            }
        }
    }
    let status = match standings.iter().min() {
        Some(Standing::Fail) => ControlStatus::Fail,
        Some(Standing::Review) => ControlStatus::NeedsReview,
        Some(Standing::NotEvaluated) => ControlStatus::NotEvaluated,
        Some(Standing::Pass) => ControlStatus::Pass,
        Some(Standing::NotApplicable) | None => ControlStatus::NotApplicable,
    };
    let review_reason = (status == ControlStatus::NeedsReview).then(|| {
        format!(
            "the only evidence against this control is Low-confidence heuristic findings ({}); confirm them by hand before counting it as failed",
            review_rules.join(", ")
        )
    });
    ControlResult {
        id: control.id,
        title: control.title,
        status,
        rules: control.rules,
        requirements: control.requirements,
        condition: control.condition.map(|c| c.summary),
        review_reason,
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

/// The controls, across all frameworks, that this finding counts against: those of its
/// rule whose condition it meets.
pub fn controls_for_finding(f: &Finding) -> Vec<String> {
    let mut out = Vec::new();
    for fw in Framework::ALL {
        for c in fw.definition().controls {
            if c.rules.contains(&f.rule.id) && c.condition.is_none_or(|k| k.applies(f)) {
                out.push(format!("{}:{}", fw.id(), c.id));
            }
        }
    }
    out
}
