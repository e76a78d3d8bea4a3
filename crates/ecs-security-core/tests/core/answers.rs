//! Model-sized answers: within the budget for any cluster size, grouped by rule, honest
//! about what they leave out, and complete when paged through.

use std::collections::BTreeSet;

use ecs_security_core::model::scale::replicate;
use ecs_security_core::report::budget::{DEFAULT_MAX_CHARS, answer_size, parse_cursor};
use ecs_security_core::report::digest::{self, DigestOptions, Hints};
use ecs_security_core::rules::{self, Filter, Severity, SeverityFilter};

use crate::common;

const HINTS: Hints<'static> = Hints {
    next_page: "call analyze_cluster_security again with `cursor`",
    one_rule: "get_finding_details with `rule_id`",
    findings: "list_findings",
    full_report: Some("resource ecs-security://report/us-east-1/payments-prod.json"),
};

fn opts(max_chars: usize, start: usize) -> DigestOptions<'static> {
    DigestOptions { max_chars, start, examples: 3, listing: "test-listing", hints: HINTS }
}

#[test]
fn the_demo_fits_in_one_page() {
    let a = rules::analyze(&common::demo());
    let (d, text) = digest::analysis(&a, &Filter::default(), None, &opts(DEFAULT_MAX_CHARS, 0));
    assert!(answer_size(&text, &d) <= DEFAULT_MAX_CHARS);
    assert_eq!(d.page.rules_shown, d.page.rules_total, "{}", d.summary);
    assert!(d.rules.iter().take(10).all(|r| r.fix.is_some() && !r.examples.is_empty()), "the top rules in detail");
    assert_eq!(d.page.findings_shown, a.findings.len());
    assert!(d.page.next_cursor.is_none());
    assert!(d.summary.contains("score 11/100") && d.summary.contains("Critical"), "{}", d.summary);
    // Grouped by rule, most urgent first.
    let priorities: Vec<u32> = d.rules.iter().map(|r| r.priority).collect();
    assert!(priorities.windows(2).all(|w| w[0] >= w[1]), "{priorities:?}");
    assert!(text.starts_with("# Security analysis: payments-prod"), "{text}");
}

#[test]
fn a_500_service_cluster_stays_within_every_budget_and_pages_completely() {
    let big = replicate(&common::demo(), 125);
    assert_eq!(big.services.len(), 500);
    let a = rules::analyze(&big);
    assert!(a.findings.len() > 5_000, "{} findings", a.findings.len());
    for budget in [DEFAULT_MAX_CHARS, 10_000] {
        let mut start = 0;
        let mut rules_seen = BTreeSet::new();
        let mut findings_seen = 0;
        let mut pages = 0;
        loop {
            let (d, text) = digest::analysis(&a, &Filter::default(), None, &opts(budget, start));
            let size = answer_size(&text, &d);
            assert!(size <= budget, "page {pages} is {size} characters, over {budget}");
            assert!(!d.rules.is_empty(), "a page made no progress at {start}");
            for r in &d.rules {
                assert!(rules_seen.insert(r.rule_id), "{} shown twice", r.rule_id);
                findings_seen += r.affected;
            }
            pages += 1;
            match &d.page.next_cursor {
                Some(c) => {
                    assert!(d.page.more.as_deref().is_some_and(|m| m.contains("more rules")), "{:?}", d.page.more);
                    start = parse_cursor(c, "test-listing").expect("our own cursor");
                }
                None => break,
            }
        }
        let with_findings: BTreeSet<&str> = a.findings.iter().map(|f| f.rule.id).collect();
        assert_eq!(rules_seen.len(), with_findings.len(), "budget {budget}: every rule, once");
        assert_eq!(findings_seen, a.findings.len(), "budget {budget}");
        assert!(pages >= 1);
    }
}

#[test]
fn filters_and_changes_are_reported() {
    let demo = common::demo();
    let before = rules::analyze(&common::hardened());
    let a = rules::analyze(&demo);
    let high = Filter { severity: SeverityFilter::AtLeast(Severity::High), categories: vec![] };
    let (d, text) = digest::analysis(&a, &high, Some(&before), &opts(DEFAULT_MAX_CHARS, 0));
    assert!(d.rules.iter().all(|r| r.severity >= Severity::High));
    assert!(d.filter.as_deref().is_some_and(|f| f.contains("severity High and above")), "{:?}", d.filter);
    let changes = d.changes.as_ref().expect("changes");
    assert_eq!(
        changes.new,
        a.findings.len() - before.findings.len().min(a.findings.len()) + changes_fixed(&before, &a)
    );
    assert!(text.contains("new,"), "{text}");
    // The score is the whole cluster's whatever the filter.
    assert_eq!(d.score, a.overall.score);
}

/// Findings of `before` whose ids are not in `after`.
fn changes_fixed(before: &rules::Analysis, after: &rules::Analysis) -> usize {
    let now: BTreeSet<&str> = after.findings.iter().map(|f| f.id.as_str()).collect();
    before.findings.iter().filter(|f| !now.contains(f.id.as_str())).count()
}
