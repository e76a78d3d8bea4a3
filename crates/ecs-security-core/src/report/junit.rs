//! JUnit XML for CI dashboards, written with `quick-junit`.
//!
//! One test suite per rule domain. In it, each rule is a test case per affected resource
//! (a `<failure>` per finding, `type` = severity, text = evidence and fix), or one passing
//! case when it was evaluated on complete data and found nothing, or one skipped case when
//! it could not be evaluated (reason and permissions to grant) or had nothing to examine;
//! a rule that failed on partial data also has a skipped case naming what it could not read.
//! The `classname` of every case is the rule id.
//!
//! AWS text is made XML-safe whatever it holds: single-line fields go through
//! [`strip_controls`], multi-line text through it line by line, and `quick-junit` escapes
//! markup and drops any character XML 1.0 forbids.

use chrono::DateTime;
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::ReportOptions;
use super::people::{evaluation_state, permissions};
use crate::compliance;
use crate::rules::{Analysis, Domain, Filter, Finding, Rule, RuleResult, RuleStatus};
use crate::text::strip_controls;
use crate::triage::Suppressed;

/// Multi-line text with each line stripped of controls and escape sequences.
fn lines(text: &str) -> String {
    text.lines().map(|l| strip_controls(l).replace(['\u{fffe}', '\u{ffff}'], "")).collect::<Vec<_>>().join("\n")
}

/// One line of untrusted text, safe for an attribute.
pub(super) fn line(text: &str) -> String {
    strip_controls(text).replace(['\u{fffe}', '\u{ffff}'], "")
}

fn fix(rule: &Rule) -> String {
    let r = &rule.remediation;
    let mut s = format!("Fix: {}\n", r.summary);
    for (i, step) in r.steps.iter().enumerate() {
        s.push_str(&format!("{}. {step}\n", i + 1));
    }
    s.push_str(&format!(
        "\nAWS CLI:\n{}\n\nTerraform:\n{}\n\nCloudFormation:\n{}\n",
        r.cli, r.terraform, r.cloudformation
    ));
    if !rule.references.is_empty() {
        s.push_str(&format!("\nReferences:\n{}\n", rule.references.join("\n")));
    }
    s
}

fn failure(f: &Finding) -> TestCase {
    let mut text = format!("{}\n", lines(&f.message));
    if let Some(arn) = &f.resource.arn {
        text.push_str(&format!("ARN: {}\n", line(arn)));
    }
    for e in &f.evidence {
        text.push_str(&format!("{}: {}\n", line(&e.key), line(&e.value)));
    }
    let controls = compliance::controls_for_rule(f.rule.id);
    if !controls.is_empty() {
        text.push_str(&format!("Compliance: {}\n", controls.join(", ")));
    }
    text.push('\n');
    text.push_str(&fix(f.rule));
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    status.set_message(line(&f.message)).set_type(f.severity.as_str()).set_description(text);
    let mut case = TestCase::new(line(&f.resource.to_string()), status);
    case.set_classname(f.rule.id);
    case
}

/// A suppressed finding: a skipped case whose message is the reason it was accepted.
fn suppressed(s: &Suppressed) -> TestCase {
    let f = &s.finding;
    let e = &s.entry;
    let mut status = TestCaseStatus::skipped();
    let mut detail = format!("{}\nSuppressed by {}", lines(&f.message), line(&e.to_string()));
    if let Some(o) = &e.owner {
        detail.push_str(&format!("\nOwner: {}", line(o)));
    }
    if let Some(d) = &e.expires {
        detail.push_str(&format!("\nExpires: {}", line(d)));
    }
    status.set_message(format!("suppressed: {}", line(&e.reason))).set_type("suppressed").set_description(detail);
    let mut case = TestCase::new(line(&f.resource.to_string()), status);
    case.set_classname(f.rule.id);
    case
}

/// The passing or skipped case of a rule without findings in this view, if any, and the
/// skipped case of a rule that failed on partial data: its failures alone would hide the gap.
fn rule_case(r: &RuleResult) -> Option<TestCase> {
    let status = match r.status() {
        RuleStatus::Fail if r.gaps().is_empty() => return None,
        RuleStatus::Fail => {
            let reasons: Vec<String> = r.gaps().iter().map(|g| line(&g.reason)).collect();
            let mut s = TestCaseStatus::skipped();
            s.set_message(format!("{}: {}", evaluation_state(r), reasons.join("; "))).set_type("partially-evaluated");
            // A file's unknowns have no permission that would bring the data.
            let grant = permissions(r);
            if !grant.is_empty() {
                s.set_description(format!("Grant: {}", grant.join(", ")));
            }
            let mut case = TestCase::new(format!("{} (the resources that could not be read)", r.rule.title), s);
            case.set_classname(r.rule.id);
            return Some(case);
        }
        RuleStatus::Pass => TestCaseStatus::success(),
        RuleStatus::NotApplicable => {
            let mut s = TestCaseStatus::skipped();
            s.set_message("not applicable: nothing in this cluster for the rule to examine").set_type("not-applicable");
            s
        }
        RuleStatus::NotEvaluated => {
            let reasons: Vec<String> = r.gaps().iter().map(|g| line(&g.reason)).collect();
            let mut s = TestCaseStatus::skipped();
            s.set_message(format!("{}: {}", evaluation_state(r), reasons.join("; "))).set_type("not-evaluated");
            // A file's unknowns have no permission that would bring the data.
            let grant = permissions(r);
            if !grant.is_empty() {
                s.set_description(format!("Grant: {}", grant.join(", ")));
            }
            s
        }
    };
    let mut case = TestCase::new(r.rule.title, status);
    case.set_classname(r.rule.id);
    Some(case)
}

/// Builds the JUnit report for a view of the analysis.
pub fn build(full: &Analysis, filter: &Filter, opts: &ReportOptions) -> Report {
    let view = full.filtered(filter);
    let mut report = Report::new(format!("{}: {}", crate::TOOL_NAME, line(&full.cluster_name)));
    let timestamp = DateTime::parse_from_rfc3339(&opts.generated_at).ok();
    if let Some(t) = timestamp {
        report.set_timestamp(t);
    }
    for &domain in Domain::ALL {
        let mut suite = TestSuite::new(domain.title());
        for r in view.results.iter().filter(|r| r.rule.domain == domain) {
            let findings: Vec<&Finding> = view.findings.iter().filter(|f| f.rule.id == r.rule.id).collect();
            if !findings.is_empty() {
                suite.add_test_cases(findings.into_iter().map(failure));
                // A failure on partial data also says what could not be read.
                suite.add_test_cases(rule_case(r));
            } else if filter.severity.allows(r.rule.severity) {
                suite.add_test_cases(rule_case(r));
            }
            let accepted = view.triage.suppressed.iter().filter(|s| s.finding.rule.id == r.rule.id);
            suite.add_test_cases(accepted.map(suppressed));
        }
        if suite.test_cases.is_empty() {
            continue;
        }
        if let Some(t) = timestamp {
            suite.set_timestamp(t);
        }
        suite.add_properties([
            Property::new("cluster", line(&full.cluster_name)),
            Property::new("cluster_arn", line(&full.cluster_arn)),
            Property::new("region", line(&full.region)),
            Property::new("account_id", line(full.account_id.as_deref().unwrap_or(""))),
            Property::new("score", full.overall.score.to_string()),
        ]);
        report.add_test_suite(suite);
    }
    report
}

/// The JUnit XML document.
pub fn render(full: &Analysis, filter: &Filter, opts: &ReportOptions) -> String {
    // Serialising to memory fails only on I/O errors, which a String buffer never has.
    build(full, filter, opts).to_string().unwrap_or_default()
}
