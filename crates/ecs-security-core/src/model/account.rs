//! Settings that belong to the account and region rather than to the cluster: the ECS
//! account settings (ListAccountSettings with `effectiveSettings`).
//!
//! They are per account-region, so every cluster of one region sees the same values; a
//! snapshot holds them because the cluster's rules read them (a cluster without its own
//! `containerInsights`, a container without a log `mode`, Fargate task retirement).

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::{Gap, Snapshot};

/// One ECS account setting, as ListAccountSettings returns it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct AccountSetting {
    /// e.g. `containerInsights`, `defaultLogDriverMode`, `guardDutyActivate`.
    pub name: String,
    pub value: String,
    /// The principal the value applies to (the root user's ARN for the account default).
    pub principal_arn: Option<String>,
    /// `user` or `aws_managed` (set by AWS, such as `guardDutyActivate`).
    #[serde(rename = "type")]
    pub setting_type: Option<String>,
}

/// Names of the account settings the rules read.
pub mod setting {
    pub const CONTAINER_INSIGHTS: &str = "containerInsights";
    pub const DEFAULT_LOG_DRIVER_MODE: &str = "defaultLogDriverMode";
    pub const AWSVPC_TRUNKING: &str = "awsvpcTrunking";
    pub const GUARD_DUTY_ACTIVATE: &str = "guardDutyActivate";
    pub const FARGATE_TASK_RETIREMENT_WAIT_PERIOD: &str = "fargateTaskRetirementWaitPeriod";
}

impl Snapshot {
    /// The effective value of an ECS account setting (as the collecting principal sees it),
    /// or `None` when the settings were not collected or AWS did not return this one.
    pub fn account_setting(&self, name: &str) -> Option<&str> {
        self.account_settings.as_ref()?.iter().find(|s| s.name == name).map(|s| s.value.trim())
    }
}

/// The gap of a snapshot that holds no account settings although no call failed: it was
/// written by a version that did not collect them, or built from files.
pub(super) static ACCOUNT_SETTINGS_NOT_IN_SNAPSHOT: LazyLock<Gap> = LazyLock::new(|| {
    Gap {
    service: "ecs".into(),
    operation: "ListAccountSettings".into(),
    error_code: "NotInSnapshot".into(),
    message: "the snapshot holds no ECS account settings (written before they were collected, or built from files); collect it again".into(),
    resource: None,
}
});
