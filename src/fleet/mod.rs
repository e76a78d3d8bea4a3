//! Fleet scanning: every cluster in every region of every account in one run, bound by
//! AWS rate limits rather than by the machine, and split into shards for job engines when
//! one machine is not enough.
//!
//! [`scope`] says what is covered, [`accounts`] how each account is reached, [`scheduler`]
//! runs the account-regions under per-account-region and global caps, [`shard`] splits the
//! pairs, [`output`] writes and reads shard files. The report itself is pure and lives in
//! the core (`report::fleet`).

pub mod accounts;
pub mod cli;
pub mod mcp;
pub mod output;
pub mod progress;
pub mod scheduler;
pub mod scope;
pub mod shard;

use std::collections::BTreeMap;

use crate::collect::{AwsOptions, AwsSource, ProgressTx};
use crate::model::fleet::{FLEET_SCHEMA_VERSION, FleetScan};

pub use accounts::{Accounts, Role};
pub use scheduler::Limits;
pub use scope::{ClusterFilter, Regions};
pub use shard::Shard;

/// The AWS operations a fleet scan adds to the collector's (docs/iam-policy.json grants
/// them; sts:AssumeRole is the one call that is not a read, and only obtains credentials).
pub const OPERATIONS: [(&str, &str); 4] = [
    ("sts", "AssumeRole"),
    ("sts", "GetCallerIdentity"),
    ("ec2", "DescribeRegions"),
    ("organizations", "ListAccounts"),
];

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    pub aws: AwsOptions,
    pub accounts: Accounts,
    pub regions: Regions,
    pub clusters: ClusterFilter,
    pub limits: Limits,
    pub shard: Option<Shard>,
}

/// Resolves the scope, takes this shard's account-region pairs and scans them. Errors only
/// when the scope itself cannot be known (no credentials, ListAccounts or DescribeRegions
/// refused); everything after that is recorded in the result.
pub async fn scan(req: &ScanRequest, progress: &ProgressTx) -> anyhow::Result<FleetScan> {
    let started_at = crate::clock::now();
    let base_source = AwsSource::new(req.aws.clone());
    let base = base_source.sdk_config().await;
    let home = base_source.default_region().await;
    let caller = accounts::caller(&base, &home).await.map_err(anyhow::Error::msg)?;
    let (account_ids, mut notes) =
        accounts::resolve(&req.accounts, &base, &caller, &home).await.map_err(anyhow::Error::msg)?;
    let (regions, region_notes) =
        scope::resolve_regions(&req.regions, &base, &home).await.map_err(anyhow::Error::msg)?;
    notes.extend(region_notes);
    if regions.is_empty() {
        anyhow::bail!("no region to scan: give --regions (a list, or all)");
    }

    // Every shard computes the same sorted list and keeps its own share.
    let pairs: Vec<(String, String)> = account_ids
        .iter()
        .flat_map(|a| regions.iter().map(move |r| (a.clone(), r.clone())))
        .enumerate()
        .filter(|(i, _)| req.shard.is_none_or(|s| s.owns(*i)))
        .map(|(_, p)| p)
        .collect();

    // Credentials once per account, obtained concurrently.
    let mut mine: Vec<&String> = pairs.iter().map(|(a, _)| a).collect();
    mine.dedup();
    let role = req.accounts.role();
    let configs: BTreeMap<String, _> = futures::future::join_all(mine.into_iter().map(|account| {
        let (base, caller) = (&base, &caller);
        let home = home.clone();
        async move {
            let config = accounts::account_config(base, caller, role, account, &home, req.aws.call_timeout).await;
            (account.clone(), config)
        }
    }))
    .await
    .into_iter()
    .collect();

    let targets = pairs
        .into_iter()
        .map(|(account, region)| {
            let config = configs.get(&account).cloned().unwrap_or_else(|| {
                Err(crate::model::fleet::ScanFailure {
                    stage: "assume-role".into(),
                    code: "NoCredentials".into(),
                    message: format!("no credentials were obtained for account {account}"),
                    remedy: "scan again".into(),
                })
            });
            scheduler::Target { account_id: account, region, config }
        })
        .collect();
    let results = scheduler::run(targets, &req.aws, &req.clusters, req.limits, progress).await;
    let mut scan = FleetScan {
        schema_version: FLEET_SCHEMA_VERSION,
        shard: req.shard.map(|s| s.to_string()),
        started_at,
        notes,
        targets: results,
    };
    scan.normalize();
    Ok(scan)
}
