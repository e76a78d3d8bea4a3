//! The snapshot: our own serde types for everything the rules read about one cluster.
//!
//! A snapshot is what the collector produces and what every later stage consumes. It is
//! plain data: rules, compliance and reports are pure functions of it. The envelope
//! (`schema_version`, `gaps`, …) is snake_case; the resources inside mirror the AWS APIs'
//! camelCase field names.

mod account;
mod clb;
mod coverage;
mod ecr;
mod ecs;
mod elb;
pub mod fleet;
mod guardduty;
mod image;
mod network;
mod parse;
mod resource;
pub mod scale;
mod summary;
mod walk;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use account::{AccountSetting, setting};
pub use clb::*;
pub use coverage::{Completeness, DataSource, Gap};
pub use ecr::*;
pub use ecs::*;
pub use elb::*;
pub use guardduty::{CoverageResource, Detector, DetectorFeature, FeatureConfiguration, GuardDuty};
pub use image::ImageRef;
pub use network::*;
pub use parse::SnapshotError;
pub use resource::{ResourceKind, ResourcePath, ResourceRef};
pub use summary::ClusterSummary;
pub use walk::{ContainerCtx, LaunchKind, Workload};

/// The snapshot format version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything collected about one cluster at one moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Snapshot {
    pub schema_version: u32,
    /// When the collection finished (RFC 3339, UTC).
    pub collected_at: String,
    /// The version of the tool that wrote the snapshot.
    pub tool_version: Option<String>,
    pub account_id: Option<String>,
    pub region: String,
    pub cluster: Cluster,
    pub capacity_providers: Vec<CapacityProvider>,
    pub services: Vec<Service>,
    pub task_definitions: Vec<TaskDefinition>,
    pub tasks: Vec<Task>,
    pub container_instances: Vec<ContainerInstance>,
    pub ecr: Ecr,
    pub network: Network,
    pub load_balancing: LoadBalancing,
    /// The ECS account settings of the account-region (effective values); `None` when not
    /// collected (see gaps, or a snapshot from a version that did not collect them).
    pub account_settings: Option<Vec<AccountSetting>>,
    /// GuardDuty Runtime Monitoring for the region and the cluster; `None` when not collected.
    pub guardduty: Option<GuardDuty>,
    /// Calls that failed: the data they would have returned is missing.
    pub gaps: Vec<Gap>,
    pub stats: Stats,
}

impl Snapshot {
    pub fn task_definition(&self, arn: &str) -> Option<&TaskDefinition> {
        self.task_definitions.iter().find(|t| t.task_definition_arn == arn)
    }

    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.service_name == name)
    }

    pub fn capacity_provider(&self, name: &str) -> Option<&CapacityProvider> {
        self.capacity_providers.iter().find(|c| c.name == name)
    }

    pub fn cluster_name(&self) -> &str {
        &self.cluster.cluster_name
    }
}

/// Statistics about the collection that produced a snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Stats {
    /// `service:Operation` → number of calls made, retries excluded.
    pub api_calls: BTreeMap<String, u64>,
    /// Wall time of the collection in milliseconds.
    pub duration_ms: u64,
}

impl Stats {
    pub fn total_calls(&self) -> u64 {
        self.api_calls.values().sum()
    }
}

/// A `{name, value}` pair as ECS uses for settings, environment variables and statistics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct KeyValue {
    pub name: String,
    pub value: String,
}

/// A resource tag. ECS spells it `key`/`value`; EC2 and ELB spell it `Key`/`Value`: both read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tag {
    #[serde(alias = "Key")]
    pub key: String,
    #[serde(alias = "Value")]
    pub value: String,
}

/// The last segment of an ARN (`…:service/cluster/name` → `name`).
pub fn arn_tail(arn: &str) -> &str {
    arn.rsplit(['/', ':']).next().unwrap_or(arn)
}
