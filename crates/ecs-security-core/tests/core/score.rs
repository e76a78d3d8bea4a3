//! The score's promises (docs/scoring.md): fixing never lowers it, severity and breadth cost
//! more, and the risk level follows the most severe finding.

use crate::common;

use ecs_security_core::rules::{self, Finding, RiskLevel, Score, Severity};

fn score_of(findings: &[Finding]) -> u8 {
    Score::of(findings, &[]).score
}

#[test]
fn fixing_any_finding_never_lowers_the_score() {
    let analysis = rules::analyze(&common::demo());
    // Fix findings one at a time, in several orders, and watch the score.
    for stride in [1usize, 3, 7] {
        let mut remaining = analysis.findings.clone();
        let mut previous = score_of(&remaining);
        let mut i = 0;
        while !remaining.is_empty() {
            i = (i + stride) % remaining.len();
            remaining.remove(i);
            let now = score_of(&remaining);
            assert!(now >= previous, "fixing a finding lowered the score from {previous} to {now}");
            previous = now;
        }
        assert_eq!(previous, 100, "a cluster with nothing found scores 100");
    }
    assert_eq!(score_of(&[]), 100);
}

/// A finding of `rule` on the demo's first finding's resource, with a given severity.
fn finding(template: &Finding, rule: &'static str, severity: Severity, n: usize) -> Finding {
    let mut f = template.clone();
    f.rule = rules::by_id(rule).expect("rule exists");
    f.severity = severity;
    f.resource.name = format!("resource-{n}");
    f
}

#[test]
fn more_severe_and_more_widespread_problems_cost_more() {
    let analysis = rules::analyze(&common::demo());
    let t = &analysis.findings[0];
    let one = |sev| score_of(&[finding(t, "container-runs-as-root", sev, 0)]);
    assert!(one(Severity::Critical) < one(Severity::High));
    assert!(one(Severity::High) < one(Severity::Medium));
    assert!(one(Severity::Medium) < one(Severity::Low));
    assert!(one(Severity::Low) < 100);

    let many = |n: usize| -> u8 {
        let v: Vec<Finding> = (0..n).map(|i| finding(t, "container-runs-as-root", Severity::High, i)).collect();
        score_of(&v)
    };
    assert!(many(10) < many(2) && many(2) < many(1), "breadth costs more");
    // Sublinear: ten copies of one problem cost less than ten different problems.
    let different: Vec<Finding> =
        rules::all().iter().take(10).enumerate().map(|(i, r)| finding(t, r.id, Severity::High, i)).collect();
    assert!(score_of(&different) < many(10));
}

#[test]
fn risk_level_follows_the_most_severe_finding() {
    let analysis = rules::analyze(&common::demo());
    let t = &analysis.findings[0];
    let level = |sevs: &[Severity]| -> RiskLevel {
        let v: Vec<Finding> =
            sevs.iter().enumerate().map(|(i, s)| finding(t, "container-runs-as-root", *s, i)).collect();
        Score::of(&v, &[]).risk_level
    };
    assert_eq!(level(&[]), RiskLevel::Minimal);
    assert_eq!(level(&[Severity::Low, Severity::Low]), RiskLevel::Low);
    assert_eq!(level(&[Severity::Low, Severity::High, Severity::Medium]), RiskLevel::High);
    assert_eq!(level(&[Severity::Critical]), RiskLevel::Critical);
}

#[test]
fn hardened_scores_100_and_demo_scores_low() {
    let hardened = rules::analyze(&common::hardened());
    assert_eq!(hardened.overall.score, 100);
    assert_eq!(hardened.overall.risk_level, RiskLevel::Minimal);
    assert_eq!(hardened.overall.coverage_percent, 100);
    let demo = rules::analyze(&common::demo());
    assert!(demo.overall.score < 30, "demo scored {}", demo.overall.score);
}
