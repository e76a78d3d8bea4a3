//! The posture score (0–100) and risk level. The formula is documented in docs/scoring.md.
//!
//! Findings are grouped by (rule, severity). A group of `n` findings costs
//! `weight(severity) × (1 + log2 n)`: more severe problems cost more, and a problem on more
//! resources costs more, but less than linearly. The penalty `P` is the sum over groups and
//! the score is `100 × 100 / (100 + P)`, rounded down. Removing a finding lowers `P`, so
//! fixing something never lowers the score.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Category, Finding, RuleResult, RuleStatus, Severity};

/// How much one group of findings of a severity costs.
pub fn weight(severity: Severity) -> f64 {
    match severity {
        Severity::Critical => 25.0,
        Severity::High => 10.0,
        Severity::Medium => 4.0,
        Severity::Low => 1.0,
    }
}

/// Counts of findings per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

impl SeverityCounts {
    pub fn of(findings: &[Finding]) -> SeverityCounts {
        let mut c = SeverityCounts::default();
        for f in findings {
            match f.severity {
                Severity::Critical => c.critical += 1,
                Severity::High => c.high += 1,
                Severity::Medium => c.medium += 1,
                Severity::Low => c.low += 1,
            }
        }
        c
    }

    pub fn total(&self) -> usize {
        self.critical + self.high + self.medium + self.low
    }

    pub fn get(&self, s: Severity) -> usize {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
        }
    }

    /// The most severe level present.
    pub fn highest(&self) -> Option<Severity> {
        Severity::ALL.into_iter().find(|&s| self.get(s) > 0)
    }
}

/// The overall risk, from the most severe finding present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum RiskLevel {
    /// No findings in what could be evaluated.
    Minimal,
    Low,
    Medium,
    High,
    Critical,
}

impl RiskLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Minimal => "Minimal",
            RiskLevel::Low => "Low",
            RiskLevel::Medium => "Medium",
            RiskLevel::High => "High",
            RiskLevel::Critical => "Critical",
        }
    }
}

/// Score, risk and counts over a set of findings, with how much could be evaluated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// 0 (worst) to 100 (nothing found).
    pub score: u8,
    pub risk_level: RiskLevel,
    pub by_severity: SeverityCounts,
    pub by_category: BTreeMap<Category, usize>,
    pub total_findings: usize,
    /// Applicable rules that ran on complete data, as a percentage of applicable rules.
    pub coverage_percent: u8,
    pub rules_failed: usize,
    pub rules_passed: usize,
    pub rules_not_evaluated: usize,
    pub rules_not_applicable: usize,
}

impl Score {
    pub fn of(findings: &[Finding], results: &[RuleResult]) -> Score {
        let mut groups: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
        for f in findings {
            *groups.entry((f.rule.id, f.severity)).or_default() += 1;
        }
        let penalty: f64 = groups.iter().map(|(&(_, sev), &n)| weight(sev) * (1.0 + (n as f64).log2())).sum();
        let score = (100.0 * 100.0 / (100.0 + penalty)).floor().clamp(0.0, 100.0) as u8;
        let by_severity = SeverityCounts::of(findings);
        let mut by_category = BTreeMap::new();
        for f in findings {
            *by_category.entry(f.rule.category).or_default() += 1;
        }
        let risk_level = match by_severity.highest() {
            None => RiskLevel::Minimal,
            Some(Severity::Low) => RiskLevel::Low,
            Some(Severity::Medium) => RiskLevel::Medium,
            Some(Severity::High) => RiskLevel::High,
            Some(Severity::Critical) => RiskLevel::Critical,
        };
        let count = |s: RuleStatus| results.iter().filter(|r| r.status() == s).count();
        let applicable = results.len() - count(RuleStatus::NotApplicable);
        let complete =
            results.iter().filter(|r| r.status() != RuleStatus::NotApplicable && r.gaps().is_empty()).count();
        let coverage_percent = (complete * 100).checked_div(applicable).map_or(100, |p| p as u8);
        Score {
            score,
            risk_level,
            by_severity,
            by_category,
            total_findings: findings.len(),
            coverage_percent,
            rules_failed: count(RuleStatus::Fail),
            rules_passed: count(RuleStatus::Pass),
            rules_not_evaluated: count(RuleStatus::NotEvaluated),
            rules_not_applicable: count(RuleStatus::NotApplicable),
        }
    }
}
