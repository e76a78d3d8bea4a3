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

/// A stable id of a finding: its rule, resource and evidence (which tells apart two
/// findings of one rule on one resource, e.g. two secrets in one container), not its
/// wording. FNV-1a, stable across builds and platforms.
pub(crate) fn finding_id(f: &Finding) -> String {
    let mut key = format!("{}|{}|{}", f.rule.id, f.resource.arn.as_deref().unwrap_or(""), f.resource);
    for e in &f.evidence {
        key.push_str(&format!("|{}={}", e.key, e.value));
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}
