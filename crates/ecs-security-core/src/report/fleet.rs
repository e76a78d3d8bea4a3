//! The fleet report: every cluster of a [`FleetScan`] analysed, ranked by risk, with a
//! roll-up by rule across accounts and regions and the coverage of each account-region.
//!
//! Partial failure is data: an account-region or a cluster that could not be read is listed
//! with its reason and remedy, counts only what was seen, and makes the report
//! `complete: false`. Nothing unseen is reported as passed.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Value, json};

use super::json::{FindingDto, ToolInfo};
use super::{ReportOptions, counts_line, risk_icon, sarif, severity_icon};
use crate::model::fleet::{FleetScan, ScanFailure};
use crate::rules::{self, Analysis, Filter, RiskLevel, Severity, SeverityCounts};
use crate::text::{md, md_limit};

/// The version of the fleet JSON contract.
pub const FLEET_REPORT_SCHEMA_VERSION: u32 = 1;

/// How many rows the Markdown summary shows per table before pointing at the full report.
const SUMMARY_ROWS: usize = 15;

/// One analysed cluster with where it lives.
#[derive(Debug, Clone)]
pub struct FleetCluster {
    pub account_id: String,
    pub region: String,
    pub analysis: Analysis,
}

/// A scan analysed: clusters ranked worst first, failures and coverage.
#[derive(Debug, Clone)]
pub struct Fleet {
    pub started_at: String,
    pub notes: Vec<String>,
    /// Worst first: lowest score, then most Critical, High, … findings, then by place.
    pub clusters: Vec<FleetCluster>,
    pub failures: Vec<FleetFailure>,
    pub coverage: Vec<TargetCoverage>,
}

/// Something that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetFailure {
    pub account_id: String,
    pub region: String,
    /// The cluster, when only that cluster failed.
    pub cluster: Option<String>,
    #[serde(flatten)]
    pub failure: ScanFailure,
}

/// What was read in one account-region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetCoverage {
    pub account_id: String,
    pub region: String,
    /// `complete`, `partial` (some cluster or call failed) or `failed` (nothing was read).
    pub status: &'static str,
    pub clusters_found: usize,
    pub clusters_analysed: usize,
    pub clusters_failed: usize,
    pub clusters_filtered_out: usize,
    /// Calls that failed inside analysed clusters, as `service:Operation (ErrorCode)`.
    pub gaps: Vec<String>,
    /// Rules that could not be (fully) evaluated, summed over the clusters.
    pub rules_not_evaluated: usize,
    /// IAM actions to grant so the next scan can read what was denied.
    pub permissions_to_add: Vec<String>,
}

/// A cluster's place in the ranking.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterRank {
    pub rank: usize,
    pub account_id: String,
    pub region: String,
    pub cluster: String,
    pub cluster_arn: String,
    pub score: u8,
    pub risk_level: RiskLevel,
    pub total_findings: usize,
    pub by_severity: SeverityCounts,
    /// Applicable rules evaluated on complete data, in percent.
    pub coverage_percent: u8,
    pub collected_at: String,
}

/// One rule across the fleet.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRollup {
    pub rule_id: &'static str,
    pub title: &'static str,
    /// The most severe finding of the rule.
    pub severity: Severity,
    pub findings: usize,
    pub clusters: usize,
    pub accounts: usize,
    pub regions: usize,
    /// e.g. `Privileged containers: 14 clusters in 5 accounts`.
    pub summary: String,
}

/// A finding with the account, region and cluster it was found in.
#[derive(Debug, Serialize)]
pub struct FleetFinding {
    pub account_id: String,
    pub region: String,
    pub cluster: String,
    #[serde(flatten)]
    pub finding: FindingDto,
}

/// Fleet-wide counts.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub accounts: usize,
    pub regions: usize,
    pub account_regions: usize,
    pub account_regions_failed: usize,
    pub clusters_analysed: usize,
    pub clusters_failed: usize,
    pub total_findings: usize,
    pub by_severity: SeverityCounts,
    /// From the most severe finding in any analysed cluster.
    pub risk_level: RiskLevel,
    /// AWS API calls made to collect the analysed clusters, by `service:Operation`.
    pub api_calls: BTreeMap<String, u64>,
}

/// The JSON contract of the fleet report.
#[derive(Debug, Serialize)]
pub struct FleetReport {
    pub schema_version: u32,
    pub tool: ToolInfo,
    pub started_at: String,
    pub generated_at: String,
    /// True only when every account-region and cluster was read without a gap.
    pub complete: bool,
    pub incomplete_reasons: Vec<String>,
    pub filters: Filter,
    pub totals: Totals,
    pub clusters: Vec<ClusterRank>,
    pub rules: Vec<RuleRollup>,
    pub coverage: Vec<TargetCoverage>,
    pub failures: Vec<FleetFailure>,
    pub notes: Vec<String>,
    pub findings: Vec<FleetFinding>,
}

fn severity_key(c: &SeverityCounts) -> [std::cmp::Reverse<usize>; 4] {
    [c.critical, c.high, c.medium, c.low].map(std::cmp::Reverse)
}

impl Fleet {
    /// Analyses every snapshot of the scan.
    pub fn of(scan: &FleetScan) -> Fleet {
        let mut clusters = Vec::new();
        let mut failures = Vec::new();
        let mut coverage = Vec::new();
        for t in &scan.targets {
            let mut cov = TargetCoverage {
                account_id: t.account_id.clone(),
                region: t.region.clone(),
                status: "complete",
                clusters_found: t.clusters.len(),
                clusters_analysed: 0,
                clusters_failed: 0,
                clusters_filtered_out: t.clusters_filtered_out,
                gaps: Vec::new(),
                rules_not_evaluated: 0,
                permissions_to_add: Vec::new(),
            };
            let mut gaps = BTreeSet::new();
            let mut permissions = BTreeSet::new();
            if let Some(f) = &t.failure {
                cov.status = "failed";
                if f.stage == "assume-role" && f.code == "AccessDenied" {
                    permissions.insert("sts:AssumeRole".to_owned());
                }
                failures.push(FleetFailure {
                    account_id: t.account_id.clone(),
                    region: t.region.clone(),
                    cluster: None,
                    failure: f.clone(),
                });
            }
            for c in &t.clusters {
                match (&c.snapshot, &c.failure) {
                    (Some(snapshot), _) => {
                        let analysis = rules::analyze(snapshot);
                        cov.clusters_analysed += 1;
                        cov.rules_not_evaluated += analysis.not_evaluated().count();
                        for g in &analysis.gaps {
                            gaps.insert(format!("{} ({})", g.iam_action(), g.error_code));
                            if g.is_access_denied() {
                                permissions.insert(g.iam_action());
                            }
                        }
                        clusters.push(FleetCluster {
                            account_id: t.account_id.clone(),
                            region: t.region.clone(),
                            analysis,
                        });
                    }
                    (None, failure) => {
                        cov.clusters_failed += 1;
                        let failure = failure.clone().unwrap_or_else(|| ScanFailure {
                            stage: "collect-cluster".into(),
                            code: "NotCollected".into(),
                            message: "the scan recorded this cluster without a snapshot or a reason".into(),
                            remedy: "scan again".into(),
                        });
                        if failure.code.to_ascii_lowercase().contains("accessdenied") {
                            permissions.insert("ecs:DescribeClusters".to_owned());
                        }
                        failures.push(FleetFailure {
                            account_id: t.account_id.clone(),
                            region: t.region.clone(),
                            cluster: Some(c.name.clone()),
                            failure,
                        });
                    }
                }
            }
            if cov.status != "failed" && (cov.clusters_failed > 0 || !gaps.is_empty()) {
                cov.status = "partial";
            }
            cov.gaps = gaps.into_iter().collect();
            cov.permissions_to_add = permissions.into_iter().collect();
            coverage.push(cov);
        }
        clusters.sort_by(|a, b| {
            let (x, y) = (&a.analysis.overall, &b.analysis.overall);
            (x.score, severity_key(&x.by_severity), &a.account_id, &a.region, &a.analysis.cluster_name).cmp(&(
                y.score,
                severity_key(&y.by_severity),
                &b.account_id,
                &b.region,
                &b.analysis.cluster_name,
            ))
        });
        Fleet { started_at: scan.started_at.clone(), notes: scan.notes.clone(), clusters, failures, coverage }
    }

    /// True when every account-region and cluster was read without a gap.
    pub fn complete(&self) -> bool {
        self.incomplete_reasons().is_empty()
    }

    /// Why the report is not complete, one sentence each.
    pub fn incomplete_reasons(&self) -> Vec<String> {
        let mut out = Vec::new();
        let failed: Vec<&TargetCoverage> = self.coverage.iter().filter(|c| c.status == "failed").collect();
        if !failed.is_empty() {
            out.push(format!("{} account-region(s) could not be read at all", failed.len()));
        }
        let clusters: usize = self.coverage.iter().map(|c| c.clusters_failed).sum();
        if clusters > 0 {
            out.push(format!("{clusters} cluster(s) could not be collected"));
        }
        let gapped = self.coverage.iter().filter(|c| !c.gaps.is_empty()).count();
        if gapped > 0 {
            out.push(format!("{gapped} account-region(s) have AWS calls that failed inside analysed clusters"));
        }
        out
    }

    /// The ranking rows.
    pub fn ranking(&self) -> Vec<ClusterRank> {
        self.clusters
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let o = &c.analysis.overall;
                ClusterRank {
                    rank: i + 1,
                    account_id: c.account_id.clone(),
                    region: c.region.clone(),
                    cluster: c.analysis.cluster_name.clone(),
                    cluster_arn: c.analysis.cluster_arn.clone(),
                    score: o.score,
                    risk_level: o.risk_level,
                    total_findings: o.total_findings,
                    by_severity: o.by_severity,
                    coverage_percent: o.coverage_percent,
                    collected_at: c.analysis.collected_at.clone(),
                }
            })
            .collect()
    }

    /// The roll-up by rule of the findings the filter allows: most severe, then most
    /// widespread first.
    pub fn rollup(&self, filter: &Filter) -> Vec<RuleRollup> {
        struct Acc {
            rule: &'static rules::Rule,
            severity: Severity,
            findings: usize,
            clusters: BTreeSet<(String, String, String)>,
            accounts: BTreeSet<String>,
            regions: BTreeSet<String>,
        }
        let mut by_rule: BTreeMap<&'static str, Acc> = BTreeMap::new();
        for c in &self.clusters {
            for f in c.analysis.findings.iter().filter(|f| filter.allows(f)) {
                let acc = by_rule.entry(f.rule.id).or_insert_with(|| Acc {
                    rule: f.rule,
                    severity: f.severity,
                    findings: 0,
                    clusters: BTreeSet::new(),
                    accounts: BTreeSet::new(),
                    regions: BTreeSet::new(),
                });
                acc.severity = acc.severity.max(f.severity);
                acc.findings += 1;
                acc.clusters.insert((c.account_id.clone(), c.region.clone(), c.analysis.cluster_name.clone()));
                acc.accounts.insert(c.account_id.clone());
                acc.regions.insert(c.region.clone());
            }
        }
        let mut out: Vec<RuleRollup> = by_rule
            .into_values()
            .map(|a| {
                let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
                RuleRollup {
                    rule_id: a.rule.id,
                    title: a.rule.title,
                    severity: a.severity,
                    findings: a.findings,
                    clusters: a.clusters.len(),
                    accounts: a.accounts.len(),
                    regions: a.regions.len(),
                    summary: format!(
                        "{}: {} in {}",
                        a.rule.title,
                        plural(a.clusters.len(), "cluster", "clusters"),
                        plural(a.accounts.len(), "account", "accounts")
                    ),
                }
            })
            .collect();
        out.sort_by(|a, b| {
            (std::cmp::Reverse(a.severity), std::cmp::Reverse(a.clusters), std::cmp::Reverse(a.findings), a.rule_id)
                .cmp(&(
                    std::cmp::Reverse(b.severity),
                    std::cmp::Reverse(b.clusters),
                    std::cmp::Reverse(b.findings),
                    b.rule_id,
                ))
        });
        out
    }

    /// Fleet-wide counts over every analysed cluster (not filtered).
    pub fn totals(&self) -> Totals {
        let accounts: BTreeSet<&str> = self.coverage.iter().map(|c| c.account_id.as_str()).collect();
        let regions: BTreeSet<&str> = self.coverage.iter().map(|c| c.region.as_str()).collect();
        let mut by_severity = SeverityCounts::default();
        let mut api_calls = BTreeMap::new();
        for c in &self.clusters {
            let s = &c.analysis.overall.by_severity;
            by_severity.critical += s.critical;
            by_severity.high += s.high;
            by_severity.medium += s.medium;
            by_severity.low += s.low;
            for (op, n) in &c.analysis.stats.api_calls {
                *api_calls.entry(op.clone()).or_default() += n;
            }
        }
        let risk_level =
            self.clusters.iter().map(|c| c.analysis.overall.risk_level).max().unwrap_or(RiskLevel::Minimal);
        Totals {
            accounts: accounts.len(),
            regions: regions.len(),
            account_regions: self.coverage.len(),
            account_regions_failed: self.coverage.iter().filter(|c| c.status == "failed").count(),
            clusters_analysed: self.clusters.len(),
            clusters_failed: self.coverage.iter().map(|c| c.clusters_failed).sum(),
            total_findings: by_severity.total(),
            by_severity,
            risk_level,
            api_calls,
        }
    }

    /// Every finding the filter allows, with its place, in ranking order.
    pub fn findings(&self, filter: &Filter, opts: &ReportOptions) -> Vec<FleetFinding> {
        self.clusters
            .iter()
            .flat_map(|c| {
                super::json::build(&c.analysis, filter, opts).findings.into_iter().map(|finding| FleetFinding {
                    account_id: c.account_id.clone(),
                    region: c.region.clone(),
                    cluster: c.analysis.cluster_name.clone(),
                    finding,
                })
            })
            .collect()
    }

    /// The JSON contract.
    pub fn build(&self, filter: &Filter, opts: &ReportOptions) -> FleetReport {
        FleetReport {
            schema_version: FLEET_REPORT_SCHEMA_VERSION,
            tool: ToolInfo { name: crate::TOOL_NAME, version: crate::TOOL_VERSION },
            started_at: self.started_at.clone(),
            generated_at: opts.generated_at.clone(),
            complete: self.complete(),
            incomplete_reasons: self.incomplete_reasons(),
            filters: filter.clone(),
            totals: self.totals(),
            clusters: self.ranking(),
            rules: self.rollup(filter),
            coverage: self.coverage.clone(),
            failures: self.failures.clone(),
            notes: self.notes.clone(),
            findings: self.findings(filter, opts),
        }
    }
}

/// The fleet report in a report format (the terminal view is [`super::fleet_terminal`]).
pub fn render(format: super::Format, fleet: &Fleet, filter: &Filter, opts: &ReportOptions) -> String {
    use super::Format;
    use super::fleet_exports as exports;
    // Serialising these plain types cannot fail.
    match format {
        Format::Json => serde_json::to_string_pretty(&fleet.build(filter, opts)).unwrap_or_default(), // ok: plain data
        Format::Summary => summary(fleet, filter, false),
        Format::Detailed => summary(fleet, filter, true),
        Format::Executive => executive(fleet, filter),
        Format::Sarif => serde_json::to_string_pretty(&sarif_log(fleet, filter, opts)).unwrap_or_default(), // ok: plain data
        Format::Html => super::fleet_html::render(fleet, filter, opts),
        Format::Ocsf => serde_json::to_string_pretty(&exports::ocsf(fleet, filter, opts)).unwrap_or_default(), // ok: plain data
        Format::Csv => exports::csv(fleet, filter, opts),
        // Serialising to memory fails only on I/O errors, which a String buffer never has.
        Format::Junit => exports::junit(fleet, filter, opts).to_string().unwrap_or_default(),
    }
}

fn completeness_line(fleet: &Fleet) -> String {
    let reasons = fleet.incomplete_reasons();
    if reasons.is_empty() {
        "✅ **Complete**: every account-region and cluster in scope was read".to_owned()
    } else {
        format!("⚠️ **Incomplete**: {}. What was not seen is not counted as passed", reasons.join("; "))
    }
}

fn more(shown: usize, total: usize, what: &str) -> String {
    if total > shown {
        format!("\n_{} more {what}: see `--format detailed` or `--format json`._\n", total - shown)
    } else {
        String::new()
    }
}

/// The summary (`detailed`: every row and every finding).
fn summary(fleet: &Fleet, filter: &Filter, detailed: bool) -> String {
    let t = fleet.totals();
    let mut s = String::from("# 🛡️ ECS fleet security report\n\n| | |\n|---|---|\n");
    s.push_str(&format!(
        "| Scope | {} account(s), {} region(s): {} account-region(s), {} could not be read |\n",
        t.accounts, t.regions, t.account_regions, t.account_regions_failed
    ));
    s.push_str(&format!(
        "| Clusters | {} analysed, {} could not be collected |\n",
        t.clusters_analysed, t.clusters_failed
    ));
    s.push_str(&format!("| Findings | {} |\n", counts_line(&t.by_severity)));
    s.push_str(&format!("| Worst risk | {} **{}** |\n", risk_icon(t.risk_level), t.risk_level.as_str()));
    s.push_str(&format!("| Started | {} |\n", md(&fleet.started_at)));
    s.push_str(&format!("\n{}\n", completeness_line(fleet)));
    if !filter.is_empty() {
        s.push_str("\n> Filtered: the roll-up and findings show what the filter allows; scores and ranking cover every finding.\n");
    }

    let ranking = fleet.ranking();
    let rows = if detailed { ranking.len() } else { SUMMARY_ROWS.min(ranking.len()) };
    s.push_str("\n## Clusters ranked by risk\n\n");
    if ranking.is_empty() {
        s.push_str("No cluster was analysed.\n");
    } else {
        s.push_str("| # | Cluster | Account | Region | Score | Risk | Critical | High | Medium | Low | Coverage |\n");
        s.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for r in &ranking[..rows] {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {}/100 | {} {} | {} | {} | {} | {} | {}% |\n",
                r.rank,
                md(&r.cluster),
                md(&r.account_id),
                md(&r.region),
                r.score,
                risk_icon(r.risk_level),
                r.risk_level.as_str(),
                r.by_severity.critical,
                r.by_severity.high,
                r.by_severity.medium,
                r.by_severity.low,
                r.coverage_percent
            ));
        }
        s.push_str(&more(rows, ranking.len(), "clusters"));
    }

    let rollup = fleet.rollup(filter);
    let rows = if detailed { rollup.len() } else { SUMMARY_ROWS.min(rollup.len()) };
    s.push_str("\n## Problems across the fleet\n\n");
    if rollup.is_empty() {
        s.push_str("No finding in what could be read.\n");
    } else {
        s.push_str(
            "| Severity | Problem | Clusters | Accounts | Regions | Findings | Rule |\n|---|---|---|---|---|---|---|\n",
        );
        for r in &rollup[..rows] {
            s.push_str(&format!(
                "| {} {} | {} | {} | {} | {} | {} | `{}` |\n",
                severity_icon(r.severity),
                r.severity.as_str(),
                md(&r.summary),
                r.clusters,
                r.accounts,
                r.regions,
                r.findings,
                r.rule_id
            ));
        }
        s.push_str(&more(rows, rollup.len(), "rules"));
    }

    s.push_str("\n## Coverage by account and region\n\n");
    s.push_str("| Account | Region | Status | Clusters analysed | Failed | Filtered out | Rules not evaluated | Permissions to add |\n");
    s.push_str("|---|---|---|---|---|---|---|---|\n");
    for c in &fleet.coverage {
        let perms = if c.permissions_to_add.is_empty() {
            "—".to_owned()
        } else {
            c.permissions_to_add.iter().map(|p| format!("`{}`", md(p))).collect::<Vec<_>>().join(", ")
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} of {} | {} | {} | {} | {} |\n",
            md(&c.account_id),
            md(&c.region),
            c.status,
            c.clusters_analysed,
            c.clusters_found,
            c.clusters_failed,
            c.clusters_filtered_out,
            c.rules_not_evaluated,
            perms
        ));
    }

    if !fleet.failures.is_empty() {
        s.push_str("\n## Could not be read\n\n");
        for f in &fleet.failures {
            let place = match &f.cluster {
                Some(c) => format!("account {} region {} cluster {}", md(&f.account_id), md(&f.region), md(c)),
                None => format!("account {} region {}", md(&f.account_id), md(&f.region)),
            };
            s.push_str(&format!(
                "- **{place}** ({}, `{}`): {} **Fix:** {}\n",
                md(&f.failure.stage),
                md(&f.failure.code),
                md_limit(&f.failure.message, 600),
                md_limit(&f.failure.remedy, 600)
            ));
        }
    }
    if !fleet.notes.is_empty() {
        s.push_str("\n## Notes\n\n");
        for n in &fleet.notes {
            s.push_str(&format!("- {}\n", md(n)));
        }
    }
    if detailed {
        s.push_str("\n## Findings by cluster\n");
        for c in &fleet.clusters {
            let view = c.analysis.filtered(filter);
            s.push_str(&format!(
                "\n### {} ({}, {}): {}/100\n\n",
                md(&c.analysis.cluster_name),
                md(&c.account_id),
                md(&c.region),
                c.analysis.overall.score
            ));
            if view.findings.is_empty() {
                s.push_str("No finding.\n");
                continue;
            }
            for f in &view.findings {
                s.push_str(&format!(
                    "- {} **{}** `{}` {}: {}\n",
                    severity_icon(f.severity),
                    f.severity.as_str(),
                    f.rule.id,
                    md(&f.resource.to_string()),
                    md(&f.message)
                ));
            }
        }
    }
    s
}

/// For management: where the risk is, how widespread, and how much could be seen.
fn executive(fleet: &Fleet, filter: &Filter) -> String {
    let t = fleet.totals();
    let mut s = String::from("# 🛡️ ECS fleet security: executive summary\n\n");
    s.push_str(&format!(
        "We assessed **{} clusters** in {} account(s) and {} region(s). The worst risk found is {} **{}**, with {} findings.\n\n",
        t.clusters_analysed,
        t.accounts,
        t.regions,
        risk_icon(t.risk_level),
        t.risk_level.as_str(),
        counts_line(&t.by_severity)
    ));
    s.push_str(&format!("{}.\n", completeness_line(fleet)));
    s.push_str("\n## Where the risk is\n\n");
    for r in fleet.ranking().iter().take(5) {
        s.push_str(&format!(
            "{}. **{}** (account {}, {}): score {}/100, {} {} risk, {} Critical and {} High findings\n",
            r.rank,
            md(&r.cluster),
            md(&r.account_id),
            md(&r.region),
            r.score,
            risk_icon(r.risk_level),
            r.risk_level.as_str(),
            r.by_severity.critical,
            r.by_severity.high
        ));
    }
    s.push_str("\n## The most widespread problems\n\n");
    let rollup = fleet.rollup(filter);
    if rollup.is_empty() {
        s.push_str("No finding in what could be read.\n");
    }
    for r in rollup.iter().take(5) {
        s.push_str(&format!("- {} {} ({})\n", severity_icon(r.severity), md(&r.summary), r.severity.as_str()));
    }
    if !fleet.failures.is_empty() {
        s.push_str(&format!(
            "\n## Blind spots\n\n{} part(s) of the estate could not be read; they are listed with their fix in the summary report. Until they are, their risk is unknown, not low.\n",
            fleet.failures.len()
        ));
    }
    s
}

/// One SARIF run for the fleet: every cluster's results, each tagged with its account,
/// region and cluster (and an account-qualified pseudo-path), and every failure as an
/// error notification; the run is unsuccessful when the scan is incomplete.
fn sarif_log(fleet: &Fleet, filter: &Filter, opts: &ReportOptions) -> Value {
    let mut results = Vec::new();
    let mut notes = Vec::new();
    for c in &fleet.clusters {
        let log = serde_json::to_value(sarif::build(&c.analysis, filter, opts)).unwrap_or(Value::Null);
        let run = &log["runs"][0];
        for r in run["results"].as_array().into_iter().flatten() {
            let mut r = r.clone();
            if let Some(props) = r.get_mut("properties").and_then(Value::as_object_mut) {
                props.insert("accountId".into(), json!(c.account_id));
                props.insert("region".into(), json!(c.region));
                props.insert("cluster".into(), json!(c.analysis.cluster_name));
            }
            if let Some(uri) = r.pointer_mut("/locations/0/physicalLocation/artifactLocation/uri")
                && let Some(u) = uri.as_str().and_then(|u| u.strip_prefix("ecs/"))
            {
                *uri = json!(format!("ecs/{}/{u}", c.account_id));
            }
            results.push(r);
        }
        for n in
            run.pointer("/invocations/0/toolExecutionNotifications").and_then(Value::as_array).into_iter().flatten()
        {
            let mut n = n.clone();
            if let Some(text) = n.pointer("/message/text").and_then(Value::as_str).map(str::to_owned) {
                n["message"]["text"] =
                    json!(format!("{} / {} / {}: {text}", c.account_id, c.region, c.analysis.cluster_name));
            }
            notes.push(n);
        }
    }
    for f in &fleet.failures {
        let place = match &f.cluster {
            Some(c) => format!("{} / {} / {c}", f.account_id, f.region),
            None => format!("{} / {}", f.account_id, f.region),
        };
        notes.push(json!({
            "level": "error",
            "message": {"text": format!("{place} could not be read ({}, {}): {} Fix: {}", f.failure.stage, f.failure.code, f.failure.message, f.failure.remedy)},
        }));
    }
    let mut invocation = json!({"executionSuccessful": fleet.complete()});
    if !notes.is_empty() {
        invocation["toolExecutionNotifications"] = json!(notes);
    }
    if !opts.generated_at.is_empty() {
        invocation["endTimeUtc"] = json!(opts.generated_at);
    }
    let t = fleet.totals();
    json!({
        "$schema": serde_sarif::sarif::SCHEMA_URL,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": sarif::driver()},
            "automationDetails": {"id": "ecs-security-mcp/fleet/"},
            "invocations": [invocation],
            "results": results,
            "properties": {
                "accounts": t.accounts,
                "regions": t.regions,
                "clustersAnalysed": t.clusters_analysed,
                "complete": fleet.complete(),
                "startedAt": fleet.started_at,
            },
        }],
    })
}

/// A cluster in the model-sized answer.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RankDigest {
    pub rank: usize,
    pub account_id: String,
    pub region: String,
    pub cluster: String,
    pub score: u8,
    pub risk_level: String,
    pub findings: super::digest::Counts,
}

/// A rule across the fleet in the model-sized answer.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ProblemDigest {
    pub rule_id: String,
    pub severity: Severity,
    /// e.g. `Container runs in privileged mode: 14 clusters in 5 accounts`.
    pub summary: String,
    pub clusters: usize,
    pub accounts: usize,
}

/// Something not read, in the model-sized answer.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FailureDigest {
    pub account_id: String,
    pub region: String,
    pub cluster: Option<String>,
    pub stage: String,
    pub code: String,
    pub remedy: String,
}

/// The fleet answer of the MCP tool: which clusters are worst, what is widespread, what
/// could not be read; each list cut to fit the answer budget, with what was left out counted.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FleetDigest {
    /// True only when every account-region and cluster was read without a gap.
    pub complete: bool,
    pub incomplete_reasons: Vec<String>,
    pub accounts: usize,
    pub regions: usize,
    pub account_regions: usize,
    pub account_regions_failed: usize,
    pub clusters_analysed: usize,
    pub clusters_failed: usize,
    pub findings: super::digest::Counts,
    /// The worst risk in any analysed cluster.
    pub risk_level: String,
    /// Worst first.
    pub clusters: Vec<RankDigest>,
    pub clusters_omitted: usize,
    /// Most severe, then most widespread first.
    pub problems: Vec<ProblemDigest>,
    pub problems_omitted: usize,
    pub failures: Vec<FailureDigest>,
    pub failures_omitted: usize,
    pub notes: Vec<String>,
}

/// The digest and its Markdown with at most `rows` rows per list.
fn digest_with(fleet: &Fleet, rows: usize) -> (String, FleetDigest) {
    let t = fleet.totals();
    let ranking = fleet.ranking();
    let rollup = fleet.rollup(&Filter::default());
    let clusters: Vec<RankDigest> = ranking
        .iter()
        .take(rows)
        .map(|r| RankDigest {
            rank: r.rank,
            account_id: r.account_id.clone(),
            region: r.region.clone(),
            cluster: r.cluster.clone(),
            score: r.score,
            risk_level: r.risk_level.as_str().to_owned(),
            findings: (&r.by_severity).into(),
        })
        .collect();
    let problems: Vec<ProblemDigest> = rollup
        .iter()
        .take(rows)
        .map(|r| ProblemDigest {
            rule_id: r.rule_id.to_owned(),
            severity: r.severity,
            summary: r.summary.clone(),
            clusters: r.clusters,
            accounts: r.accounts,
        })
        .collect();
    let failures: Vec<FailureDigest> = fleet
        .failures
        .iter()
        .take(rows)
        .map(|f| FailureDigest {
            account_id: f.account_id.clone(),
            region: f.region.clone(),
            cluster: f.cluster.clone(),
            stage: f.failure.stage.clone(),
            code: f.failure.code.clone(),
            remedy: f.failure.remedy.clone(),
        })
        .collect();
    let d = FleetDigest {
        complete: fleet.complete(),
        incomplete_reasons: fleet.incomplete_reasons(),
        accounts: t.accounts,
        regions: t.regions,
        account_regions: t.account_regions,
        account_regions_failed: t.account_regions_failed,
        clusters_analysed: t.clusters_analysed,
        clusters_failed: t.clusters_failed,
        findings: (&t.by_severity).into(),
        risk_level: t.risk_level.as_str().to_owned(),
        clusters_omitted: ranking.len() - clusters.len(),
        problems_omitted: rollup.len() - problems.len(),
        failures_omitted: fleet.failures.len() - failures.len(),
        clusters,
        problems,
        failures,
        notes: fleet.notes.clone(),
    };
    let mut s = format!(
        "# ECS fleet: {} clusters in {} account(s), {} region(s)\n\nFindings: {}. Worst risk: **{}**.\n\n{}\n",
        d.clusters_analysed,
        d.accounts,
        d.regions,
        counts_line(&t.by_severity),
        d.risk_level,
        completeness_line(fleet)
    );
    s.push_str("\n## Worst clusters\n\n");
    for r in &d.clusters {
        s.push_str(&format!(
            "{}. {} (account {}, {}): {}/100, {} risk, {} Critical, {} High\n",
            r.rank,
            md(&r.cluster),
            md(&r.account_id),
            md(&r.region),
            r.score,
            r.risk_level,
            r.findings.critical,
            r.findings.high
        ));
    }
    if d.clusters_omitted > 0 {
        s.push_str(&format!("\n{} more clusters not shown.\n", d.clusters_omitted));
    }
    s.push_str("\n## Most widespread problems\n\n");
    for p in &d.problems {
        s.push_str(&format!("- {} {} (`{}`)\n", p.severity.as_str(), md(&p.summary), p.rule_id));
    }
    if d.problems_omitted > 0 {
        s.push_str(&format!("\n{} more rules not shown.\n", d.problems_omitted));
    }
    if !d.failures.is_empty() {
        s.push_str("\n## Could not be read\n\n");
        for f in &d.failures {
            let cluster = f.cluster.as_deref().map(|c| format!(" cluster {}", md(c))).unwrap_or_default();
            s.push_str(&format!(
                "- account {} {}{cluster}: {} `{}`. Fix: {}\n",
                md(&f.account_id),
                md(&f.region),
                md(&f.stage),
                md(&f.code),
                md(&f.remedy)
            ));
        }
        if d.failures_omitted > 0 {
            s.push_str(&format!("\n{} more not shown.\n", d.failures_omitted));
        }
    }
    s.push_str(
        "\nAnalyse one cluster in full with analyze_cluster_security (cluster_name and region; its account's credentials).\n",
    );
    (s, d)
}

/// The model-sized answer: up to `limit` rows per list, fewer when the answer would not fit
/// `budget` characters.
pub fn digest(fleet: &Fleet, limit: usize, budget: usize) -> (String, FleetDigest) {
    let rows = super::budget::largest_fitting(limit, budget, |n| {
        let (text, data) = digest_with(fleet, n);
        super::budget::answer_size(&text, &data)
    });
    digest_with(fleet, rows)
}
