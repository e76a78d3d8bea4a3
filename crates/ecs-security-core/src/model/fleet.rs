//! A fleet scan as data: every account-region that was asked, what answered, and the
//! (redacted) snapshot of every cluster read. A shard writes one of these; `merge` joins
//! them; the fleet report is a pure function of it, so a merged scan reports exactly as a
//! single-process scan of the same pairs does.

use serde::{Deserialize, Serialize};

use super::Snapshot;

/// The fleet scan format version this build reads and writes.
pub const FLEET_SCHEMA_VERSION: u32 = 1;

/// What a fleet scan (or one shard of it) saw.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FleetScan {
    pub schema_version: u32,
    /// `I/N` for one shard's part; `None` for a whole or merged scan.
    pub shard: Option<String>,
    /// When the scan started (RFC 3339, UTC); the earliest shard's for a merged scan.
    pub started_at: String,
    /// Scope notes shared by every shard: regions skipped because they are not enabled,
    /// accounts skipped because they are not ACTIVE.
    pub notes: Vec<String>,
    /// One entry per account-region this scan was responsible for.
    pub targets: Vec<TargetScan>,
}

/// One account-region and what came of it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TargetScan {
    pub account_id: String,
    pub region: String,
    /// Why the account-region could not be read at all (a role that cannot be assumed, a
    /// region that is disabled or unreachable). Nothing in it was seen.
    pub failure: Option<ScanFailure>,
    /// Clusters left out by the name or tag filter.
    pub clusters_filtered_out: usize,
    pub clusters: Vec<ClusterScan>,
}

/// One cluster: its snapshot, or why there is none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterScan {
    pub name: String,
    pub arn: String,
    /// The collected snapshot, secret values redacted.
    pub snapshot: Option<Snapshot>,
    pub failure: Option<ScanFailure>,
}

/// Why something could not be read, and what to do about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScanFailure {
    /// `assume-role`, `list-clusters` or `collect-cluster`.
    pub stage: String,
    /// The AWS error code when there is one, else a short code of ours.
    pub code: String,
    pub message: String,
    /// What to change so the next scan can read it.
    pub remedy: String,
}

impl FleetScan {
    /// Sorts targets by (account, region) and clusters by name, so equal scans serialise equally.
    pub fn normalize(&mut self) {
        self.targets.sort_by(|a, b| (&a.account_id, &a.region).cmp(&(&b.account_id, &b.region)));
        for t in &mut self.targets {
            t.clusters.sort_by(|a, b| (&a.name, &a.arn).cmp(&(&b.name, &b.arn)));
        }
        self.notes.sort();
        self.notes.dedup();
    }

    /// Joins shard scans into one. An account-region present in two parts is an error
    /// (the same shard given twice, or shards of different scans).
    pub fn merge(parts: Vec<FleetScan>) -> Result<FleetScan, String> {
        let mut out = FleetScan { schema_version: FLEET_SCHEMA_VERSION, ..FleetScan::default() };
        let mut seen = std::collections::BTreeMap::new();
        let mut starts = Vec::new();
        for part in parts {
            if part.schema_version != FLEET_SCHEMA_VERSION {
                return Err(format!(
                    "a shard has fleet schema version {}; this build reads version {FLEET_SCHEMA_VERSION}",
                    part.schema_version
                ));
            }
            let name = part.shard.clone().unwrap_or_else(|| "a whole scan".into());
            starts.push(part.started_at);
            out.notes.extend(part.notes);
            for t in part.targets {
                let key = (t.account_id.clone(), t.region.clone());
                if let Some(other) = seen.insert(key, name.clone()) {
                    return Err(format!(
                        "account {} region {} appears in both {other} and {name}: give each shard's output once, from the same scan",
                        t.account_id, t.region
                    ));
                }
                out.targets.push(t);
            }
        }
        out.started_at = starts.into_iter().filter(|s| !s.is_empty()).min().unwrap_or_default();
        out.normalize();
        Ok(out)
    }
}
