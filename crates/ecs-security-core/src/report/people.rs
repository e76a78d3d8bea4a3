//! Helpers shared by the renderings for people and other tools (HTML, terminal, CSV,
//! JUnit, OCSF): grouping findings by rule and naming the scales.

use crate::rules::{Confidence, Finding, Rule, RuleResult};

/// Findings grouped by rule, in the order the rules first appear. Findings are sorted most
/// severe first, so the groups come out by their most severe finding.
pub(crate) fn by_rule<'a>(findings: &'a [Finding]) -> Vec<(&'static Rule, Vec<&'a Finding>)> {
    let mut groups: Vec<(&'static Rule, Vec<&'a Finding>)> = Vec::new();
    for f in findings {
        match groups.iter_mut().find(|(r, _)| r.id == f.rule.id) {
            Some((_, list)) => list.push(f),
            None => groups.push((f.rule, vec![f])),
        }
    }
    groups
}

pub(crate) fn confidence_name(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "High",
        Confidence::Medium => "Medium",
        Confidence::Low => "Low",
    }
}

/// The IAM actions that would let a rule be evaluated, sorted and deduplicated.
pub(crate) fn permissions(r: &RuleResult) -> Vec<String> {
    let mut perms: Vec<String> = r.gaps().iter().flat_map(|g| g.permissions.clone()).collect();
    perms.sort();
    perms.dedup();
    perms
}

/// `not evaluated` or `partially evaluated`.
pub(crate) fn evaluation_state(r: &RuleResult) -> &'static str {
    match r.evaluation {
        crate::rules::Evaluation::Partial { .. } => "partially evaluated",
        _ => "not evaluated",
    }
}
