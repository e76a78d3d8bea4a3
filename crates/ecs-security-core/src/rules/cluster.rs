//! Cluster-level security: monitoring, ECS Exec (who may use it, how sessions are logged and
//! encrypted), Fargate storage encryption, cluster status, orphaned clusters and tagging.

use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::model::{
    DataSource, GuardDuty, LaunchKind, ResourceKind, ResourcePath, ResourceRef, Service, Snapshot, Tag, Task, Workload,
    arn_tail, setting,
};

pub(super) const RULES: &[&Rule] = &[
    &CLUSTER_CONTAINER_INSIGHTS_DISABLED,
    &CLUSTER_EXEC_CONFIGURATION_MISSING,
    &CLUSTER_EXEC_LOGGING_DISABLED,
    &CLUSTER_EXEC_KMS_MISSING,
    &CLUSTER_EXEC_LOG_ENCRYPTION_DISABLED,
    &SERVICE_EXEC_ENABLED,
    &CLUSTER_FARGATE_STORAGE_KMS_MISSING,
    &CLUSTER_NOT_ACTIVE,
    &CLUSTER_EMPTY,
    &CLUSTER_UNTAGGED,
    &SERVICE_UNTAGGED,
    &TASK_DEFINITION_UNTAGGED,
    &FARGATE_TASK_RETIREMENT_WAIT_EXTENDED,
    &GUARDDUTY_RUNTIME_MONITORING_DISABLED,
];

fn cluster_ref(snap: &Snapshot) -> ResourceRef {
    ResourceRef::new(ResourceKind::Cluster, &snap.cluster.cluster_name).with_arn(&snap.cluster.cluster_arn)
}

fn service_ref(snap: &Snapshot, s: &Service) -> ResourceRef {
    ResourceRef::new(ResourceKind::Service, &s.service_name).with_arn(&s.service_arn).with_path(ResourcePath {
        cluster: Some(snap.cluster.cluster_name.clone()),
        service: Some(s.service_name.clone()),
        ..ResourcePath::default()
    })
}

/// `family:revision` from a task-definition ARN.
fn family_revision_of(arn: &str) -> &str {
    arn.rsplit_once('/').map_or(arn, |(_, name)| name)
}

fn task_ref(snap: &Snapshot, t: &Task) -> ResourceRef {
    let td = family_revision_of(&t.task_definition_arn);
    ResourceRef::new(ResourceKind::Task, arn_tail(&t.task_arn)).with_arn(&t.task_arn).with_path(ResourcePath {
        cluster: Some(snap.cluster.cluster_name.clone()),
        task_definition: (!td.is_empty()).then(|| td.to_owned()),
        ..ResourcePath::default()
    })
}

fn is_inactive(status: Option<&str>) -> bool {
    status.is_some_and(|s| s.eq_ignore_ascii_case("INACTIVE"))
}

/// Services that exist (ACTIVE or DRAINING).
fn live_services(snap: &Snapshot) -> impl Iterator<Item = &Service> {
    snap.services.iter().filter(|s| !is_inactive(s.status.as_deref()))
}

/// Tasks not started by a service in the snapshot that are still running or pending.
fn live_standalone_tasks(snap: &Snapshot) -> impl Iterator<Item = &Task> {
    snap.tasks.iter().filter(|t| {
        t.service_name().is_none_or(|s| snap.service(s).is_none())
            && !t.last_status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("STOPPED"))
    })
}

/// The first few items of a list for a one-line message; the evidence carries all of them.
fn summarize(items: &[String]) -> String {
    const SHOWN: usize = 2;
    if items.len() <= SHOWN {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..SHOWN].join(", "), items.len() - SHOWN)
    }
}

/// Services and standalone tasks with ECS Exec turned on.
fn exec_users(snap: &Snapshot) -> Vec<String> {
    let mut users: Vec<String> = live_services(snap)
        .filter(|s| s.enable_execute_command)
        .map(|s| format!("service {}", s.service_name))
        .collect();
    users.extend(
        live_standalone_tasks(snap)
            .filter(|t| t.enable_execute_command)
            .map(|t| format!("task {}", arn_tail(&t.task_arn))),
    );
    users
}

/// How the cluster logs ECS Exec sessions: `yes`, `no` or `task-awslogs-if-configured`, and
/// the same in words.
fn exec_logging(snap: &Snapshot) -> (&'static str, String) {
    const VIA_TASK: &str = "task-awslogs-if-configured";
    let Some(exec) = snap.cluster.execute_command_configuration() else {
        return (
            VIA_TASK,
            "the cluster has no exec configuration, so sessions are logged only via the task's awslogs, if any"
                .to_owned(),
        );
    };
    let logging = exec.logging.as_deref().unwrap_or("DEFAULT").to_ascii_uppercase();
    let non_empty = |v: &Option<String>| v.as_deref().filter(|x| !x.is_empty()).map(str::to_owned);
    let destinations: Vec<String> = exec
        .log_configuration
        .iter()
        .flat_map(|l| {
            [
                non_empty(&l.cloud_watch_log_group_name).map(|g| format!("CloudWatch log group `{g}`")),
                non_empty(&l.s3_bucket_name).map(|b| format!("S3 bucket `{b}`")),
            ]
        })
        .flatten()
        .collect();
    match logging.as_str() {
        "NONE" => ("no", "the cluster does not log exec sessions (logging NONE)".to_owned()),
        "OVERRIDE" if destinations.is_empty() => {
            ("no", "cluster exec logging is OVERRIDE without a destination, so sessions are not logged".to_owned())
        }
        "OVERRIDE" => ("yes", format!("sessions are logged to {}", destinations.join(" and "))),
        _ => (
            VIA_TASK,
            "cluster exec logging is DEFAULT, so sessions are logged only via the task's awslogs, if any".to_owned(),
        ),
    }
}

/// Tags a user set: `aws:`-prefixed system tags do not count.
fn user_tags(tags: &[Tag]) -> usize {
    tags.iter().filter(|t| !t.key.to_ascii_lowercase().starts_with("aws:")).count()
}

fn untagged_evidence(tags: &[Tag]) -> &'static str {
    if tags.is_empty() { "(none)" } else { "only aws: system tags" }
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
    rationale: "Container Insights collects task- and container-level metrics and performance events. Without it, resource exhaustion, crash loops and unusual activity (a crypto-miner pegging CPU) go unseen. A cluster without its own `containerInsights` setting follows the account setting of the same name (ListAccountSettings, effective value); when that was not collected, the finding has medium confidence.",
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
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ClusterSetting.html",
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
    let on = |v: &str| v.eq_ignore_ascii_case("enabled") || v.eq_ignore_ascii_case("enhanced");
    let name = &snap.cluster.cluster_name;
    if let Some(value) = snap.cluster.setting(setting::CONTAINER_INSIGHTS) {
        if !on(value) {
            out.report(cluster_ref(snap), format!("Container Insights is {value} on cluster `{name}`"))
                .evidence("containerInsights", value);
        }
        return;
    }
    // The cluster sets nothing: it follows the account setting containerInsights.
    match snap.account_setting(setting::CONTAINER_INSIGHTS) {
        Some(v) if on(v) => {}
        Some(v) => {
            out.report(
                cluster_ref(snap),
                format!(
                    "Container Insights is not set on cluster `{name}`, and the account setting containerInsights it follows is {v}"
                ),
            )
            .evidence("containerInsights", "(not set)")
            .evidence("account containerInsights", v);
        }
        None => {
            out.report(
                cluster_ref(snap),
                format!(
                    "Container Insights is not set on cluster `{name}`; it follows the account setting containerInsights, which was not collected"
                ),
            )
            .evidence("containerInsights", "(not set)")
            .evidence("account containerInsights", "(not collected)")
            .confidence(Confidence::Medium);
        }
    }
}

/// CLI: set a KMS key and OVERRIDE logging to an encrypted log group for ECS Exec.
const EXEC_CONFIG_CLI: &str = "aws ecs update-cluster --cluster <cluster> --configuration 'executeCommandConfiguration={kmsKeyId=<key-arn>,logging=OVERRIDE,logConfiguration={cloudWatchLogGroupName=<log-group>,cloudWatchEncryptionEnabled=true}}'";

/// CloudFormation: the same ECS Exec configuration on the cluster.
const EXEC_CONFIG_CFN: &str = "Type: AWS::ECS::Cluster\nProperties:\n  Configuration:\n    ExecuteCommandConfiguration:\n      KmsKeyId: !Ref ExecKey\n      Logging: OVERRIDE\n      LogConfiguration:\n        CloudWatchLogGroupName: !Ref ExecLogGroup\n        CloudWatchEncryptionEnabled: true";

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
        cli: EXEC_CONFIG_CLI,
        terraform: "resource \"aws_ecs_cluster\" \"this\" {\n  configuration {\n    execute_command_configuration {\n      kms_key_id = aws_kms_key.exec.arn\n      logging    = \"OVERRIDE\"\n      log_configuration {\n        cloud_watch_encryption_enabled = true\n        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name\n      }\n    }\n  }\n}",
        cloudformation: EXEC_CONFIG_CFN,
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
            summarize(&users),
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
    requires: &[DataSource::Cluster, DataSource::Services, DataSource::TaskDefinitions, DataSource::Tasks],
    confidence: Confidence::High,
    rationale: "Interactive sessions into production containers are the most sensitive operator action on a cluster. With logging NONE, or OVERRIDE without a destination, nothing records the commands that were run. With DEFAULT (also what a cluster without an execute-command configuration uses), a session is logged only through the container's own `awslogs` configuration, so sessions into containers that log with another driver (FireLens, Splunk, none) leave no trail; that is judged per workload. Nothing is reported while no service or task has ECS Exec enabled.",
    remediation: Remediation {
        summary: "Set execute-command logging to OVERRIDE with an encrypted CloudWatch log group or S3 bucket.",
        steps: &[
            "Create a KMS-encrypted CloudWatch log group (or an encrypted S3 bucket) for ECS Exec session output.",
            "Update the cluster's executeCommandConfiguration with logging=OVERRIDE, the destination and `cloudWatchEncryptionEnabled`/`s3EncryptionEnabled` true.",
            "Allow the task roles to write there (`logs:CreateLogStream`, `logs:DescribeLogStreams`, `logs:PutLogEvents`, or `s3:PutObject`): the session agent writes with the task role.",
            "Open a test session with `aws ecs execute-command` and check that its output arrives.",
        ],
        cli: "aws ecs update-cluster --cluster <cluster> --configuration 'executeCommandConfiguration={logging=OVERRIDE,logConfiguration={cloudWatchLogGroupName=<log-group>,cloudWatchEncryptionEnabled=true}}'",
        terraform: "resource \"aws_ecs_cluster\" \"this\" {\n  configuration {\n    execute_command_configuration {\n      logging = \"OVERRIDE\"\n      log_configuration {\n        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name\n        cloud_watch_encryption_enabled = true\n      }\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECS::Cluster\nProperties:\n  Configuration:\n    ExecuteCommandConfiguration:\n      Logging: OVERRIDE\n      LogConfiguration:\n        CloudWatchLogGroupName: !Ref ExecLogGroup\n        CloudWatchEncryptionEnabled: true",
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-logging"],
    peers: &["Checkov CKV_AWS_223"],
    check: cluster_exec_logging_disabled,
};

/// Workloads with ECS Exec turned on: live services that enable it, and the revisions of
/// live standalone tasks that do.
fn exec_workloads(snap: &Snapshot) -> Vec<Workload<'_>> {
    let exec_tasks: Vec<&str> = live_standalone_tasks(snap)
        .filter(|t| t.enable_execute_command)
        .map(|t| t.task_definition_arn.as_str())
        .collect();
    snap.workloads()
        .into_iter()
        .filter(|w| match w.service {
            Some(s) => s.enable_execute_command && !is_inactive(s.status.as_deref()),
            None => exec_tasks.contains(&w.task_definition.task_definition_arn.as_str()),
        })
        .collect()
}

/// The containers of a workload whose log driver is not `awslogs`, as `name (driver)`.
fn containers_without_awslogs(w: &Workload<'_>) -> Vec<String> {
    w.containers()
        .filter_map(|c| {
            let driver = c.container.log_configuration.as_ref().and_then(|l| l.log_driver.as_deref());
            match driver {
                Some(d) if d.trim().eq_ignore_ascii_case("awslogs") => None,
                Some(d) => Some(format!("{} ({d})", c.container.name)),
                None => Some(format!("{} (no log configuration)", c.container.name)),
            }
        })
        .collect()
}

fn cluster_exec_logging_disabled(snap: &Snapshot, out: &mut Findings) {
    let users = exec_users(snap);
    if users.is_empty() {
        return;
    }
    let exec = snap.cluster.execute_command_configuration();
    let logging = exec.and_then(|e| e.logging.as_deref()).unwrap_or("DEFAULT").to_ascii_uppercase();
    let has_destination = exec.and_then(|e| e.log_configuration.as_ref()).is_some_and(|l| {
        l.cloud_watch_log_group_name.as_deref().is_some_and(|g| !g.is_empty())
            || l.s3_bucket_name.as_deref().is_some_and(|b| !b.is_empty())
    });
    let problem = match logging.as_str() {
        "NONE" => "logging is NONE",
        "OVERRIDE" if !has_destination => "logging is OVERRIDE but no log group or bucket is configured",
        "OVERRIDE" => return,
        _ => {
            exec_default_logging_gaps(snap, exec.is_some(), out);
            return;
        }
    };
    out.report(
        cluster_ref(snap),
        format!("ECS Exec sessions on cluster `{}` are not logged: {problem}", snap.cluster.cluster_name),
    )
    .evidence("logging", &logging)
    .evidence("exec_enabled_on", users.join(", "));
}

/// DEFAULT logging: each Exec-enabled workload whose containers do not all log with awslogs.
fn exec_default_logging_gaps(snap: &Snapshot, configured: bool, out: &mut Findings) {
    let shown = if configured { "DEFAULT" } else { "DEFAULT (no execute-command configuration)" };
    for w in exec_workloads(snap) {
        let unlogged = containers_without_awslogs(&w);
        if unlogged.is_empty() {
            continue;
        }
        let who = match w.service_name() {
            Some(s) => format!("service `{s}`"),
            None => format!("standalone tasks of `{}`", w.task_definition.family_revision()),
        };
        out.report(
            w.owner_ref(),
            format!(
                "ECS Exec sessions into {} of {who} leave no audit trail: cluster `{}` logs exec sessions only through a container's awslogs driver",
                summarize(&unlogged),
                snap.cluster.cluster_name
            ),
        )
        .evidence("logging", shown)
        .evidence("containers_without_awslogs", unlogged.join(", "))
        .evidence("task_definition", w.task_definition.family_revision());
    }
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
            "Create a symmetric KMS key for ECS Exec sessions.",
            "Allow the task roles `kms:Decrypt` and the principals that run `aws ecs execute-command` `kms:GenerateDataKey` on it.",
            "Update the cluster's executeCommandConfiguration with `kmsKeyId`, repeating the current logging settings (the configuration is replaced as a whole).",
            "Open a test session to confirm that both sides can use the key.",
        ],
        cli: EXEC_CONFIG_CLI,
        terraform: "resource \"aws_ecs_cluster\" \"this\" {\n  configuration {\n    execute_command_configuration {\n      kms_key_id = aws_kms_key.exec.arn\n      logging    = \"OVERRIDE\"\n      log_configuration {\n        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name\n        cloud_watch_encryption_enabled = true\n      }\n    }\n  }\n}",
        cloudformation: EXEC_CONFIG_CFN,
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-encryption"],
    peers: &["Checkov CKV_AWS_224"],
    check: cluster_exec_kms_missing,
};

fn cluster_exec_kms_missing(snap: &Snapshot, out: &mut Findings) {
    let users = exec_users(snap);
    if users.is_empty() {
        return;
    }
    let key = snap.cluster.execute_command_configuration().and_then(|e| e.kms_key_id.as_deref());
    if key.is_some_and(|k| !k.is_empty()) {
        return;
    }
    out.report(
        cluster_ref(snap),
        format!(
            "ECS Exec is enabled on {} but sessions on cluster `{}` use no customer-managed KMS key",
            summarize(&users),
            snap.cluster.cluster_name
        ),
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
    rationale: "A cluster that is FAILED or INACTIVE cannot run or replace tasks reliably: FAILED usually means its capacity-provider resources could not be created and tasks are not being placed, INACTIVE means it was deleted. PROVISIONING and DEPROVISIONING are transitional and reported at Medium.",
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
    peers: &[],
    check: cluster_not_active,
};

fn cluster_not_active(snap: &Snapshot, out: &mut Findings) {
    // DescribeClusters always returns a status; a snapshot without one says nothing.
    let Some(status) = snap.cluster.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return;
    };
    if status.eq_ignore_ascii_case("ACTIVE") {
        return;
    }
    let transitional = status.eq_ignore_ascii_case("PROVISIONING") || status.eq_ignore_ascii_case("DEPROVISIONING");
    let f = out.report(cluster_ref(snap), format!("cluster `{}` is {status}, not ACTIVE", snap.cluster.cluster_name));
    f.evidence("status", status);
    if transitional {
        f.severity(Severity::Medium);
    }
}

pub static CLUSTER_EXEC_LOG_ENCRYPTION_DISABLED: Rule = Rule {
    id: "cluster-exec-log-encryption-disabled",
    title: "ECS Exec session logs are written without encryption enforced",
    severity: Severity::Medium,
    category: Category::Encryption,
    domain: Domain::Cluster,
    scope: Scope::Cluster,
    requires: &[DataSource::Cluster],
    confidence: Confidence::High,
    rationale: "Exec session logs hold everything typed and printed in shells on production containers, often including credentials. `cloudWatchEncryptionEnabled` and `s3EncryptionEnabled` make the session agent refuse to upload to a log group or bucket that is not encrypted; both default to false, so a destination without encryption is accepted silently.",
    remediation: Remediation {
        summary: "Encrypt the exec log group (KMS) or bucket and set `cloudWatchEncryptionEnabled` / `s3EncryptionEnabled` to true.",
        steps: &[
            "Associate a KMS key with the CloudWatch log group (`aws logs associate-kms-key`) or turn on default encryption for the S3 bucket.",
            "Update the cluster's executeCommandConfiguration with `cloudWatchEncryptionEnabled=true` and/or `s3EncryptionEnabled=true`.",
            "Grant the task roles `kms:Decrypt` on the session key and write access to the encrypted destination.",
            "Start a test session with `aws ecs execute-command` and check that its output arrives.",
        ],
        cli: "aws ecs update-cluster --cluster <cluster> --configuration 'executeCommandConfiguration={kmsKeyId=<key-arn>,logging=OVERRIDE,logConfiguration={cloudWatchLogGroupName=<log-group>,cloudWatchEncryptionEnabled=true,s3BucketName=<bucket>,s3EncryptionEnabled=true}}'",
        terraform: "resource \"aws_ecs_cluster\" \"this\" {\n  configuration {\n    execute_command_configuration {\n      kms_key_id = aws_kms_key.exec.arn\n      logging    = \"OVERRIDE\"\n      log_configuration {\n        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name\n        cloud_watch_encryption_enabled = true\n        s3_bucket_name                 = aws_s3_bucket.exec.bucket\n        s3_bucket_encryption_enabled   = true\n      }\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECS::Cluster\nProperties:\n  Configuration:\n    ExecuteCommandConfiguration:\n      KmsKeyId: !Ref ExecKey\n      Logging: OVERRIDE\n      LogConfiguration:\n        CloudWatchLogGroupName: !Ref ExecLogGroup\n        CloudWatchEncryptionEnabled: true\n        S3BucketName: !Ref ExecBucket\n        S3EncryptionEnabled: true",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-logging",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ExecuteCommandLogConfiguration.html",
    ],
    peers: &["Checkov CKV_AWS_224"],
    check: cluster_exec_log_encryption_disabled,
};

fn cluster_exec_log_encryption_disabled(snap: &Snapshot, out: &mut Findings) {
    let Some(exec) = snap.cluster.execute_command_configuration() else {
        return;
    };
    let overriding = exec.logging.as_deref().is_some_and(|l| l.eq_ignore_ascii_case("OVERRIDE"));
    let Some(log) = exec.log_configuration.as_ref().filter(|_| overriding) else {
        return;
    };
    let mut unencrypted: Vec<(String, &str)> = Vec::new();
    if let Some(group) = log.cloud_watch_log_group_name.as_deref().filter(|g| !g.is_empty())
        && !log.cloud_watch_encryption_enabled
    {
        unencrypted.push((format!("CloudWatch log group `{group}`"), "cloudWatchEncryptionEnabled"));
    }
    if let Some(bucket) = log.s3_bucket_name.as_deref().filter(|b| !b.is_empty())
        && !log.s3_encryption_enabled
    {
        unencrypted.push((format!("S3 bucket `{bucket}`"), "s3EncryptionEnabled"));
    }
    if unencrypted.is_empty() {
        return;
    }
    let places: Vec<&str> = unencrypted.iter().map(|(p, _)| p.as_str()).collect();
    let f = out.report(
        cluster_ref(snap),
        format!(
            "cluster `{}` writes ECS Exec session logs to {} without requiring encryption",
            snap.cluster.cluster_name,
            places.join(" and ")
        ),
    );
    for (place, flag) in &unencrypted {
        f.evidence(flag, format!("false ({place})"));
    }
}

pub static SERVICE_EXEC_ENABLED: Rule = Rule {
    id: "service-exec-enabled",
    title: "ECS Exec is enabled on a service or task",
    severity: Severity::Low,
    category: Category::Security,
    domain: Domain::Cluster,
    scope: Scope::Workloads,
    requires: &[DataSource::Cluster, DataSource::Services, DataSource::Tasks],
    confidence: Confidence::High,
    rationale: "`enableExecuteCommand` (false by default) lets anyone with `ecs:ExecuteCommand` open an interactive shell in the running containers, bypassing the deployment pipeline. On production workloads that should be a deliberate, time-boxed decision with logged sessions, not a leftover from debugging.",
    remediation: Remediation {
        summary: "Turn ECS Exec off where it is not needed; where it is, restrict `ecs:ExecuteCommand` and log the sessions.",
        steps: &[
            "Decide per service whether interactive access is needed in this environment.",
            "Disable it with `aws ecs update-service --disable-execute-command --force-new-deployment` (running tasks keep the setting until replaced).",
            "Where it stays on, limit `ecs:ExecuteCommand` in IAM with `ecs:cluster` and `ecs:container-name` conditions.",
            "Configure cluster execute-command logging (OVERRIDE, encrypted destination) so every session is recorded.",
        ],
        cli: "aws ecs update-service --cluster <cluster> --service <service> --disable-execute-command --force-new-deployment",
        terraform: "resource \"aws_ecs_service\" \"app\" {\n  enable_execute_command = false\n}",
        cloudformation: "Type: AWS::ECS::Service\nProperties:\n  EnableExecuteCommand: false",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec-best-practices.html",
    ],
    peers: &[],
    check: service_exec_enabled,
};

fn service_exec_enabled(snap: &Snapshot, out: &mut Findings) {
    let (logged, logging) = exec_logging(snap);
    for s in live_services(snap).filter(|s| s.enable_execute_command) {
        out.report(service_ref(snap, s), format!("service `{}` has ECS Exec enabled; {logging}", s.service_name))
            .evidence("enableExecuteCommand", true)
            .evidence("exec_session_logging", logged);
    }
    for t in live_standalone_tasks(snap).filter(|t| t.enable_execute_command) {
        out.report(
            task_ref(snap, t),
            format!("standalone task `{}` has ECS Exec enabled; {logging}", arn_tail(&t.task_arn)),
        )
        .evidence("enableExecuteCommand", true)
        .evidence("exec_session_logging", logged);
    }
}

pub static CLUSTER_FARGATE_STORAGE_KMS_MISSING: Rule = Rule {
    id: "cluster-fargate-storage-kms-missing",
    title: "Fargate ephemeral storage is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    category: Category::Encryption,
    domain: Domain::Cluster,
    scope: Scope::FargateWorkloads,
    requires: &[DataSource::Cluster, DataSource::Services, DataSource::TaskDefinitions, DataSource::Tasks],
    confidence: Confidence::High,
    rationale: "Without `managedStorageConfiguration.fargateEphemeralStorageKmsKeyId`, Fargate encrypts task ephemeral storage with an AWS-owned key: you cannot audit its use in CloudTrail, revoke it or rotate it on your schedule. A customer-managed key (Linux tasks on platform 1.4.0 or later) puts the data under your key policy.",
    remediation: Remediation {
        summary: "Create a single-Region KMS key that Fargate may use and set it as the cluster's Fargate ephemeral storage key.",
        steps: &[
            "Create a symmetric, single-Region KMS key whose policy lets `fargate.amazonaws.com` call `kms:GenerateDataKeyWithoutPlaintext`, `kms:CreateGrant` and `kms:DescribeKey` for this cluster.",
            "Set it with `aws ecs update-cluster --configuration managedStorageConfiguration={fargateEphemeralStorageKmsKeyId=<key-id>}` (a key ID or ARN, not an alias).",
            "Redeploy the Fargate services (`--force-new-deployment`) so new tasks use the key.",
        ],
        cli: "aws ecs update-cluster --cluster <cluster> --configuration 'managedStorageConfiguration={fargateEphemeralStorageKmsKeyId=<key-arn>}'",
        terraform: "resource \"aws_ecs_cluster\" \"this\" {\n  configuration {\n    managed_storage_configuration {\n      fargate_ephemeral_storage_kms_key_id = aws_kms_key.fargate_storage.id\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECS::Cluster\nProperties:\n  Configuration:\n    ManagedStorageConfiguration:\n      FargateEphemeralStorageKmsKeyId: !Ref FargateStorageKey",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-storage-encryption.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-create-storage-key.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ManagedStorageConfiguration.html",
    ],
    peers: &[],
    check: cluster_fargate_storage_kms_missing,
};

fn cluster_fargate_storage_kms_missing(snap: &Snapshot, out: &mut Findings) {
    let key = snap
        .cluster
        .configuration
        .as_ref()
        .and_then(|c| c.managed_storage_configuration.as_ref())
        .and_then(|m| m.fargate_ephemeral_storage_kms_key_id.as_deref())
        .map(str::trim);
    if key.is_some_and(|k| !k.is_empty()) {
        return;
    }
    // Customer-managed keys are not available for Windows tasks on Fargate.
    let mut workloads: Vec<String> = Vec::new();
    for w in snap.workloads() {
        if !w.is_fargate() || crate::knowledge::platform::is_windows(snap, &w) {
            continue;
        }
        let label = match w.service_name() {
            Some(s) => format!("service {s}"),
            None => format!("task definition {}", w.task_definition.family_revision()),
        };
        if !workloads.contains(&label) {
            workloads.push(label);
        }
    }
    if workloads.is_empty() {
        return;
    }
    out.report(
        cluster_ref(snap),
        format!(
            "cluster `{}` runs {} Fargate workload(s) whose ephemeral storage is encrypted with an AWS-owned key, not a customer-managed KMS key",
            snap.cluster.cluster_name,
            workloads.len()
        ),
    )
    .evidence("fargateEphemeralStorageKmsKeyId", "(not set)")
    .evidence("fargate_workloads", workloads.join(", "));
}

pub static CLUSTER_EMPTY: Rule = Rule {
    id: "cluster-empty",
    title: "Cluster is empty (no services, tasks or container instances)",
    severity: Severity::Low,
    category: Category::Availability,
    domain: Domain::Cluster,
    scope: Scope::Cluster,
    requires: &[DataSource::Cluster, DataSource::Services, DataSource::Tasks, DataSource::ContainerInstances],
    confidence: Confidence::Medium,
    rationale: "An ACTIVE cluster with nothing in it is usually orphaned: nobody watches it, yet its settings, capacity providers and IAM permissions still let tasks be started in it unnoticed. A cluster used only for scheduled or on-demand tasks also looks empty between runs, hence medium confidence.",
    remediation: Remediation {
        summary: "Confirm the cluster is unused (no scheduled tasks or pipelines target it), then delete it or document its purpose with tags.",
        steps: &[
            "Search EventBridge schedules, Step Functions, AWS Batch and CI pipelines for references to the cluster.",
            "If unused, detach its capacity providers and delete it with `aws ecs delete-cluster`.",
            "Remove it from the infrastructure code so it is not recreated.",
            "If it is kept for on-demand tasks, tag it with an owner and its purpose.",
        ],
        cli: "aws ecs put-cluster-capacity-providers --cluster <cluster> --capacity-providers [] --default-capacity-provider-strategy [] && aws ecs delete-cluster --cluster <cluster>",
        terraform: "# Delete the cluster's resource block and run `terraform apply`:\n# resource \"aws_ecs_cluster\" \"unused\" {\n#   name = \"<cluster>\"\n# }",
        cloudformation: "# Remove the cluster from the template (or delete its stack):\n# UnusedCluster:\n#   Type: AWS::ECS::Cluster\n#   Properties:\n#     ClusterName: <cluster>",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/delete_cluster-new-console.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html",
    ],
    peers: &[
        "Powerpipe ecs_cluster_no_registered_container_instance",
        "Powerpipe ecs_cluster_no_active_services_count",
    ],
    check: cluster_empty,
};

fn cluster_empty(snap: &Snapshot, out: &mut Findings) {
    let c = &snap.cluster;
    let active = c.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("ACTIVE"));
    // Any task, even a recently stopped one, shows the cluster is in use.
    let in_use = live_services(snap).next().is_some()
        || !snap.tasks.is_empty()
        || !snap.container_instances.is_empty()
        || c.active_services_count > 0
        || c.running_tasks_count > 0
        || c.pending_tasks_count > 0
        || c.registered_container_instances_count > 0;
    if !active || in_use {
        return;
    }
    out.report(
        cluster_ref(snap),
        format!("cluster `{}` is ACTIVE but has no services, tasks or container instances", c.cluster_name),
    )
    .evidence("activeServicesCount", c.active_services_count)
    .evidence("runningTasksCount", c.running_tasks_count)
    .evidence("registeredContainerInstancesCount", c.registered_container_instances_count);
}

const TAG_STEPS: &[&str] = &[
    "Agree on required tag keys (for example owner, environment, data-classification) and never put secrets in tag values.",
    "Tag the resource with `aws ecs tag-resource`, and set the tags in the infrastructure code so they survive redeployments.",
    "Enforce the keys with an AWS Organizations tag policy or the Security Hub tagging controls' `requiredTagKeys` parameter.",
];

pub static CLUSTER_UNTAGGED: Rule = Rule {
    id: "cluster-untagged",
    title: "Cluster has no tags",
    severity: Severity::Low,
    category: Category::Configuration,
    domain: Domain::Cluster,
    scope: Scope::Cluster,
    requires: &[DataSource::Cluster],
    confidence: Confidence::High,
    rationale: "Tags identify the owner, environment and data classification of a resource; without them incidents cannot be routed, costs cannot be attributed and tag-based access control (ABAC) cannot apply. System tags (`aws:`) do not count.",
    remediation: Remediation {
        summary: "Add owner and environment tags to the cluster.",
        steps: TAG_STEPS,
        cli: "aws ecs tag-resource --resource-arn <cluster-arn> --tags key=owner,value=<team> key=environment,value=<environment>",
        terraform: "resource \"aws_ecs_cluster\" \"this\" {\n  tags = {\n    owner       = \"<team>\"\n    environment = \"<environment>\"\n  }\n}",
        cloudformation: "Type: AWS::ECS::Cluster\nProperties:\n  Tags:\n    - Key: owner\n      Value: <team>\n    - Key: environment\n      Value: <environment>",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-using-tags.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-14",
    ],
    peers: &["SecurityHub ECS.14 (AWS Resource Tagging Standard, not modelled)", "CIS AWS Compute 3.11"],
    check: cluster_untagged,
};

fn cluster_untagged(snap: &Snapshot, out: &mut Findings) {
    let tags = &snap.cluster.tags;
    if user_tags(tags) > 0 {
        return;
    }
    out.report(cluster_ref(snap), format!("cluster `{}` has no tags", snap.cluster.cluster_name))
        .evidence("tags", untagged_evidence(tags));
}

pub static SERVICE_UNTAGGED: Rule = Rule {
    id: "service-untagged",
    title: "Service has no tags",
    severity: Severity::Low,
    category: Category::Configuration,
    domain: Domain::Cluster,
    scope: Scope::Services,
    requires: &[DataSource::Services],
    confidence: Confidence::High,
    rationale: "Tags identify the owner, environment and data classification of a service; without them incidents cannot be routed, costs cannot be attributed and tag-based access control (ABAC) cannot apply. System tags (`aws:`) do not count.",
    remediation: Remediation {
        summary: "Add owner and environment tags to the service and propagate them to its tasks.",
        steps: TAG_STEPS,
        cli: "aws ecs tag-resource --resource-arn <service-arn> --tags key=owner,value=<team> key=environment,value=<environment>",
        terraform: "resource \"aws_ecs_service\" \"app\" {\n  propagate_tags          = \"SERVICE\"\n  enable_ecs_managed_tags = true\n  tags = {\n    owner       = \"<team>\"\n    environment = \"<environment>\"\n  }\n}",
        cloudformation: "Type: AWS::ECS::Service\nProperties:\n  PropagateTags: SERVICE\n  EnableECSManagedTags: true\n  Tags:\n    - Key: owner\n      Value: <team>\n    - Key: environment\n      Value: <environment>",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-using-tags.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-13",
    ],
    peers: &["SecurityHub ECS.13 (AWS Resource Tagging Standard, not modelled)", "CIS AWS Compute 3.10"],
    check: service_untagged,
};

fn service_untagged(snap: &Snapshot, out: &mut Findings) {
    for s in live_services(snap) {
        if user_tags(&s.tags) > 0 {
            continue;
        }
        out.report(service_ref(snap, s), format!("service `{}` has no tags", s.service_name))
            .evidence("tags", untagged_evidence(&s.tags));
    }
}

pub static TASK_DEFINITION_UNTAGGED: Rule = Rule {
    id: "task-definition-untagged",
    title: "Task definition in use has no tags",
    severity: Severity::Low,
    category: Category::Configuration,
    domain: Domain::Cluster,
    scope: Scope::Workloads,
    requires: &[DataSource::Services, DataSource::TaskDefinitions, DataSource::Tasks],
    confidence: Confidence::High,
    rationale: "Tags on a task definition identify who owns the workload and which data it handles; without them revisions cannot be attributed or governed by tag-based policies. System tags (`aws:`) do not count; only the revisions in use are checked.",
    remediation: Remediation {
        summary: "Tag the task definition family in the infrastructure code so every new revision carries owner and environment tags.",
        steps: TAG_STEPS,
        cli: "aws ecs tag-resource --resource-arn <task-definition-arn> --tags key=owner,value=<team> key=environment,value=<environment>",
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  tags = {\n    owner       = \"<team>\"\n    environment = \"<environment>\"\n  }\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  Tags:\n    - Key: owner\n      Value: <team>\n    - Key: environment\n      Value: <environment>",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-using-tags.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-15",
    ],
    peers: &["SecurityHub ECS.15 (AWS Resource Tagging Standard, not modelled)", "CIS AWS Compute 3.12"],
    check: task_definition_untagged,
};

fn task_definition_untagged(snap: &Snapshot, out: &mut Findings) {
    let mut seen: Vec<&str> = Vec::new();
    for w in snap.workloads() {
        let td = w.task_definition;
        if seen.contains(&td.task_definition_arn.as_str()) {
            continue;
        }
        seen.push(&td.task_definition_arn);
        if user_tags(&td.tags) > 0 {
            continue;
        }
        out.report(w.task_definition_ref(), format!("task definition `{}` has no tags", td.family_revision()))
            .evidence("tags", untagged_evidence(&td.tags));
    }
}

pub static FARGATE_TASK_RETIREMENT_WAIT_EXTENDED: Rule = Rule {
    id: "fargate-task-retirement-wait-extended",
    title: "Fargate tasks wait 14 days before retirement for security updates",
    severity: Severity::Low,
    category: Category::Configuration,
    domain: Domain::Cluster,
    scope: Scope::FargateWorkloads,
    requires: &[DataSource::AccountSettings],
    confidence: Confidence::High,
    rationale: "When AWS needs a security or infrastructure update on Fargate, it retires the tasks running on the old platform revision and the replacements start on the patched one. The account setting `fargateTaskRetirementWaitPeriod` sets how long AWS waits after the notice: 0 (at once), 7 (the default) or 14 days. At 14 days, tasks keep running on a revision AWS has decided to replace for up to two weeks after the notice; AWS recommends a shorter wait to pick up new revisions sooner.",
    remediation: Remediation {
        summary: "Set `fargateTaskRetirementWaitPeriod` to 7 (the default) or 0, and redeploy on retirement notices instead of waiting.",
        steps: &[
            "Capture the task retirement notices (AWS Health events in EventBridge) and route them to the team that owns the services.",
            "Set the account default with `aws ecs put-account-setting-default --name fargateTaskRetirementWaitPeriod --value 7` (or `0` for workloads that tolerate immediate replacement).",
            "When a notice arrives, run `aws ecs update-service --force-new-deployment` so the services move to the patched revision before the deadline.",
        ],
        cli: "aws ecs put-account-setting-default --name fargateTaskRetirementWaitPeriod --value 7",
        terraform: "resource \"aws_ecs_account_setting_default\" \"fargate_retirement_wait\" {\n  name  = \"fargateTaskRetirementWaitPeriod\"\n  value = \"7\"\n}",
        cloudformation: "# CloudFormation has no resource for this account default; set it once per region with the CLI:\n# aws ecs put-account-setting-default --name fargateTaskRetirementWaitPeriod --value 7",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/prepare-task-retirement.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-maintenance.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutAccountSettingDefault.html",
    ],
    peers: &[],
    check: fargate_task_retirement_wait_extended,
};

fn fargate_task_retirement_wait_extended(snap: &Snapshot, out: &mut Findings) {
    let Some(wait) = snap.account_setting(setting::FARGATE_TASK_RETIREMENT_WAIT_PERIOD) else {
        return;
    };
    if wait != "14" {
        return;
    }
    out.report(
        cluster_ref(snap),
        format!(
            "the account setting fargateTaskRetirementWaitPeriod is 14 days in {}: Fargate tasks of cluster `{}` may keep running on a platform revision AWS has scheduled for a security update for two weeks",
            snap.region, snap.cluster.cluster_name
        ),
    )
    .evidence("fargateTaskRetirementWaitPeriod", wait);
}

pub static GUARDDUTY_RUNTIME_MONITORING_DISABLED: Rule = Rule {
    id: "guardduty-runtime-monitoring-disabled",
    title: "GuardDuty Runtime Monitoring does not cover the cluster",
    severity: Severity::Medium,
    category: Category::RuntimeSecurity,
    domain: Domain::Cluster,
    scope: Scope::Workloads,
    requires: &[DataSource::Cluster, DataSource::GuardDuty],
    confidence: Confidence::High,
    rationale: "GuardDuty Runtime Monitoring watches what runs inside the tasks (processes, file access, network connections) and reports container escapes, reverse shells, crypto-miners and use of stolen credentials; nothing else in ECS sees them. It covers a cluster only when the region's detector is enabled with the RUNTIME_MONITORING feature, and, for Fargate, when GuardDuty manages the agent (`ECS_FARGATE_AGENT_MANAGEMENT`) or the cluster is tagged `GuardDutyManaged=true`; the tag `GuardDutyManaged=false` excludes a cluster. On EC2 container instances the agent is installed by GuardDuty (`EC2_AGENT_MANAGEMENT`) or by hand; without the former and without any coverage record for the cluster, no agent is reporting (medium confidence: GuardDuty may not have recorded a new cluster yet). GuardDuty's own coverage record for the cluster (ListCoverage) says when the agent is not reporting. The ECS account setting `guardDutyActivate`, which GuardDuty sets, is shown as evidence. Runtime Monitoring does not support tasks on ECS Managed Instances.",
    remediation: Remediation {
        summary: "Enable GuardDuty Runtime Monitoring with automated agent configuration for Fargate (ECS) in the region, and do not exclude the cluster.",
        steps: &[
            "In the GuardDuty administrator account, enable Runtime Monitoring for the account or organization in this region.",
            "Turn on automated agent configuration for AWS Fargate (ECS only); for EC2 container instances, enable automated agent configuration for Amazon EC2 or install the agent.",
            "Remove a `GuardDutyManaged=false` tag from the cluster (or add `GuardDutyManaged=true` when automated agent configuration stays off).",
            "Redeploy the services (`update-service --force-new-deployment`): the agent joins Fargate tasks only when they start.",
            "Check the cluster's coverage in the GuardDuty console (Runtime coverage, ECS clusters) and fix any issue it lists, such as a missing VPC endpoint or task execution role.",
        ],
        cli: "aws guardduty update-detector --detector-id <detector-id> --features '[{\"Name\":\"RUNTIME_MONITORING\",\"Status\":\"ENABLED\",\"AdditionalConfiguration\":[{\"Name\":\"ECS_FARGATE_AGENT_MANAGEMENT\",\"Status\":\"ENABLED\"}]}]'",
        terraform: "resource \"aws_guardduty_detector_feature\" \"runtime_monitoring\" {\n  detector_id = aws_guardduty_detector.this.id\n  name        = \"RUNTIME_MONITORING\"\n  status      = \"ENABLED\"\n  additional_configuration {\n    name   = \"ECS_FARGATE_AGENT_MANAGEMENT\"\n    status = \"ENABLED\"\n  }\n}",
        cloudformation: "Type: AWS::GuardDuty::Detector\nProperties:\n  Enable: true\n  Features:\n    - Name: RUNTIME_MONITORING\n      Status: ENABLED\n      AdditionalConfiguration:\n        - Name: ECS_FARGATE_AGENT_MANAGEMENT\n          Status: ENABLED",
    },
    references: &[
        "https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring.html",
        "https://docs.aws.amazon.com/guardduty/latest/ug/how-runtime-monitoring-works-ecs-fargate.html",
        "https://docs.aws.amazon.com/guardduty/latest/ug/gdu-assess-coverage-ecs.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-guard-duty-integration.html",
    ],
    peers: &["AWS Config guardduty-ecs-protection-runtime-enabled", "Prowler guardduty_is_enabled"],
    check: guardduty_runtime_monitoring_disabled,
};

/// The cluster tag that includes (`true`) or excludes (`false`) it from Runtime Monitoring.
const GUARDDUTY_MANAGED_TAG: &str = "GuardDutyManaged";

fn guardduty_runtime_monitoring_disabled(snap: &Snapshot, out: &mut Findings) {
    let Some(gd) = snap.guardduty.as_ref() else {
        return;
    };
    let activate = snap.account_setting(setting::GUARD_DUTY_ACTIVATE).unwrap_or("(not collected)");
    for (message, evidence) in runtime_monitoring_gaps(snap, gd) {
        let f = out.report(cluster_ref(snap), message);
        for (key, value) in evidence {
            f.evidence(key, value);
        }
        f.evidence("guardDutyActivate", activate);
        if f.evidence.iter().any(|e| e.key == "coverage" && e.value == "(no record)") {
            // GuardDuty may not have recorded a new cluster yet.
            f.confidence(Confidence::Medium);
        }
    }
}

/// Why Runtime Monitoring does not cover the cluster, as (message, evidence) pairs.
fn runtime_monitoring_gaps(snap: &Snapshot, gd: &GuardDuty) -> Vec<(String, Vec<(&'static str, String)>)> {
    let name = &snap.cluster.cluster_name;
    let region = &snap.region;
    let Some(detector) = gd.detector.as_ref() else {
        let msg = format!(
            "GuardDuty is not enabled in {region} (no detector), so nothing watches the runtime behaviour of cluster `{name}`"
        );
        return vec![(msg, vec![("detector", "(none)".into())])];
    };
    let id = detector.detector_id.clone();
    if !detector.is_enabled() {
        let msg =
            format!("the GuardDuty detector of {region} is suspended, so nothing watches cluster `{name}` at run time");
        let status = detector.status.clone().unwrap_or_else(|| "(not set)".into());
        return vec![(msg, vec![("detector", id), ("status", status)])];
    }
    let Some(runtime) = detector.feature("RUNTIME_MONITORING").filter(|f| f.is_enabled()) else {
        let status = detector.feature("RUNTIME_MONITORING").and_then(|f| f.status.clone());
        let msg = format!(
            "GuardDuty Runtime Monitoring is not enabled in {region}, so the tasks of cluster `{name}` are not monitored"
        );
        return vec![(
            msg,
            vec![("detector", id), ("RUNTIME_MONITORING", status.unwrap_or_else(|| "(not listed)".into()))],
        )];
    };
    let tag =
        snap.cluster.tags.iter().find(|t| t.key == GUARDDUTY_MANAGED_TAG).map(|t| t.value.trim().to_ascii_lowercase());
    if tag.as_deref() == Some("false") {
        let msg = format!(
            "cluster `{name}` is tagged {GUARDDUTY_MANAGED_TAG}=false, which excludes it from GuardDuty Runtime Monitoring"
        );
        return vec![(msg, vec![(GUARDDUTY_MANAGED_TAG, "false".into())])];
    }
    let fargate = snap.workloads().iter().any(|w| w.is_fargate());
    let fargate_agent = runtime.configuration_enabled("ECS_FARGATE_AGENT_MANAGEMENT");
    if fargate && fargate_agent != Some(true) && tag.as_deref() != Some("true") {
        let msg = format!(
            "GuardDuty Runtime Monitoring is on in {region}, but it does not manage the agent for Fargate and cluster `{name}` is not tagged {GUARDDUTY_MANAGED_TAG}=true, so its Fargate tasks are not monitored"
        );
        let agent = if fargate_agent == Some(false) { "DISABLED" } else { "(not listed)" };
        return vec![(
            msg,
            vec![
                ("ECS_FARGATE_AGENT_MANAGEMENT", agent.into()),
                (GUARDDUTY_MANAGED_TAG, tag.unwrap_or_else(|| "(not set)".into())),
            ],
        )];
    }
    let ec2 = snap.workloads().iter().any(|w| w.launch == LaunchKind::Ec2);
    let ec2_agent = runtime.configuration_enabled("EC2_AGENT_MANAGEMENT");
    if ec2 && ec2_agent != Some(true) && gd.coverage.is_empty() {
        let msg = format!(
            "GuardDuty Runtime Monitoring is on in {region}, but it does not manage the agent on EC2 instances and has no coverage record for cluster `{name}`, so the agent on its container instances is not reporting"
        );
        let agent = if ec2_agent == Some(false) { "DISABLED" } else { "(not listed)" };
        return vec![(msg, vec![("EC2_AGENT_MANAGEMENT", agent.into()), ("coverage", "(no record)".into())])];
    }
    let mut out = Vec::new();
    for c in &gd.coverage {
        if !c.coverage_status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("UNHEALTHY")) {
            continue;
        }
        let msg = format!(
            "GuardDuty reports the runtime coverage of cluster `{name}` as unhealthy: {}",
            c.issue.as_deref().unwrap_or("no reason given")
        );
        let mut evidence = vec![("coverageStatus", "UNHEALTHY".to_owned())];
        if let (Some(covered), Some(compatible)) = (c.covered_container_instances, c.compatible_container_instances) {
            evidence.push(("container_instances_covered", format!("{covered} of {compatible}")));
        }
        if let Some(m) = &c.fargate_management_type {
            evidence.push(("fargate_management", m.clone()));
        }
        out.push((msg, evidence));
    }
    out
}
