//! The fleet's HTML report: one self-contained page with the clusters ranked by risk, the
//! roll-up by rule, the coverage of each account-region, what could not be read, and each
//! cluster's findings grouped by rule (account, region and cluster on every finding row),
//! then the fix of every rule found (steps and copyable AWS CLI, Terraform and
//! CloudFormation).
//!
//! It is the cluster report's page in every way that matters for safety ([`super::html`]):
//! the same minijinja environment with HTML autoescaping, the same stylesheet and script
//! under the same `Content-Security-Policy` (their SHA-256 hashes, nothing fetched from
//! anywhere), and every string from AWS or a scan file cleaned of controls and escaped.
//!
//! The `<html>` element carries `data-findings` (every analysed cluster),
//! `data-shown-findings` (after the filter), `data-critical` … `data-low`, `data-risk`,
//! `data-clusters`, `data-clusters-failed`, `data-accounts`, `data-regions` and
//! `data-complete`; each finding row `data-finding-id`, `data-rule-id`, `data-severity`,
//! `data-category`, `data-account`, `data-region` and `data-cluster`.

use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::ReportOptions;
use super::fleet::Fleet;
use super::html::{Group, class, clean, environment, group};
use super::people::by_rule;
use crate::rules::{Filter, Rule, Severity, SeverityCounts};

pub(super) const PAGE: &str = include_str!("templates/fleet.html");

#[derive(Serialize)]
struct RankRow {
    rank: usize,
    account_id: String,
    region: String,
    cluster: String,
    cluster_arn: String,
    score: u8,
    risk_level: &'static str,
    risk_class: String,
    by_severity: SeverityCounts,
    coverage_percent: u8,
}

#[derive(Serialize)]
struct RollupRow {
    rule_id: &'static str,
    title: &'static str,
    severity: Severity,
    severity_class: String,
    findings: usize,
    clusters: usize,
    accounts: usize,
    regions: usize,
}

#[derive(Serialize)]
struct CoverageRow {
    account_id: String,
    region: String,
    status: &'static str,
    /// `pass`, `fail` or `not-evaluated`: the stylesheet's status classes.
    status_class: &'static str,
    clusters_found: usize,
    clusters_analysed: usize,
    clusters_failed: usize,
    clusters_filtered_out: usize,
    rules_not_evaluated: usize,
    gaps: Vec<String>,
    permissions_to_add: Vec<String>,
}

#[derive(Serialize)]
struct FailureRow {
    account_id: String,
    region: String,
    cluster: Option<String>,
    stage: String,
    code: String,
    message: String,
    remedy: String,
}

#[derive(Serialize)]
struct ClusterView {
    rank: usize,
    account_id: String,
    region: String,
    cluster: String,
    score: u8,
    risk_level: &'static str,
    risk_class: String,
    collected_at: String,
    shown: usize,
    groups: Vec<Group>,
}

/// Renders the fleet's HTML report, its findings seen through `filter`.
pub fn render(fleet: &Fleet, filter: &Filter, opts: &ReportOptions) -> String {
    let t = fleet.totals();
    let ranking: Vec<RankRow> = fleet
        .ranking()
        .into_iter()
        .map(|r| RankRow {
            rank: r.rank,
            account_id: clean(&r.account_id),
            region: clean(&r.region),
            cluster: clean(&r.cluster),
            cluster_arn: clean(&r.cluster_arn),
            score: r.score,
            risk_level: r.risk_level.as_str(),
            risk_class: r.risk_level.as_str().to_ascii_lowercase(),
            by_severity: r.by_severity,
            coverage_percent: r.coverage_percent,
        })
        .collect();
    let rollup = fleet.rollup(filter);
    // The fixes, in the roll-up's order: most severe and most widespread first.
    let fixes: Vec<&'static Rule> = rollup.iter().filter_map(|r| crate::rules::by_id(r.rule_id)).collect();
    let rollup: Vec<RollupRow> = rollup
        .into_iter()
        .map(|r| RollupRow {
            rule_id: r.rule_id,
            title: r.title,
            severity: r.severity,
            severity_class: class(r.severity),
            findings: r.findings,
            clusters: r.clusters,
            accounts: r.accounts,
            regions: r.regions,
        })
        .collect();
    let coverage: Vec<CoverageRow> = fleet
        .coverage
        .iter()
        .map(|c| CoverageRow {
            account_id: clean(&c.account_id),
            region: clean(&c.region),
            status: c.status,
            status_class: match c.status {
                "complete" => "pass",
                "failed" => "fail",
                _ => "not-evaluated",
            },
            clusters_found: c.clusters_found,
            clusters_analysed: c.clusters_analysed,
            clusters_failed: c.clusters_failed,
            clusters_filtered_out: c.clusters_filtered_out,
            rules_not_evaluated: c.rules_not_evaluated,
            gaps: c.gaps.iter().map(|g| clean(g)).collect(),
            permissions_to_add: c.permissions_to_add.iter().map(|p| clean(p)).collect(),
        })
        .collect();
    let failures: Vec<FailureRow> = fleet
        .failures
        .iter()
        .map(|f| FailureRow {
            account_id: clean(&f.account_id),
            region: clean(&f.region),
            cluster: f.cluster.as_deref().map(clean),
            stage: clean(&f.failure.stage),
            code: clean(&f.failure.code),
            message: clean(&f.failure.message),
            remedy: clean(&f.failure.remedy),
        })
        .collect();
    let mut categories: Vec<&'static str> = Vec::new();
    let mut shown_findings = 0;
    let clusters: Vec<ClusterView> = fleet
        .clusters
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let view = c.analysis.filtered(filter);
            let o = &c.analysis.overall;
            shown_findings += view.findings.len();
            let groups: Vec<Group> = by_rule(&view.findings)
                .into_iter()
                .map(|(rule, list)| {
                    categories.push(rule.category.as_str());
                    group(rule, &list)
                })
                .collect();
            ClusterView {
                rank: i + 1,
                account_id: clean(&c.account_id),
                region: clean(&c.region),
                cluster: clean(&c.analysis.cluster_name),
                score: o.score,
                risk_level: o.risk_level.as_str(),
                risk_class: o.risk_level.as_str().to_ascii_lowercase(),
                collected_at: clean(&c.analysis.collected_at),
                shown: view.findings.len(),
                groups,
            }
        })
        .collect();
    categories.sort_unstable();
    categories.dedup();
    let ctx = context! {
        started_at => clean(&fleet.started_at),
        generated_at => clean(&opts.generated_at),
        complete => fleet.complete(),
        incomplete_reasons => fleet.incomplete_reasons(),
        accounts => t.accounts,
        regions => t.regions,
        account_regions => t.account_regions,
        account_regions_failed => t.account_regions_failed,
        clusters_analysed => t.clusters_analysed,
        clusters_failed => t.clusters_failed,
        risk => t.risk_level.as_str(),
        risk_class => t.risk_level.as_str().to_ascii_lowercase(),
        total_findings => t.total_findings,
        by_severity => Serde(t.by_severity),
        shown_findings,
        filtered => !filter.is_empty(),
        severities => Severity::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        categories,
        ranking => Serde(ranking),
        rollup => Serde(rollup),
        coverage => Serde(coverage),
        failures => Serde(failures),
        notes => fleet.notes.iter().map(|n| clean(n)).collect::<Vec<_>>(),
        clusters => Serde(clusters),
        fixes => Serde(fixes),
    };
    environment().and_then(|env| env.get_template("fleet.html")?.render(ctx)).unwrap_or_else(|e| {
        // Only a broken template gets here; the tests render it.
        format!(
            "<!doctype html><meta charset=\"utf-8\"><title>Report error</title><p>The fleet report could not be rendered: {}</p>",
            minijinja::HtmlEscape(&e.to_string())
        )
    })
}
