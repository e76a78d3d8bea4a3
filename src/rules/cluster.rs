//! Cluster-level security: monitoring, ECS Exec auditing and encryption, cluster status and
//! capacity providers.

use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::model::{DataSource, ResourceKind, ResourceRef, Snapshot};

pub(super) const RULES: &[&Rule] = &[
    &CLUSTER_CONTAINER_INSIGHTS_DISABLED,
    &CLUSTER_EXEC_CONFIGURATION_MISSING,
    &CLUSTER_EXEC_LOGGING_DISABLED,
    &CLUSTER_EXEC_KMS_MISSING,
    &CLUSTER_NOT_ACTIVE,
    &CAPACITY_PROVIDER_TERMINATION_PROTECTION_DISABLED,
];

fn cluster_ref(snap: &Snapshot) -> ResourceRef {
    ResourceRef::new(ResourceKind::Cluster, &snap.cluster.cluster_name)
        .with_arn(&snap.cluster.cluster_arn)
}

/// Services and standalone tasks with ECS Exec turned on.
fn exec_users(snap: &Snapshot) -> Vec<String> {
    let mut users: Vec<String> = snap
        .services
        .iter()
        .filter(|s| s.enable_execute_command)
        .map(|s| format!("service {}", s.service_name))
        .collect();
    users.extend(
        snap.tasks
            .iter()
            .filter(|t| t.enable_execute_command && t.service_name().is_none())
            .map(|t| format!("task {}", crate::model::arn_tail(&t.task_arn))),
    );
    users
}

pub static CLUSTER_CONTAINER_INSIGHTS_DISABLED: Rule = Rule {
    id: "cluster-container-insights-disabled",
    title: "Container Insights is not enabled on the cluster",
    severity: Severity::Medium,
    category: Category::Monitoring,
    domain: Domain::Cluster,
    scope: Scope::Cluster,
    requires: &[DataSource::Cluster],
    confidence: Confidence::High,
    rationale: "Container Insights collects task- and container-level metrics and performance events. Without it, resource exhaustion, crash loops and unusual activity (a crypto-miner pegging CPU) go unseen.",
    remediation: Remediation {
        summary: "Turn on Container Insights (preferably `enhanced`) for the cluster.",
        steps: &[
            "Run `aws ecs update-cluster-settings` with `containerInsights=enhanced` (or `enabled`).",
            "Set the account default with `aws ecs put-account-setting --name containerInsights --value enhanced` so new clusters get it.",
            "Add alarms on the resulting CloudWatch metrics.",
        ],
        cli: "aws ecs update-cluster-settings --cluster <cluster> --settings name=containerInsights,value=enhanced",
        terraform: "resource \"aws_ecs_cluster\" \"this\" {\n  setting {\n    name  = \"containerInsights\"\n    value = \"enhanced\"\n  }\n}",
        cloudformation: "Type: AWS::ECS::Cluster\nProperties:\n  ClusterSettings:\n    - Name: containerInsights\n      Value: enhanced",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContainerInsights.html",
    ],
    peers: &[
        "SecurityHub ECS.12",
        "Prowler ecs_cluster_container_insights_enabled",
        "CIS AWS Compute 3.9",
        "Checkov CKV_AWS_65",
        "Trivy AVD-AWS-0034",
    ],
    check: cluster_container_insights_disabled,
};

fn cluster_container_insights_disabled(snap: &Snapshot, out: &mut Findings) {
    let value = snap.cluster.setting("containerInsights");
    if matches!(value, Some(v) if v.eq_ignore_ascii_case("enabled") || v.eq_ignore_ascii_case("enhanced"))
    {
        return;
    }
    out.report(
        cluster_ref(snap),
        format!(
            "Container Insights is {} on cluster `{}`",
            value.unwrap_or("not set"),
            snap.cluster.cluster_name
        ),
    )
    .evidence("containerInsights", value.unwrap_or("(not set)"));
}

pub static CLUSTER_EXEC_CONFIGURATION_MISSING: Rule = Rule {
    id: "cluster-exec-configuration-missing",
    title: "ECS Exec is in use without a cluster execute-command configuration",
    severity: Severity::Medium,
    category: Category::Security,
    domain: Domain::Cluster,
    scope: Scope::Cluster,
    requires: &[DataSource::Cluster, DataSource::Services, DataSource::Tasks],
    confidence: Confidence::High,
    rationale: "ECS Exec opens interactive shells into running containers. With no execute-command configuration, sessions use the default logging (only into the task's own log driver, if any) and no customer-managed key, so there is no dedicated, protected audit trail of what was run.",
    remediation: Remediation {
        summary: "Configure `executeCommandConfiguration` on the cluster with a KMS key and OVERRIDE logging to an encrypted log group or bucket.",
        steps: &[
            "Create a KMS key and a CloudWatch log group (encrypted) or S3 bucket for session logs.",
            "Run `aws ecs update-cluster --configuration` with kmsKeyId, logging=OVERRIDE and the log destination.",
            "Grant the task roles `kms:Decrypt` on the key and write access to the destination.",
        ],
        cli: "aws ecs update-cluster --cluster <cluster> --configuration 'executeCommandConfiguration={kmsKeyId=<key-arn>,logging=OVERRIDE,logConfiguration={cloudWatchLogGroupName=<log-group>,cloudWatchEncryptionEnabled=true}}'",
        terraform: "resource \"aws_ecs_cluster\" \"this\" {\n  configuration {\n    execute_command_configuration {\n      kms_key_id = aws_kms_key.exec.arn\n      logging    = \"OVERRIDE\"\n      log_configuration {\n        cloud_watch_encryption_enabled = true\n        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name\n      }\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECS::Cluster\nProperties:\n  Configuration:\n    ExecuteCommandConfiguration:\n      KmsKeyId: !Ref ExecKey\n      Logging: OVERRIDE\n      LogConfiguration:\n        CloudWatchLogGroupName: !Ref ExecLogGroup\n        CloudWatchEncryptionEnabled: true",
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html"],
    peers: &["Checkov CKV_AWS_223"],
    check: cluster_exec_configuration_missing,
};

fn cluster_exec_configuration_missing(snap: &Snapshot, out: &mut Findings) {
    let users = exec_users(snap);
    if users.is_empty() || snap.cluster.execute_command_configuration().is_some() {
        return;
    }
    out.report(
        cluster_ref(snap),
        format!(
            "ECS Exec is enabled on {} but cluster `{}` has no execute-command configuration",
            users.join(", "),
            snap.cluster.cluster_name
        ),
    )
    .evidence("exec_enabled_on", users.join(", "))
    .evidence("executeCommandConfiguration", "(not set)");
}

pub static CLUSTER_EXEC_LOGGING_DISABLED: Rule = Rule {
    id: "cluster-exec-logging-disabled",
    title: "ECS Exec session logging is disabled",
    severity: Severity::Medium,
    category: Category::Monitoring,
    domain: Domain::Cluster,
    scope: Scope::Cluster,
    requires: &[DataSource::Cluster],
    confidence: Confidence::High,
    rationale: "Interactive sessions into production containers are the most sensitive operator action on a cluster. With logging NONE, or OVERRIDE without a destination, nothing records the commands that were run.",
    remediation: Remediation {
        summary: "Set execute-command logging to OVERRIDE with an encrypted CloudWatch log group or S3 bucket.",
        steps: &[
            "Create an encrypted log group (or bucket) for ECS Exec session output.",
            "Update the cluster's executeCommandConfiguration with logging=OVERRIDE and the destination.",
        ],
        cli: "aws ecs update-cluster --cluster <cluster> --configuration 'executeCommandConfiguration={logging=OVERRIDE,logConfiguration={cloudWatchLogGroupName=<log-group>,cloudWatchEncryptionEnabled=true}}'",
        terraform: "execute_command_configuration {\n  logging = \"OVERRIDE\"\n  log_configuration {\n    cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name\n    cloud_watch_encryption_enabled = true\n  }\n}",
        cloudformation: "ExecuteCommandConfiguration:\n  Logging: OVERRIDE\n  LogConfiguration:\n    CloudWatchLogGroupName: !Ref ExecLogGroup\n    CloudWatchEncryptionEnabled: true",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-logging",
    ],
    peers: &["Checkov CKV_AWS_223"],
    check: cluster_exec_logging_disabled,
};

fn cluster_exec_logging_disabled(snap: &Snapshot, out: &mut Findings) {
    let Some(exec) = snap.cluster.execute_command_configuration() else {
        return;
    };
    let logging = exec
        .logging
        .as_deref()
        .unwrap_or("DEFAULT")
        .to_ascii_uppercase();
    let has_destination = exec.log_configuration.as_ref().is_some_and(|l| {
        l.cloud_watch_log_group_name
            .as_deref()
            .is_some_and(|g| !g.is_empty())
            || l.s3_bucket_name.as_deref().is_some_and(|b| !b.is_empty())
    });
    let problem = match logging.as_str() {
        "NONE" => "logging is NONE",
        "OVERRIDE" if !has_destination => {
            "logging is OVERRIDE but no log group or bucket is configured"
        }
        _ => return,
    };
    out.report(
        cluster_ref(snap),
        format!(
            "ECS Exec sessions on cluster `{}` are not logged: {problem}",
            snap.cluster.cluster_name
        ),
    )
    .evidence("logging", &logging);
}

pub static CLUSTER_EXEC_KMS_MISSING: Rule = Rule {
    id: "cluster-exec-kms-missing",
    title: "ECS Exec sessions are not encrypted with a customer-managed KMS key",
    severity: Severity::Medium,
    category: Category::Encryption,
    domain: Domain::Cluster,
    scope: Scope::Cluster,
    requires: &[DataSource::Cluster, DataSource::Services, DataSource::Tasks],
    confidence: Confidence::High,
    rationale: "A customer-managed key adds a second encryption layer to ECS Exec session data and, through its key policy, a second authorisation check and a CloudTrail record of every session.",
    remediation: Remediation {
        summary: "Set `kmsKeyId` in the cluster's executeCommandConfiguration and allow the task roles to decrypt with it.",
        steps: &[
            "Create a symmetric KMS key whose policy allows the task roles `kms:Decrypt`.",
            "Update the cluster's executeCommandConfiguration with `kmsKeyId`.",
        ],
        cli: "aws ecs update-cluster --cluster <cluster> --configuration 'executeCommandConfiguration={kmsKeyId=<key-arn>,logging=DEFAULT}'",
        terraform: "execute_command_configuration {\n  kms_key_id = aws_kms_key.exec.arn\n}",
        cloudformation: "ExecuteCommandConfiguration:\n  KmsKeyId: !Ref ExecKey",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-encryption",
    ],
    peers: &["Checkov CKV_AWS_224"],
    check: cluster_exec_kms_missing,
};

fn cluster_exec_kms_missing(snap: &Snapshot, out: &mut Findings) {
    let users = exec_users(snap);
    if users.is_empty() {
        return;
    }
    let key = snap
        .cluster
        .execute_command_configuration()
        .and_then(|e| e.kms_key_id.as_deref());
    if key.is_some_and(|k| !k.is_empty()) {
        return;
    }
    out.report(
        cluster_ref(snap),
        format!("ECS Exec is enabled on {} but sessions on cluster `{}` use no customer-managed KMS key", users.join(", "), snap.cluster.cluster_name),
    )
    .evidence("kmsKeyId", "(not set)")
    .evidence("exec_enabled_on", users.join(", "));
}

pub static CLUSTER_NOT_ACTIVE: Rule = Rule {
    id: "cluster-not-active",
    title: "Cluster is not ACTIVE",
    severity: Severity::High,
    category: Category::Availability,
    domain: Domain::Cluster,
    scope: Scope::Cluster,
    requires: &[DataSource::Cluster],
    confidence: Confidence::High,
    rationale: "A cluster that is PROVISIONING, DEPROVISIONING, FAILED or INACTIVE cannot run or replace tasks reliably; a FAILED capacity setup usually means tasks are not being placed.",
    remediation: Remediation {
        summary: "Find out why the cluster left ACTIVE (attachments, capacity providers) and fix or recreate it.",
        steps: &[
            "Inspect `aws ecs describe-clusters --include ATTACHMENTS` for failed attachments.",
            "Check the capacity providers and their Auto Scaling groups.",
            "If the cluster is INACTIVE it was deleted: recreate it from infrastructure code.",
        ],
        cli: "aws ecs describe-clusters --clusters <cluster> --include ATTACHMENTS SETTINGS",
        terraform: "resource \"aws_ecs_cluster\" \"this\" {\n  name = \"<cluster>\"\n}",
        cloudformation: "Type: AWS::ECS::Cluster\nProperties:\n  ClusterName: <cluster>",
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Cluster.html"],
    peers: &["Powerpipe ecs_cluster_no_active_services_count (partial)"],
    check: cluster_not_active,
};

fn cluster_not_active(snap: &Snapshot, out: &mut Findings) {
    let status = snap.cluster.status.as_deref().unwrap_or("(unknown)");
    if status.eq_ignore_ascii_case("ACTIVE") {
        return;
    }
    out.report(
        cluster_ref(snap),
        format!(
            "cluster `{}` is {status}, not ACTIVE",
            snap.cluster.cluster_name
        ),
    )
    .evidence("status", status);
}

pub static CAPACITY_PROVIDER_TERMINATION_PROTECTION_DISABLED: Rule = Rule {
    id: "capacity-provider-termination-protection-disabled",
    title: "Capacity provider has managed termination protection disabled",
    severity: Severity::Medium,
    category: Category::Security,
    domain: Domain::ContainerInstance,
    scope: Scope::CapacityProviders,
    requires: &[DataSource::Cluster, DataSource::CapacityProviders],
    confidence: Confidence::High,
    rationale: "Without managed termination protection, Auto Scaling can terminate instances that still run tasks, killing workloads uncontrolled during scale-in.",
    remediation: Remediation {
        summary: "Enable managed scaling and managed termination protection on the capacity provider (and scale-in protection on the ASG).",
        steps: &[
            "Turn on scale-in protection for new instances on the Auto Scaling group.",
            "Update the capacity provider with managedScaling ENABLED and managedTerminationProtection ENABLED.",
        ],
        cli: "aws ecs update-capacity-provider --name <capacity-provider> --auto-scaling-group-provider 'managedScaling={status=ENABLED},managedTerminationProtection=ENABLED'",
        terraform: "resource \"aws_ecs_capacity_provider\" \"this\" {\n  auto_scaling_group_provider {\n    auto_scaling_group_arn         = aws_autoscaling_group.ecs.arn\n    managed_termination_protection = \"ENABLED\"\n    managed_scaling {\n      status = \"ENABLED\"\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECS::CapacityProvider\nProperties:\n  AutoScalingGroupProvider:\n    AutoScalingGroupArn: !Ref EcsAsg\n    ManagedTerminationProtection: ENABLED\n    ManagedScaling:\n      Status: ENABLED",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-termination-protection.html",
    ],
    peers: &[
        "SecurityHub ECS.19",
        "AWS Config ecs-capacity-provider-termination-check",
    ],
    check: capacity_provider_termination_protection_disabled,
};

fn capacity_provider_termination_protection_disabled(snap: &Snapshot, out: &mut Findings) {
    for cp in &snap.capacity_providers {
        let Some(asg) = &cp.auto_scaling_group_provider else {
            continue;
        };
        let value = asg
            .managed_termination_protection
            .as_deref()
            .unwrap_or("DISABLED");
        if value.eq_ignore_ascii_case("ENABLED") {
            continue;
        }
        let r = ResourceRef::new(ResourceKind::CapacityProvider, &cp.name)
            .with_arn(&cp.capacity_provider_arn);
        out.report(
            r,
            format!(
                "capacity provider `{}` has managed termination protection {value}",
                cp.name
            ),
        )
        .evidence("managedTerminationProtection", value);
    }
}
