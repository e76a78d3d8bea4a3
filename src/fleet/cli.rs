//! The `scan` and `merge` commands: arguments, the run, the report and the exit code.
//!
//! Exit codes: 0 complete and nothing at or above `--fail-on`; 1 complete with a finding at
//! or above `--fail-on`; 2 usage or scope error (nothing scanned); 3 incomplete (an
//! account-region, a cluster or a call could not be read) and nothing at or above
//! `--fail-on`; 4 incomplete with a finding at or above `--fail-on`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::{Accounts, ClusterFilter, Limits, Regions, Role, ScanRequest, Shard};
use crate::actions::{OneOrMany, filter_of};
use crate::collect::AwsOptions;
use crate::model::fleet::FleetScan;
use crate::report::fleet::Fleet;
use crate::report::{Format, ReportOptions};
use crate::rules::Severity;
use crate::terminal::ColorChoice;

/// Exit code: the scan is incomplete, no finding at or above --fail-on.
pub const EXIT_INCOMPLETE: u8 = 3;
/// Exit code: the scan is incomplete and a finding is at or above --fail-on.
pub const EXIT_INCOMPLETE_FAILED: u8 = 4;

/// `scan`: what to cover.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Regions to scan: a comma-separated list (repeatable), or `all` for every region enabled
    /// for the calling account (ec2:DescribeRegions) [default: the default region].
    #[arg(long, value_name = "REGIONS")]
    pub regions: Vec<String>,
    /// Account ids to scan through the role (comma-separated, repeatable); the calling
    /// account, if listed, is read with its own credentials.
    #[arg(long, value_name = "IDS")]
    pub accounts: Vec<String>,
    /// Scan every ACTIVE account of the AWS Organization (organizations:ListAccounts, from the
    /// management account or a delegated administrator).
    #[arg(long, conflicts_with = "accounts")]
    pub organization: bool,
    /// The role to assume in each account, by name.
    #[arg(long, value_name = "NAME", conflicts_with = "role_arn_template")]
    pub role_name: Option<String>,
    /// The role to assume, as an ARN template with {account} (and optionally {partition}),
    /// e.g. arn:aws:iam::{account}:role/SecurityAudit.
    #[arg(long, value_name = "TEMPLATE")]
    pub role_arn_template: Option<String>,
    /// The external id the roles' trust policies require.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// The role session name (shown in CloudTrail).
    #[arg(long, default_value = super::accounts::SESSION_NAME)]
    pub session_name: String,
    /// Only clusters whose name matches one of these globs (repeatable), e.g. 'prod-*'.
    #[arg(long, value_name = "GLOB")]
    pub clusters: Vec<String>,
    /// Only clusters with this tag (`key` or `key=value`; repeatable, all must match).
    #[arg(long, value_name = "KEY[=VALUE]")]
    pub tag: Vec<String>,
    /// AWS calls in flight in the whole scan (--concurrency is the cap per account-region).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub max_in_flight: u16,
    /// Clusters collected at once per account-region.
    #[arg(long, default_value_t = super::scheduler::CLUSTERS_AT_ONCE as u16, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub clusters_at_once: u16,
    /// Scan only shard I of N (I from 0) of the sorted account-region pairs. Default: from
    /// AWS_BATCH_JOB_ARRAY_INDEX / JOB_COMPLETION_INDEX / ECS_SECURITY_MCP_SHARD_INDEX with
    /// the count in AWS_BATCH_JOB_ARRAY_SIZE / JOB_COMPLETIONS / ECS_SECURITY_MCP_SHARD_COUNT.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Write the scan file (shard-I-of-N.json or scan.json, for `merge`) and every snapshot here.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub report: FleetOutput,
}

/// `merge`: shard outputs to combine.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Scan files or `--out` directories of the shards.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub report: FleetOutput,
}

/// How the fleet report is written.
#[derive(Debug, Args)]
pub struct FleetOutput {
    /// terminal, summary (alias markdown), detailed, executive, json, sarif, html, ocsf, csv or
    /// junit [default: terminal when stdout is a terminal, else summary].
    #[arg(long, value_parser = parse_format)]
    pub format: Option<FleetFormat>,
    /// Show findings at or above this severity in the roll-up and findings (scores cover all).
    #[arg(long, value_parser = parse_severity)]
    pub severity: Option<Severity>,
    /// Exit with 1 (4 when incomplete) when a finding at or above this severity exists.
    #[arg(long, value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Write the report to this file instead of stdout.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// A fleet report format: the terminal view or one of the report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetFormat {
    Terminal,
    Report(Format),
}

fn parse_format(s: &str) -> Result<FleetFormat, String> {
    match s.trim() {
        t if t.eq_ignore_ascii_case("terminal") => Ok(FleetFormat::Terminal),
        m if m.eq_ignore_ascii_case("markdown") => Ok(FleetFormat::Report(Format::Summary)),
        other => other.parse().map(FleetFormat::Report).map_err(|e| format!("{e}, terminal or markdown")),
    }
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

impl ScanArgs {
    /// The request, with the per-account-region cap from --concurrency.
    pub fn request(&self, aws: AwsOptions) -> anyhow::Result<ScanRequest> {
        let role = match (&self.role_name, &self.role_arn_template) {
            (Some(name), _) => Some(Role::named(name)),
            (None, Some(t)) if t.contains("{account}") => {
                Some(Role { template: t.clone(), external_id: None, session_name: String::new() })
            }
            (None, Some(t)) => anyhow::bail!("--role-arn-template {t:?} must contain {{account}}"),
            (None, None) => None,
        }
        .map(|r| Role { external_id: self.external_id.clone(), session_name: self.session_name.clone(), ..r });
        let ids: Vec<String> = self
            .accounts
            .iter()
            .flat_map(|a| a.split(','))
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect();
        let accounts = match (self.organization, ids.is_empty(), role) {
            (true, _, Some(role)) => Accounts::Organization(role),
            (false, false, Some(role)) => Accounts::List(ids, role),
            (true, _, None) | (false, false, None) => {
                anyhow::bail!(
                    "--accounts and --organization need the role to assume: --role-name or --role-arn-template"
                )
            }
            (false, true, _) => Accounts::Current,
        };
        // No --regions: the configured default region (resolved with the credentials).
        let regions = if self.regions.is_empty() {
            Regions::List(Vec::new())
        } else {
            Regions::parse(&self.regions).map_err(anyhow::Error::msg)?
        };
        let shard = match self.shard {
            Some(s) => Some(s),
            None => Shard::from_env(|k| std::env::var(k).ok()).map_err(anyhow::Error::msg)?,
        };
        Ok(ScanRequest {
            limits: Limits {
                per_target: aws.concurrency,
                global: usize::from(self.max_in_flight),
                clusters_per_target: usize::from(self.clusters_at_once),
            },
            aws,
            accounts,
            regions,
            clusters: ClusterFilter::parse(&self.clusters, &self.tag).map_err(anyhow::Error::msg)?,
            shard,
        })
    }
}

/// `scan`: scans, writes the shard output if asked, prints the report.
pub async fn scan(args: &ScanArgs, aws: AwsOptions, quiet: bool, color: ColorChoice) -> anyhow::Result<ExitCode> {
    let req = args.request(aws)?;
    let bar = super::progress::Bar::start(!quiet);
    let scanned = super::scan(&req, &bar.tx()).await;
    bar.finish();
    let scan = scanned?;
    if let Some(dir) = &args.out {
        let file = super::output::write(dir, &scan)?;
        if !quiet {
            eprintln!("wrote {} and the snapshots under {}", file.display(), dir.join("snapshots").display());
        }
    }
    report(&scan, &args.report, color)
}

/// `merge`: combines shard outputs into the fleet report.
pub fn merge(args: &MergeArgs, color: ColorChoice) -> anyhow::Result<ExitCode> {
    let parts = super::output::read(&args.paths)?;
    let scan = FleetScan::merge(parts).map_err(anyhow::Error::msg)?;
    report(&scan, &args.report, color)
}

/// Renders the fleet report and picks the exit code. Without `--format`, a terminal gets
/// the terminal view and anything else the Markdown summary.
pub fn report(scan: &FleetScan, out: &FleetOutput, color: ColorChoice) -> anyhow::Result<ExitCode> {
    let fleet = Fleet::of(scan);
    let filter = filter_of(out.severity.map(OneOrMany::One), None);
    let opts = ReportOptions { show_details: true, generated_at: crate::clock::now() };
    let output = out.output.as_deref();
    let format = match out.format {
        Some(f) => f,
        None if crate::terminal::to_terminal(output) => FleetFormat::Terminal,
        None => FleetFormat::Report(Format::Summary),
    };
    let text = match format {
        FleetFormat::Terminal => {
            crate::report::fleet_terminal::render(&fleet, &filter, &opts, &crate::terminal::options(output, color))
        }
        FleetFormat::Report(f) => crate::report::fleet::render(f, &fleet, &filter, &opts),
    };
    write(&text, out.output.as_deref())?;
    let failed =
        out.fail_on.is_some_and(|t| fleet.clusters.iter().any(|c| c.analysis.findings.iter().any(|f| f.severity >= t)));
    Ok(ExitCode::from(match (fleet.complete(), failed) {
        (true, false) => 0,
        (true, true) => 1,
        (false, false) => EXIT_INCOMPLETE,
        (false, true) => EXIT_INCOMPLETE_FAILED,
    }))
}

fn write(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    use std::io::Write;
    match output {
        Some(p) => std::fs::write(p, text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            let r = stdout
                .write_all(text.as_bytes())
                .and_then(|()| if text.ends_with('\n') { Ok(()) } else { stdout.write_all(b"\n") });
            match r {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => Ok(other?),
            }
        }
    }
}
