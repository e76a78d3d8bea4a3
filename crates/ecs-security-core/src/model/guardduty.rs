//! GuardDuty Runtime Monitoring as it concerns the cluster: the region's detector and its
//! Runtime Monitoring feature (ListDetectors, GetDetector), and the runtime coverage of the
//! cluster (ListCoverage filtered by ECS cluster name).

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::Gap;

/// What GuardDuty says about the cluster's region and the cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct GuardDuty {
    /// The detector of the account-region (GuardDuty has at most one); `None` when there is
    /// none, i.e. GuardDuty is not enabled there.
    pub detector: Option<Detector>,
    /// The runtime coverage of this cluster (one entry per ECS cluster resource GuardDuty
    /// tracks); empty when GuardDuty has no coverage record for it.
    pub coverage: Vec<CoverageResource>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Detector {
    pub detector_id: String,
    /// ENABLED or DISABLED (suspended).
    pub status: Option<String>,
    pub features: Vec<DetectorFeature>,
}

/// A protection plan of the detector, e.g. `RUNTIME_MONITORING`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DetectorFeature {
    pub name: String,
    /// ENABLED or DISABLED.
    pub status: Option<String>,
    /// e.g. `ECS_FARGATE_AGENT_MANAGEMENT`, `EC2_AGENT_MANAGEMENT`.
    pub additional_configuration: Vec<FeatureConfiguration>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct FeatureConfiguration {
    pub name: String,
    pub status: Option<String>,
}

/// One entry of ListCoverage for the cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CoverageResource {
    pub resource_id: Option<String>,
    /// HEALTHY or UNHEALTHY.
    pub coverage_status: Option<String>,
    /// Why the coverage is unhealthy, in GuardDuty's words (untrusted text).
    pub issue: Option<String>,
    pub cluster_name: Option<String>,
    /// How the Fargate agent is managed: AUTO_MANAGED, MANUAL or DISABLED.
    pub fargate_management_type: Option<String>,
    pub covered_container_instances: Option<i64>,
    pub compatible_container_instances: Option<i64>,
}

impl Detector {
    pub fn is_enabled(&self) -> bool {
        enabled(self.status.as_deref())
    }

    pub fn feature(&self, name: &str) -> Option<&DetectorFeature> {
        self.features.iter().find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

impl DetectorFeature {
    pub fn is_enabled(&self) -> bool {
        enabled(self.status.as_deref())
    }

    /// The status of an additional configuration; `None` when the detector does not list it.
    pub fn configuration_enabled(&self, name: &str) -> Option<bool> {
        let c = self.additional_configuration.iter().find(|c| c.name.eq_ignore_ascii_case(name))?;
        Some(enabled(c.status.as_deref()))
    }
}

fn enabled(status: Option<&str>) -> bool {
    status.is_some_and(|s| s.trim().eq_ignore_ascii_case("ENABLED"))
}

/// The gap of a snapshot without GuardDuty data although no call failed (a snapshot from a
/// version that did not collect it, or built from files).
pub(super) static GUARDDUTY_NOT_IN_SNAPSHOT: LazyLock<Gap> = LazyLock::new(|| Gap {
    service: "guardduty".into(),
    operation: "GetDetector".into(),
    error_code: "NotInSnapshot".into(),
    message:
        "the snapshot holds no GuardDuty data (written before it was collected, or built from files); collect it again"
            .into(),
    resource: None,
});
