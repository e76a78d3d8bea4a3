//! The `scan_fleet` MCP tool: "which of my clusters is worst" across regions and accounts.
//! Live, it runs a fleet scan; over snapshot files, it ranks the loaded clusters. The
//! answer is the core's fleet digest, cut to the answer budget.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::{Accounts, ClusterFilter, Limits, Regions, Role, ScanRequest};
use crate::actions::{ActionError, ActionOutput, Actions, ProgressTx, Source};
use crate::model::fleet::{ClusterScan, FLEET_SCHEMA_VERSION, FleetScan, TargetScan};
use crate::report::fleet::{Fleet, digest};

/// Parameters of `scan_fleet`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanFleetParams {
    /// Regions to scan, e.g. ["us-east-1", "eu-west-1"], or ["all"] for every region enabled for the account. Default: the configured region.
    #[serde(default)]
    pub regions: Option<Vec<String>>,
    /// Account ids to scan through role_name (the caller's own account is read with its own credentials). Default: the caller's account only.
    #[serde(default)]
    pub accounts: Option<Vec<String>>,
    /// Scan every ACTIVE account of the AWS Organization (needs role_name and organizations:ListAccounts).
    #[serde(default)]
    pub organization: Option<bool>,
    /// The read-only role to assume in each account, by name.
    #[serde(default)]
    pub role_name: Option<String>,
    /// Only clusters whose name matches this glob, e.g. `prod-*`.
    #[serde(default)]
    pub cluster_pattern: Option<String>,
    /// Clusters, problems and failures to list at most (default 10); fewer when the answer would not fit.
    #[serde(default)]
    pub limit: Option<u32>,
    /// The largest answer in characters (at least 2000); the server's limit caps it.
    #[serde(default)]
    pub max_result_chars: Option<u32>,
}

fn invalid(e: impl std::fmt::Display) -> ActionError {
    ActionError::InvalidParams(e.to_string())
}

/// Runs the tool.
pub async fn scan_fleet(
    actions: &Actions,
    p: ScanFleetParams,
    budget: usize,
    progress: &ProgressTx,
) -> Result<ActionOutput, ActionError> {
    let filter = ClusterFilter::parse(p.cluster_pattern.as_slice(), &[]).map_err(invalid)?;
    let scan = match actions.source() {
        Source::Files(files) => from_snapshots(files.snapshots(), &filter, p.regions.as_deref()),
        Source::Aws(aws) => {
            let options = aws.options().clone();
            let role = p.role_name.as_deref().map(Role::named);
            let ids = p.accounts.clone().unwrap_or_default();
            let accounts = match (p.organization.unwrap_or(false), ids.is_empty(), role) {
                (true, _, Some(r)) => Accounts::Organization(r),
                (false, false, Some(r)) => Accounts::List(ids, r),
                (_, true, None) if !p.organization.unwrap_or(false) => Accounts::Current,
                _ => {
                    return Err(invalid(
                        "accounts and organization need role_name: the role to assume in each account",
                    ));
                }
            };
            let regions = match &p.regions {
                Some(r) if !r.is_empty() => Regions::parse(r).map_err(invalid)?,
                _ => Regions::List(Vec::new()),
            };
            let req = ScanRequest {
                limits: Limits {
                    per_target: options.concurrency,
                    global: 64,
                    clusters_per_target: super::scheduler::CLUSTERS_AT_ONCE,
                },
                aws: options,
                accounts,
                regions,
                clusters: filter,
                shard: None,
            };
            super::scan(&req, progress).await.map_err(|e| ActionError::Aws(format!("{e:#}")))?
        }
    };
    let fleet = Fleet::of(&scan);
    let limit = p.limit.map_or(10, |l| l as usize).clamp(1, 500);
    let (text, data) = digest(&fleet, limit, budget);
    let data = serde_json::to_value(&data).unwrap_or(Value::Null); // ok: plain data
    Ok(ActionOutput::new(text, data))
}

/// A scan made of loaded snapshots: one target per (account, region) they come from.
fn from_snapshots<'a>(
    snapshots: impl Iterator<Item = &'a crate::model::Snapshot>,
    filter: &ClusterFilter,
    regions: Option<&[String]>,
) -> FleetScan {
    let mut targets: std::collections::BTreeMap<(String, String), TargetScan> = Default::default();
    let wanted = |r: &str| regions.is_none_or(|list| list.is_empty() || list.iter().any(|x| x == r || x == "all"));
    for s in snapshots.filter(|s| wanted(&s.region)) {
        let account = s.account_id.clone().unwrap_or_else(|| "unknown".into());
        let t = targets.entry((account.clone(), s.region.clone())).or_insert_with(|| TargetScan {
            account_id: account,
            region: s.region.clone(),
            ..TargetScan::default()
        });
        if filter.matches(&s.cluster) {
            t.clusters.push(ClusterScan {
                name: s.cluster.cluster_name.clone(),
                arn: s.cluster.cluster_arn.clone(),
                snapshot: Some(s.redacted()),
                failure: None,
            });
        } else {
            t.clusters_filtered_out += 1;
        }
    }
    let mut scan = FleetScan {
        schema_version: FLEET_SCHEMA_VERSION,
        targets: targets.into_values().collect(),
        ..FleetScan::default()
    };
    scan.normalize();
    scan
}
