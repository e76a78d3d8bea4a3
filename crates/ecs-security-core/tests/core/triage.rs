//! Triage (issue 15): the suppressions file (every matching dimension, expiry, staleness,
//! strict parsing with lines), baselines, diffs, drafts, and hostile reasons inert in every
//! format. Expected sets are computed from the analyses directly, never from triage code.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use ecs_security_core::model::Snapshot;
use ecs_security_core::report::terminal::{self, TerminalOptions};
use ecs_security_core::report::{self, Format, ReportOptions};
use ecs_security_core::rules::{self, Analysis, Filter, Finding, Severity};
use ecs_security_core::triage::baseline::{self, BaselineState, PriorReport};
use ecs_security_core::triage::diff::Diff;
use ecs_security_core::triage::draft::{self, DraftInput};
use ecs_security_core::triage::suppress::{self, Suppressions, TagIndex};
use serde_json::Value;

use crate::common;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
}

fn opts() -> ReportOptions {
    ReportOptions { show_details: true, generated_at: "2026-12-04T12:00:00Z".into() }
}

/// The demo analysis with `yaml` applied on `today()`.
fn suppressed(snapshot: &Snapshot, yaml: &str) -> Analysis {
    let file = suppress::parse(yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    let mut a = rules::analyze(snapshot);
    suppress::apply(&mut a, &file, &TagIndex::of(snapshot), today(), ".ecs-security.yaml");
    a
}

fn ids<'a>(fs: impl IntoIterator<Item = &'a Finding>) -> BTreeSet<String> {
    fs.into_iter().map(|f| f.id.clone()).collect()
}

fn suppressed_ids(a: &Analysis) -> BTreeSet<String> {
    ids(a.triage.suppressed.iter().map(|s| &s.finding))
}

fn entry(criteria: &str) -> String {
    format!("suppressions:\n  - {criteria}\n    reason: accepted for the test\n")
}

/// One entry per dimension; each suppresses exactly the findings that dimension selects.
#[test]
fn every_dimension_matches_exactly_what_it_names() {
    let snap = common::demo();
    let full = rules::analyze(&snap);
    let all = ids(&full.findings);
    let ledger_arn = snap.services.iter().find(|s| s.service_name == "ledger-worker").unwrap().service_arn.clone();
    type Pick = Box<dyn Fn(&Finding) -> bool>;
    let cases: Vec<(&str, Pick)> = vec![
        ("rule: container-privileged", Box::new(|f| f.rule.id == "container-privileged")),
        (
            "rule: \"container-*-secrets\"",
            Box::new(|f| f.rule.id.starts_with("container-") && f.rule.id.ends_with("-secrets")),
        ),
        (
            "resource: \"arn:aws:ecs:us-east-1:123456789012:task-definition/ledger-worker:*\"",
            Box::new(|f| {
                f.resource
                    .arn
                    .as_deref()
                    .is_some_and(|a| a.starts_with("arn:aws:ecs:us-east-1:123456789012:task-definition/ledger-worker:"))
            }),
        ),
        (
            "resource: sg-0ec2",
            Box::new(|f| f.resource.name == "sg-0ec2" || f.resource.arn.as_deref() == Some("sg-0ec2")),
        ),
        ("account: \"123456789012\"", Box::new(|_| true)),
        ("region: \"us-*\"", Box::new(|_| true)),
        ("cluster: payments-prod", Box::new(|_| true)),
        ("container: worker", Box::new(|f| f.resource.path.container.as_deref() == Some("worker"))),
        (
            "tag: team=ledger",
            Box::new(move |f| {
                f.resource.path.service.as_deref() == Some("ledger-worker")
                    || f.resource.arn.as_deref() == Some(&ledger_arn)
            }),
        ),
        (
            "rule: container-privileged\n    container: worker",
            Box::new(|f| f.rule.id == "container-privileged" && f.resource.path.container.as_deref() == Some("worker")),
        ),
    ];
    for (criteria, pick) in cases {
        let expected = ids(full.findings.iter().filter(|f| pick(f)));
        assert!(!expected.is_empty(), "{criteria}: selects nothing in the demo; the case proves nothing");
        let a = suppressed(&snap, &entry(criteria));
        assert_eq!(suppressed_ids(&a), expected, "{criteria}");
        assert_eq!(ids(&a.findings), &all - &expected, "{criteria}: the rest stay active");
        assert!(a.triage.stale.is_empty() && a.triage.expired.is_empty(), "{criteria}");
        assert!(a.triage.suppressed.iter().all(|s| s.entry.reason == "accepted for the test" && s.entry.line == 2));
        // Score and counts cover the active findings only.
        assert_eq!(a.overall.total_findings, a.findings.len(), "{criteria}");
        assert_eq!(a.overall, rules::Score::of(&a.findings, &a.results), "{criteria}");
    }
    // A dimension that selects nothing makes the entry stale, and nothing is suppressed.
    for criteria in [
        "account: \"999999999999\"",
        "region: eu-west-1",
        "cluster: other",
        "container: nope",
        "tag: team=nobody",
        "resource: \"arn:aws:ecs:*:*:service/*/no-such-service\"",
    ] {
        let a = suppressed(&snap, &entry(criteria));
        assert!(a.triage.suppressed.is_empty(), "{criteria}");
        assert_eq!(a.triage.stale.len(), 1, "{criteria}");
        assert_eq!(ids(&a.findings), all, "{criteria}");
    }
}

#[test]
fn a_suppressed_finding_lowers_no_compliance_control_and_the_score_ignores_it() {
    let snap = common::demo();
    let full = rules::analyze(&snap);
    let a = suppressed(&snap, &entry("rule: \"container-*\""));
    assert!(a.overall.score >= full.overall.score);
    assert!(a.overall.total_findings < full.overall.total_findings);
    for fw in ecs_security_core::compliance::Framework::ALL {
        let before = ecs_security_core::compliance::evaluate(&full, fw).summary;
        let after = ecs_security_core::compliance::evaluate(&a, fw).summary;
        assert_eq!(before.failed, after.failed, "{fw:?}: an accepted risk is not a passed control");
    }
}

#[test]
fn expiry_and_staleness() {
    let snap = common::demo();
    let yaml = "suppressions:
  - rule: container-privileged
    reason: until yesterday
    expires: 2026-12-03
  - rule: container-host-devices
    reason: through today
    expires: 2026-12-04
    owner: platform
  - cluster: nowhere
    reason: matches nothing
";
    let a = suppressed(&snap, yaml);
    let full = rules::analyze(&snap);
    let privileged = ids(full.findings.iter().filter(|f| f.rule.id == "container-privileged"));
    let devices = ids(full.findings.iter().filter(|f| f.rule.id == "container-host-devices"));
    assert!(privileged.is_subset(&ids(&a.findings)), "an expired entry no longer applies");
    assert_eq!(suppressed_ids(&a), devices, "an entry applies through its expiry day");
    assert_eq!(a.triage.expired.iter().map(|e| (e.entry, e.line)).collect::<Vec<_>>(), [(1, 2)]);
    assert_eq!(a.triage.expired[0].expires.as_deref(), Some("2026-12-03"));
    assert_eq!(a.triage.stale.iter().map(|e| (e.entry, e.line)).collect::<Vec<_>>(), [(3, 9)]);
    assert_eq!(a.triage.suppressed[0].entry.owner.as_deref(), Some("platform"));
    // The next day the second entry expires too.
    let mut b = rules::analyze(&snap);
    let file = suppress::parse(yaml).unwrap();
    suppress::apply(&mut b, &file, &TagIndex::of(&snap), today().succ_opt().unwrap(), "f");
    assert!(b.triage.suppressed.is_empty());
    assert_eq!(b.triage.expired.len(), 2);
    // An entry whose matches are all taken by an earlier entry is stale as well.
    let a = suppressed(
        &snap,
        "suppressions:\n  - rule: container-privileged\n    reason: a\n  - rule: container-privileged\n    reason: b\n",
    );
    assert_eq!(a.triage.stale.iter().map(|e| e.entry).collect::<Vec<_>>(), [2]);
}

#[test]
fn malformed_files_are_errors_with_their_line() {
    let cases: [(&str, usize, &str); 12] = [
        ("suppressions:\n  - rule: container-privileged\n    reasn: typo\n", 3, "unknown key `reasn`"),
        ("suppressions:\n  - rule: container-privileged\n", 2, "no `reason`"),
        ("suppressions:\n  - rule: container-privileged\n    reason: x\n    expires: 2026-02-30\n", 4, "YYYY-MM-DD"),
        ("suppressions:\n  - rule: container-privileged\n    reason: x\n    expires: next week\n", 4, "YYYY-MM-DD"),
        ("suppressions:\n  - resource: \"arn:[\"\n    reason: x\n", 2, "not a valid glob"),
        ("suppressions:\n  - rule: no-such-rule\n    reason: x\n", 2, "names no rule"),
        ("suppressions:\n  - reason: matches everything\n", 2, "names nothing to match"),
        (
            "suppressions:\n  - rule: container-privileged\n    rule: container-privileged\n    reason: x\n",
            3,
            "given twice",
        ),
        ("suppresions:\n  - rule: container-privileged\n", 1, "unknown key `suppresions`"),
        ("suppressions:\n  - rule: container-privileged\n    reason: [a, b]\n", 3, "single value"),
        ("suppressions:\n  - rule: container-privileged\n    tag: team\n    reason: x\n", 3, "key=value"),
        ("suppressions: [\n  - a\n", 2, ""),
    ];
    for (text, line, message) in cases {
        let e = suppress::parse(text).expect_err(text);
        assert_eq!(e.pos.line, line, "{text}: {e}");
        assert!(e.message.contains(message), "{text}: {e}");
        assert!(e.to_string().starts_with(&format!("line {line}, column ")), "{e}");
    }
    assert_eq!(suppress::parse("").unwrap(), Suppressions::default());
    assert_eq!(suppress::parse("suppressions: []\n").unwrap(), Suppressions::default());
    assert!(suppress::parse("version: 2\nsuppressions: []\n").is_err());
}

#[test]
fn baseline_states_new_unchanged_updated_and_absent() {
    let snap = common::demo();
    let full = rules::analyze(&snap);
    let mut prior = PriorReport::of(&full);
    let dropped: Vec<String> = prior.findings.drain(..3).map(|f| f.id).collect();
    prior.findings[0].severity = Severity::Low;
    let updated = prior.findings[0].id.clone();
    let mut gone = prior.findings[1].clone();
    gone.id = "container-privileged:000000000000".into();
    prior.findings.push(gone.clone());
    let mut a = full.clone();
    baseline::apply(&mut a, &prior);
    let b = a.triage.baseline.as_ref().unwrap();
    for f in &full.findings {
        let expected = if dropped.contains(&f.id) {
            BaselineState::New
        } else if f.id == updated {
            BaselineState::Updated
        } else {
            BaselineState::Unchanged
        };
        assert_eq!(b.state(&f.id), Some(expected), "{}", f.id);
    }
    assert_eq!(b.absent, [gone]);
    // A JSON report round-trips as a baseline.
    let json = report::render(Format::Json, &full, &Filter::default(), &opts());
    assert_eq!(PriorReport::parse(&json).unwrap().findings, PriorReport::of(&full).findings);
    assert!(PriorReport::parse("{\"schema_version\": 1}").unwrap_err().to_string().contains("not a JSON report"));
}

#[test]
fn a_finding_suppressed_in_the_baseline_and_active_now_is_new() {
    let snap = common::demo();
    let before = suppressed(&snap, &entry("rule: container-privileged"));
    let prior = PriorReport::parse(&report::render(Format::Json, &before, &Filter::default(), &opts())).unwrap();
    assert!(!prior.suppressed.is_empty());
    let mut now = rules::analyze(&snap);
    baseline::apply(&mut now, &prior);
    let b = now.triage.baseline.as_ref().unwrap();
    for f in &now.findings {
        let expected = if f.rule.id == "container-privileged" { BaselineState::New } else { BaselineState::Unchanged };
        assert_eq!(b.state(&f.id), Some(expected));
    }
    // Suppressed in both: known, so unchanged.
    let mut again = suppressed(&snap, &entry("rule: container-privileged"));
    baseline::apply(&mut again, &prior);
    let b = again.triage.baseline.as_ref().unwrap();
    assert!(again.triage.suppressed.iter().all(|s| b.state(&s.finding.id) == Some(BaselineState::Unchanged)));
}

#[test]
fn diff_of_the_demo_and_the_hardened_cluster_lists_exactly_the_findings_that_differ() {
    let demo = rules::analyze(&common::demo());
    let hardened = rules::analyze(&common::hardened());
    let d = Diff::between(&PriorReport::of(&demo), &PriorReport::of(&hardened));
    let (old, new) = (ids(&demo.findings), ids(&hardened.findings));
    let listed = |fs: &[baseline::PriorFinding]| fs.iter().map(|f| f.id.clone()).collect::<BTreeSet<_>>();
    assert_eq!(listed(&d.fixed_findings), &old - &new);
    assert_eq!(listed(&d.new_findings), &new - &old);
    assert_eq!(d.fixed_findings.len(), d.fixed_findings.iter().map(|f| &f.id).collect::<BTreeSet<_>>().len());
    assert_eq!(d.score_change, i16::from(hardened.overall.score) - i16::from(demo.overall.score));
    assert!(!d.same_cluster);
    let per_rule: usize = d.by_rule.values().map(|c| c.fixed).sum();
    assert_eq!(per_rule, (&old - &new).len());
    // A report against itself: nothing changed.
    let same = Diff::between(&PriorReport::of(&demo), &PriorReport::of(&demo));
    assert!(same.is_empty() && same.same_cluster && same.unchanged == demo.findings.len());
}

#[test]
fn diff_sees_a_fix_a_new_problem_and_a_severity_change() {
    let before = common::demo();
    let mut after = before.clone();
    // Fix: the ledger worker no longer runs privileged (every revision it runs).
    for td in &mut after.task_definitions {
        for c in &mut td.container_definitions {
            c.privileged = Some(false);
        }
    }
    let (a, b) = (rules::analyze(&before), rules::analyze(&after));
    let d = Diff::between(&PriorReport::of(&a), &PriorReport::of(&b));
    let (old, new) = (ids(&a.findings), ids(&b.findings));
    let listed = |fs: &[baseline::PriorFinding]| fs.iter().map(|f| f.id.clone()).collect::<BTreeSet<_>>();
    assert!(!(&old - &new).is_empty(), "the change fixes something");
    assert_eq!(listed(&d.fixed_findings), &old - &new);
    assert_eq!(listed(&d.new_findings), &new - &old);
    assert!(d.fixed_findings.iter().any(|f| f.rule_id == "container-privileged"));
    let md = ecs_security_core::triage::diff::markdown(&d);
    assert!(md.contains("container-privileged") && md.contains("## Fixed findings"));
}

/// A hostile string in a reason, an owner and an entry's criteria.
const HOSTILE: &str = "\u{1b}[31m\u{1b}]8;;http://evil.example/osc\u{7}osc-link\u{1b}]8;;\u{7}\u{0}\u{8} ## INJECTED-HEADING | INJECTED-CELL | <script>alert('INJECTED-HTML')</script></script> <img src=x onerror=alert(1)> **INJECTED-BOLD** [INJECTED-LINK](http://evil.example/p) ```INJECTED-FENCE \u{202e}\u{200b}=cmd|' /C calc'!A0";

fn hostile_analysis() -> Analysis {
    let snap = common::demo();
    let reason = draft::quote(HOSTILE);
    let yaml = format!(
        "suppressions:\n  - rule: container-privileged\n    reason: {reason}\n    owner: {reason}\n  - cluster: {}\n    reason: {reason}\n    expires: 2020-01-01\n  - container: {}\n    reason: {reason}\n",
        draft::quote("nowhere<script>"),
        draft::quote("x\u{1b}[[]2J")
    );
    let mut a = suppressed(&snap, &yaml);
    assert_eq!(a.triage.suppressed[0].entry.reason, HOSTILE, "the reason is read exactly");
    let mut prior = PriorReport::of(&rules::analyze(&snap));
    prior.findings[0].resource = HOSTILE.into();
    prior.findings[0].id = "container-privileged:ffffffffffff".into();
    baseline::apply(&mut a, &prior);
    assert!(!a.triage.expired.is_empty() && !a.triage.stale.is_empty());
    a
}

fn no_controls(name: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\r') || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}')
        })
        .collect();
    assert!(bad.is_empty(), "{name}: control or invisible characters {bad:?}");
}

#[test]
fn hostile_reasons_are_inert_in_every_format() {
    let a = hostile_analysis();
    for format in Format::ALL {
        let text = report::render(format, &a, &Filter::default(), &opts());
        let name = format.as_str();
        match format {
            Format::Summary | Format::Detailed | Format::Executive => {
                no_controls(name, &text);
                assert!(text.contains("INJECTED-HEADING"), "{name}: the reason is shown");
                for tag in ["<script", "<img"] {
                    let raw = text.match_indices(tag).filter(|(i, _)| !text[..*i].ends_with('\\')).count();
                    assert_eq!(raw, 0, "{name}: raw {tag}");
                }
                assert!(
                    !text.lines().any(|l| l.trim_start().starts_with("## INJECTED")),
                    "{name}: an injected heading"
                );
                assert!(
                    !text.contains("**INJECTED-BOLD**") && !text.contains("](http://evil"),
                    "{name}: live Markdown"
                );
                assert!(!text.contains("```INJECTED"), "{name}: a live fence");
            }
            Format::Json | Format::Sarif | Format::Ocsf => {
                let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
                let all = v.to_string();
                assert!(all.contains("INJECTED-HEADING"), "{name}: the reason is carried");
                assert!(!text.contains('\u{1b}'), "{name}: JSON escapes control characters");
            }
            Format::Html => {
                no_controls(name, &text);
                assert!(text.contains("INJECTED-HEADING"));
                assert_eq!(text.matches("<script").count(), 1, "html: only the page's own script");
                assert!(!text.contains("<img") && !text.contains("</script></script>"));
            }
            Format::Csv => {
                let mut r = csv::Reader::from_reader(text.as_bytes());
                let header = r.headers().unwrap().clone();
                let col = header.iter().position(|h| h == "suppression_reason").expect("reason column");
                let reasons: Vec<String> = r.records().map(|x| x.unwrap()[col].to_owned()).collect();
                assert!(
                    reasons.iter().any(|c| c == HOSTILE),
                    "csv keeps the reason exact (it does not start with a formula character)"
                );
            }
            Format::Junit => {
                no_controls(name, &text);
                assert!(!text.contains("<script"));
                let mut reader = quick_xml::Reader::from_str(&text);
                let mut skipped = 0;
                loop {
                    match reader.read_event().unwrap() {
                        quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                            if e.name().as_ref() == b"skipped" =>
                        {
                            skipped += 1
                        }
                        quick_xml::events::Event::Eof => break,
                        _ => {}
                    }
                }
                assert!(skipped >= a.triage.suppressed.len());
                assert!(text.contains("INJECTED-HEADING"));
            }
        }
    }
    for color in [false, true] {
        let text = terminal::render(&a, &Filter::default(), &opts(), &TerminalOptions { width: 100, color });
        assert!(text.contains("INJECTED-HEADING"), "terminal: the reason is shown");
        let leaked: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("]8;;") || l.contains("[2J") || (!color && l.contains('\u{1b}')))
            .collect();
        assert!(leaked.is_empty(), "terminal: an escape from a reason: {leaked:?}");
        let bad: Vec<char> = text.chars().filter(|&c| c.is_control() && c != '\n' && c != '\u{1b}').collect();
        assert!(bad.is_empty(), "terminal: {bad:?}");
    }
    // The suppressed list and the entries to review are in every Markdown format.
    let md = report::render(Format::Summary, &a, &Filter::default(), &opts());
    assert!(
        md.contains("Suppressed findings")
            && md.contains("Suppression entries to review")
            && md.contains("Since the baseline")
    );
}

#[test]
fn sarif_with_suppressions_and_baseline_states_validates() {
    let a = hostile_analysis();
    let validator = crate::sarif_schema::validator(&common::root());
    let sarif: Value = serde_json::from_str(&report::render(Format::Sarif, &a, &Filter::default(), &opts())).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&sarif).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF does not validate:\n{}", errors.join("\n"));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let b = a.triage.baseline.as_ref().unwrap();
    assert_eq!(results.len(), a.findings.len() + a.triage.suppressed.len() + b.absent.len());
    let with = |k: &str| results.iter().filter(|r| r.get(k).is_some()).count();
    assert_eq!(with("suppressions"), a.triage.suppressed.len());
    assert_eq!(with("baselineState"), results.len());
    for r in results.iter().filter(|r| r.get("suppressions").is_some()) {
        assert_eq!(r["suppressions"][0]["kind"], "external");
        assert_eq!(r["suppressions"][0]["justification"], HOSTILE);
    }
    let states: BTreeSet<&str> = results.iter().filter_map(|r| r["baselineState"].as_str()).collect();
    assert_eq!(states, BTreeSet::from(["absent", "new", "unchanged"]));
    for r in results {
        let fp = r["partialFingerprints"]["ecsSecurityFinding/v2"].as_str().unwrap();
        let state = r["baselineState"].as_str().unwrap();
        let expected = b.state(fp).map_or("absent", |s| s.as_str());
        assert_eq!(state, expected, "{fp}");
    }
}

#[test]
fn a_draft_entry_parses_and_matches_its_finding_and_the_next_revision() {
    let snap = common::demo();
    let full = rules::analyze(&snap);
    let input = DraftInput {
        reason: HOSTILE.into(),
        owner: Some("platform\nteam: injected".into()),
        expires: NaiveDate::from_ymd_opt(2027, 3, 31),
    };
    let mut checked = 0;
    for f in full.findings.iter().filter(|f| f.resource.path.container.is_some()).step_by(7) {
        let text = draft::file(&full, f, &input);
        let file = suppress::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(file.entries.len(), 1);
        let e = &file.entries[0];
        assert_eq!(e.reason, HOSTILE);
        assert_eq!(e.owner.as_deref(), Some("platform\nteam: injected"));
        let mut a = full.clone();
        suppress::apply(&mut a, &file, &TagIndex::of(&snap), today(), "f");
        assert!(suppressed_ids(&a).contains(&f.id), "{text}");
        // The same container in the next task-definition revision matches too.
        if let Some(arn) = f.resource.arn.as_deref().filter(|a| a.contains(":task-definition/")) {
            let (head, _) = arn.rsplit_once(':').unwrap();
            let mut next = f.clone();
            next.resource.arn = Some(format!("{head}:9999"));
            assert!(e.matches(&next, &full, &[]), "{text}");
        }
        checked += 1;
    }
    assert!(checked > 3);
}

/// "What changed since the last analysis": a finding a suppression accepted in between is
/// still on the cluster, so it is counted as newly suppressed, not fixed; lifting the
/// suppression again does not make it new.
#[test]
fn a_suppression_between_two_analyses_is_not_a_fix() {
    use ecs_security_core::report::digest::Changes;
    let snap = common::demo();
    let before = rules::analyze(&snap);
    let after = suppressed(&snap, &entry("rule: container-privileged"));
    let accepted = suppressed_ids(&after);
    assert!(!accepted.is_empty(), "the demo has privileged containers");

    let changes = Changes::between(&before, &after);
    assert_eq!((changes.new, changes.fixed, changes.newly_suppressed), (0, 0, accepted.len()));

    let back = Changes::between(&after, &before);
    assert_eq!((back.new, back.fixed, back.newly_suppressed), (0, 0, 0));

    // A finding that is really gone still counts as fixed.
    let mut fixed = before.clone();
    let gone = fixed.findings.pop().expect("the demo has findings");
    let c = Changes::between(&before, &fixed);
    assert_eq!((c.fixed, c.fixed_ids.clone()), (1, vec![gone.id]));
}
