//! The HTML report for people: one self-contained file to open and forward, rendered with
//! minijinja from the templates in `report/templates/` (embedded in the binary).
//!
//! Self-contained and offline: inline CSS, inline SVG charts, a little inline script (filter
//! by severity and category, copy buttons), and a `Content-Security-Policy` that forbids
//! every request to any host and any inline code but these two ([`csp`]). The page is fully readable without script and
//! printable to PDF. Every AWS-derived string reaches the page through minijinja's HTML
//! autoescaping, after [`strip_controls`] (no control, bidi or zero-width characters); none
//! is ever marked safe (only the crate's own style and script are), and none is used in a URL. Reference links point at AWS
//! documentation from the rule catalog and load nothing until clicked.
//!
//! The `<html>` element carries `data-score`, `data-risk`, `data-findings` (whole cluster)
//! and `data-shown-findings` (after the filter); each finding row `data-rule-id`,
//! `data-severity` and `data-category`. Evidence is always shown: this is the full report.

use std::collections::BTreeMap;

use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, context};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::people::{by_rule, confidence_name, evaluation_state, permissions};
use super::{ReportOptions, filter_line};
use crate::compliance::{self, ControlStatus, Framework};
use crate::rules::{Analysis, Category, Filter, Finding, Rule, Severity};
use crate::text::strip_controls;

/// The page's Content-Security-Policy: nothing may be fetched from anywhere; only the page's
/// own inline style and script run, named by their SHA-256 hashes (no `'unsafe-inline'`, so
/// markup that slipped into the page could neither run script nor restyle it); images only
/// from `data:` URLs.
pub fn csp() -> String {
    format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; img-src data:; font-src 'none'; \
         connect-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )
}

/// A CSP hash source (`sha256-<base64>`) of an inline element's exact text.
fn csp_hash(text: &str) -> String {
    use base64::Engine as _;
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes())))
}

const PAGE: &str = include_str!("templates/report.html");
/// Macros both pages import: the filter form and a rule's fix.
const PARTS: &str = include_str!("templates/parts.html");
const STYLE: &str = include_str!("templates/report.css");
const SCRIPT: &str = include_str!("templates/report.js");

#[derive(Serialize)]
struct Bar {
    label: String,
    count: usize,
    /// A CSS class: the severity in lower case, or `category`.
    class: String,
    /// Bar length in SVG units.
    width: usize,
    y: usize,
}

#[derive(Serialize)]
struct Row {
    /// The finding's id (what get_finding_details takes).
    id: String,
    resource: String,
    arn: Option<String>,
    message: String,
    severity: Severity,
    severity_class: String,
    evidence: Vec<(String, String)>,
}

#[derive(Serialize)]
pub(super) struct Group {
    rule: &'static Rule,
    severity: Severity,
    severity_class: String,
    confidence: &'static str,
    compliance: Vec<String>,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct ControlRow {
    id: &'static str,
    title: &'static str,
    status: &'static str,
}

#[derive(Serialize)]
struct FrameworkView {
    id: &'static str,
    name: &'static str,
    version: &'static str,
    passed: usize,
    failed: usize,
    not_evaluated: usize,
    not_applicable: usize,
    percent: u8,
    /// Segment widths of the stacked bar (SVG units, 0–100): passed, failed, not evaluated.
    bar: [usize; 3],
    controls: Vec<ControlRow>,
}

#[derive(Serialize)]
struct GapView {
    rule_id: &'static str,
    title: &'static str,
    state: &'static str,
    reasons: Vec<String>,
    permissions: Vec<String>,
}

#[derive(Serialize)]
struct SuppressedRow {
    id: String,
    severity: Severity,
    rule_id: &'static str,
    resource: String,
    reason: String,
    entry: String,
    owner: Option<String>,
    expires: Option<String>,
}

#[derive(Serialize)]
struct ReviewRow {
    state: &'static str,
    entry: String,
    reason: String,
}

#[derive(Serialize)]
struct BaselineView {
    collected_at: String,
    new: usize,
    unchanged: usize,
    updated: usize,
    absent: usize,
}

fn suppressed_rows(view: &Analysis) -> Vec<SuppressedRow> {
    view.triage
        .suppressed
        .iter()
        .map(|s| SuppressedRow {
            id: clean(&s.finding.id),
            severity: s.finding.severity,
            rule_id: s.finding.rule.id,
            resource: clean(&s.finding.resource.to_string()),
            reason: clean(&s.entry.reason),
            entry: clean(&s.entry.to_string()),
            owner: s.entry.owner.as_deref().map(clean),
            expires: s.entry.expires.as_deref().map(clean),
        })
        .collect()
}

fn review_rows(view: &Analysis) -> Vec<ReviewRow> {
    let t = &view.triage;
    let row = |state, e: &crate::triage::EntrySummary| ReviewRow {
        state,
        entry: clean(&e.to_string()),
        reason: clean(&e.reason),
    };
    t.expired
        .iter()
        .map(|e| row("Expired", e))
        .chain(t.stale.iter().map(|e| row("Stale (matched nothing)", e)))
        .collect()
}

fn baseline_view(view: &Analysis) -> Option<BaselineView> {
    use crate::triage::BaselineState as B;
    let b = view.triage.baseline.as_ref()?;
    let count = |s: B| b.states.values().filter(|v| **v == s).count();
    Some(BaselineView {
        collected_at: clean(&b.collected_at),
        new: count(B::New),
        unchanged: count(B::Unchanged),
        updated: count(B::Updated),
        absent: b.absent.len(),
    })
}

/// Text from AWS, made displayable: no controls, bidi or zero-width characters. Escaping is
/// the template engine's.
pub(super) fn clean(text: &str) -> String {
    strip_controls(text)
}

pub(super) fn class(s: Severity) -> String {
    s.as_str().to_ascii_lowercase()
}

/// `part` of `whole` in units of 100, rounded; never 0 for a non-zero part.
fn scale(part: usize, whole: usize) -> usize {
    if part == 0 || whole == 0 { 0 } else { ((part * 100 + whole / 2) / whole).max(1) }
}

/// The longest bar, in SVG units.
const BAR: usize = 150;

fn severity_bars(view: &Analysis) -> Vec<Bar> {
    let counts = view.counts();
    let max = Severity::ALL.iter().map(|&s| counts.get(s)).max().unwrap_or(0);
    Severity::ALL
        .iter()
        .enumerate()
        .map(|(i, &s)| Bar {
            label: s.as_str().to_owned(),
            count: counts.get(s),
            class: class(s),
            width: scale(counts.get(s), max) * BAR / 100,
            y: i * 24,
        })
        .collect()
}

fn category_bars(view: &Analysis) -> Vec<Bar> {
    let mut by: BTreeMap<Category, usize> = BTreeMap::new();
    for f in &view.findings {
        *by.entry(f.rule.category).or_default() += 1;
    }
    let mut list: Vec<(Category, usize)> = by.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let max = list.first().map_or(0, |x| x.1);
    list.into_iter()
        .enumerate()
        .map(|(i, (c, n))| Bar {
            label: c.as_str().to_owned(),
            count: n,
            class: "category".into(),
            width: scale(n, max) * BAR / 100,
            y: i * 24,
        })
        .collect()
}

pub(super) fn group(rule: &'static Rule, findings: &[&Finding]) -> Group {
    let severity = findings.iter().map(|f| f.severity).max().unwrap_or(rule.severity);
    Group {
        rule,
        severity,
        severity_class: class(severity),
        confidence: confidence_name(rule.confidence),
        compliance: compliance::controls_for_rule(rule.id),
        rows: findings
            .iter()
            .map(|f| Row {
                id: clean(&f.id),
                resource: clean(&f.resource.to_string()),
                arn: f.resource.arn.as_deref().map(clean),
                message: clean(&f.message),
                severity: f.severity,
                severity_class: class(f.severity),
                evidence: f.evidence.iter().map(|e| (clean(&e.key), clean(&e.value))).collect(),
            })
            .collect(),
    }
}

fn framework(full: &Analysis, fw: Framework) -> FrameworkView {
    let r = compliance::evaluate(full, fw);
    let s = r.summary;
    let decided = s.passed + s.failed + s.not_evaluated;
    FrameworkView {
        id: fw.id(),
        name: r.name,
        version: r.version,
        passed: s.passed,
        failed: s.failed,
        not_evaluated: s.not_evaluated,
        not_applicable: s.not_applicable,
        percent: s.percent,
        bar: [scale(s.passed, decided), scale(s.failed, decided), scale(s.not_evaluated, decided)],
        controls: r
            .controls
            .iter()
            .map(|c| ControlRow {
                id: c.id,
                title: c.title,
                status: match c.status {
                    ControlStatus::Fail => "fail",
                    ControlStatus::Pass => "pass",
                    ControlStatus::NotEvaluated => "not-evaluated",
                    ControlStatus::NeedsReview => "needs-review",
                    ControlStatus::NotApplicable => "not-applicable",
                },
            })
            .collect(),
    }
}

fn gaps(view: &Analysis) -> Vec<GapView> {
    view.not_evaluated()
        .map(|r| GapView {
            rule_id: r.rule.id,
            title: r.rule.title,
            state: evaluation_state(r),
            reasons: r.gaps().iter().map(|g| clean(&g.reason)).collect(),
            permissions: permissions(r),
        })
        .collect()
}

/// The score gauge's arc: (filled length, circumference) of a circle of radius 52.
fn gauge(score: u8) -> (String, String) {
    let circumference = 2.0 * std::f64::consts::PI * 52.0;
    (format!("{:.2}", circumference * f64::from(score) / 100.0), format!("{circumference:.2}"))
}

pub(super) fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(minijinja::syntax::SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).build()?);
    // Autoescaping follows the template name (HTML). The static style and script are this
    // crate's own constants, passed in verbatim so their CSP hashes match; both pages have
    // them, the policy and the tool's name and version.
    env.add_global("csp", csp());
    env.add_global("style", STYLE);
    env.add_global("script", SCRIPT);
    env.add_global("tool", crate::TOOL_NAME);
    env.add_global("version", crate::TOOL_VERSION);
    env.add_template("parts.html", PARTS)?;
    env.add_template("report.html", PAGE)?;
    env.add_template("fleet.html", super::fleet_html::PAGE)?;
    Ok(env)
}

/// Renders the HTML report of `full` seen through `filter`.
pub fn render(full: &Analysis, filter: &Filter, opts: &ReportOptions) -> String {
    let view = full.filtered(filter);
    let o = &full.overall;
    let groups: Vec<Group> = by_rule(&view.findings).into_iter().map(|(r, f)| group(r, &f)).collect();
    let mut categories: Vec<&str> = groups.iter().map(|g| g.rule.category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    let (gauge_fill, gauge_total) = gauge(o.score);
    let ctx = context! {
        cluster => clean(&full.cluster_name),
        cluster_arn => clean(&full.cluster_arn),
        region => clean(&full.region),
        account_id => full.account_id.as_deref().map(clean),
        collected_at => clean(&full.collected_at),
        generated_at => clean(&opts.generated_at),
        score => o.score,
        gauge_fill,
        gauge_total,
        risk => o.risk_level.as_str(),
        risk_class => o.risk_level.as_str().to_ascii_lowercase(),
        total_findings => o.total_findings,
        by_severity => Serde(o.by_severity),
        shown_findings => view.findings.len(),
        filter_line => filter_line(filter, view.findings.len(), o.total_findings),
        coverage_percent => o.coverage_percent,
        rules_failed => o.rules_failed,
        rules_passed => o.rules_passed,
        rules_not_evaluated => o.rules_not_evaluated,
        rules_not_applicable => o.rules_not_applicable,
        severity_bars => Serde(severity_bars(&view)),
        category_bars => Serde(category_bars(&view)),
        severities => Severity::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        categories,
        groups => Serde(groups),
        frameworks => Serde(Framework::ALL.iter().map(|&fw| framework(full, fw)).collect::<Vec<_>>()),
        gaps => Serde(gaps(&view)),
        suppressions => full.triage.suppressions.as_deref().map(clean),
        suppressed => Serde(suppressed_rows(&view)),
        review => Serde(review_rows(&view)),
        baseline => Serde(baseline_view(&view)),
    };
    environment().and_then(|env| env.get_template("report.html")?.render(ctx)).unwrap_or_else(|e| {
        // Only a broken template gets here; the tests render every template.
        format!(
            "<!doctype html><meta charset=\"utf-8\"><title>Report error</title><p>The report could not be rendered: {}</p>",
            minijinja::HtmlEscape(&e.to_string())
        )
    })
}
