//! End-to-end tests with real parts: the AWS SDK over HTTP against a private, seeded moto
//! server on 127.0.0.1, with a recording proxy in between; the MCP server driven over stdio.
//!
//! This is a `harness = false` test: it sets the AWS environment (endpoint, dummy
//! credentials) once before any thread exists, starts moto, and runs the scenarios in order.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test or benchmark harness: a panic is how it fails")]

mod moto;
#[allow(dead_code, reason = "record and replay serve the benchmarks, which share this file")]
mod proxy;

use std::collections::BTreeSet;
use std::process::Command;
use std::time::{Duration, Instant};

use ecs_security_mcp::actions::{Action, Actions, AnalyzeParams, Depth, Source};
use ecs_security_mcp::collect::{AwsOptions, AwsSource};
use ecs_security_mcp::model::Snapshot;
use ecs_security_mcp::rules::{self, Severity};
use serde_json::{Value, json};

use moto::Moto;
use proxy::{Faults, Proxy};

pub(crate) type Outcome = Result<(), String>;

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

mod clb_kms;
mod fleet;
mod stdio;
mod trust;

use trust::{
    access_denied_on_each_operation_is_a_gap_never_a_pass, describe_clusters_denied_is_a_clear_error,
    every_call_throttled_once_survives_the_defaults, hanging_endpoint_times_out_within_the_bound,
    iam_policy_covers_every_recorded_operation, planted_secrets_never_leak,
    server_errors_are_retried_to_identical_findings, throttling_is_retried_to_identical_findings,
};

pub(crate) struct Env {
    moto: Moto,
    proxy: Proxy,
}

fn source() -> AwsSource {
    AwsSource::new(AwsOptions {
        region: Some("us-east-1".into()),
        call_timeout: Duration::from_secs(10),
        ..AwsOptions::default()
    })
}

pub(crate) fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ecs-security-mcp"))
}

async fn collect(cluster: &str) -> Result<Snapshot, String> {
    source().collect(cluster, "us-east-1", Depth::Full, &None).await.map_err(|e| e.to_string())
}

fn rule_ids(a: &rules::Analysis) -> BTreeSet<&'static str> {
    a.findings.iter().map(|f| f.rule.id).collect()
}

/// The id without the `-2`, `-3`… that tells apart findings sharing one in a single analysis.
fn base_id(id: &str) -> &str {
    match id.rsplit_once('-') {
        Some((base, n)) if base.contains(':') && !n.contains(':') && n.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => id,
    }
}

/// Issue 15: re-seed the web service with a new task-definition revision carrying the same
/// problems (registered and deployed with boto3, straight to moto); every finding on the new
/// revision keeps the id it had on the old one.
async fn a_new_revision_with_the_same_problem_keeps_the_finding_ids(env: &Env) -> Outcome {
    let before = rules::analyze(&collect("insecure-cluster").await?);
    let script = r#"
import sys, boto3
ecs = boto3.client("ecs", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
td = ecs.describe_task_definition(taskDefinition="insecure-web")["taskDefinition"]
keys = ("family", "networkMode", "requiresCompatibilities", "cpu", "memory", "taskRoleArn", "executionRoleArn", "containerDefinitions")
arn = ecs.register_task_definition(**{k: td[k] for k in keys if k in td})["taskDefinition"]["taskDefinitionArn"]
# The redeploy: moto keeps a service's deployments on their first revision, so the service is
# recreated (same name, settings and tags) on the new one, and a task of it runs.
svc = ecs.describe_services(cluster="insecure-cluster", services=["web"], include=["TAGS"])["services"][0]
ecs.delete_service(cluster="insecure-cluster", service="web", force=True)
ecs.create_service(cluster="insecure-cluster", serviceName="web", taskDefinition=arn, desiredCount=1, launchType="FARGATE",
    platformVersion="LATEST", networkConfiguration=svc["networkConfiguration"], loadBalancers=svc["loadBalancers"],
    tags=svc.get("tags", []), enableExecuteCommand=svc.get("enableExecuteCommand", False))
ecs.run_task(cluster="insecure-cluster", taskDefinition=arn, launchType="FARGATE", group="service:web",
    networkConfiguration=svc["networkConfiguration"], count=1)
print(arn)
"#;
    let out = Command::new(moto::python())
        .args(["-c", script, &env.moto.endpoint()])
        .output()
        .map_err(|e| format!("boto3: {e}"))?;
    ensure!(out.status.success(), "re-seeding failed: {}", String::from_utf8_lossy(&out.stderr));
    let new_arn = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let snapshot = collect("insecure-cluster").await?;
    let after = rules::analyze(&snapshot);
    let on_new: Vec<&rules::Finding> =
        after.findings.iter().filter(|f| f.resource.arn.as_deref() == Some(new_arn.as_str())).collect();
    ensure!(
        !on_new.is_empty(),
        "no finding on the new revision {new_arn}: the scenario proves nothing; task definitions {:?}, finding ARNs {:?}",
        snapshot.task_definitions.iter().map(|t| &t.task_definition_arn).collect::<Vec<_>>(),
        after.findings.iter().filter_map(|f| f.resource.arn.as_deref()).collect::<BTreeSet<_>>()
    );
    let old: BTreeSet<&str> = before
        .findings
        .iter()
        .filter(|f| f.resource.arn.as_deref().is_some_and(|a| a.contains(":task-definition/insecure-web:")))
        .map(|f| base_id(&f.id))
        .collect();
    let moved: Vec<String> = on_new
        .iter()
        .filter(|f| !old.contains(base_id(&f.id)))
        .map(|f| format!("{} {}: {}", f.id, f.resource, f.message))
        .collect();
    ensure!(moved.is_empty(), "findings on the new revision changed id:\n{}", moved.join("\n"));
    // The container problems were copied: each is found again on the new revision.
    let new: BTreeSet<&str> = on_new.iter().map(|f| base_id(&f.id)).collect();
    let containers: BTreeSet<&str> = before
        .findings
        .iter()
        .filter(|f| f.resource.kind == ecs_security_mcp::model::ResourceKind::Container)
        .filter(|f| f.resource.arn.as_deref().is_some_and(|a| a.contains(":task-definition/insecure-web:")))
        .map(|f| base_id(&f.id))
        .collect();
    ensure!(
        !containers.is_empty() && containers.is_subset(&new),
        "lost: {:?}",
        containers.difference(&new).collect::<Vec<_>>()
    );
    Ok(())
}

async fn seeded_fields_round_trip(_: &Env) -> Outcome {
    let s = collect("insecure-cluster").await?;
    ensure!(s.cluster.setting("containerInsights") == Some("disabled"), "insights: {:?}", s.cluster.settings);
    ensure!(
        s.cluster.execute_command_configuration().and_then(|e| e.logging.as_deref()) == Some("NONE"),
        "exec logging: {:?}",
        s.cluster.configuration
    );
    let web = s.service("web").ok_or("service web missing")?;
    ensure!(web.enable_execute_command, "enableExecuteCommand not collected");
    let awsvpc = web.network_configuration.as_ref().and_then(|n| n.awsvpc()).ok_or("no awsvpc config")?;
    ensure!(awsvpc.assign_public_ip.as_deref() == Some("ENABLED"), "assignPublicIp: {awsvpc:?}");
    ensure!(s.task_definitions.len() == 2, "task definitions: {}", s.task_definitions.len());
    let worker = s.task_definitions.iter().find(|t| t.family == "insecure-worker").ok_or("worker td")?;
    ensure!(worker.pid_mode.as_deref() == Some("host"), "pidMode");
    ensure!(worker.container_definitions[0].privileged == Some(true), "privileged");
    let ci = s.container_instances.first().ok_or("no container instance")?;
    ensure!(ci.agent_version() == Some("1.68.2"), "agent {:?}", ci.version_info);
    ensure!(ci.instance_type() == Some("m4.large"), "instance type");
    ensure!(ci.ec2.as_ref().and_then(|e| e.http_tokens.as_deref()) == Some("optional"), "IMDS options: {:?}", ci.ec2);
    let repo = s.ecr.repository_by_name("insecure/web").ok_or("repo")?;
    ensure!(repo.image_tag_mutability.as_deref() == Some("MUTABLE"), "mutability");
    ensure!(
        repo.repository_policy.as_deref().is_some_and(|p| p.contains("\"*\"")),
        "policy {:?}",
        repo.repository_policy
    );
    ensure!(repo.lifecycle_policy.is_none(), "lifecycle");
    ensure!(
        repo.images.iter().any(|i| i
            .image_scan_findings_summary
            .as_ref()
            .is_some_and(|f| f.finding_severity_counts.get("HIGH") == Some(&1))),
        "scan findings: {:?}",
        repo.images
    );
    let lb = s.load_balancing.load_balancers.first().ok_or("no load balancer")?;
    ensure!(lb.listeners.len() == 2, "listeners {:?}", lb.listeners);
    ensure!(
        lb.listeners
            .iter()
            .any(|l| l.protocol() == "HTTPS" && l.ssl_policy.as_deref() == Some("ELBSecurityPolicy-2016-08")),
        "TLS policy"
    );
    let open = s.network.security_groups.iter().find(|g| g.group_name == "insecure-open").ok_or("open SG")?;
    ensure!(open.ip_permissions.iter().any(|p| p.covers_tcp_port(22) && p.open_to_internet()), "SSH rule");
    ensure!(s.network.route_tables.iter().any(|r| r.internet_gateway_route().is_some()), "IGW route");
    ensure!(s.network.subnets.iter().any(|x| x.map_public_ip_on_launch), "auto-assign subnet");
    ensure!(s.tasks.len() == 2, "tasks: {}", s.tasks.len());
    ensure!(s.gaps.is_empty(), "unexpected gaps: {:?}", s.gaps);
    Ok(())
}

const PLANTED: &[&str] = &[
    "container-privileged",
    "container-dangerous-capabilities",
    "task-host-pid-namespace",
    "container-environment-secrets",
    "container-runs-as-root",
    "container-logging-missing",
    "task-role-missing",
    "service-assigns-public-ip",
    "container-instance-agent-vulnerable",
    "container-instance-previous-generation",
    "container-instance-imdsv2-not-required",
    "cluster-container-insights-disabled",
    "cluster-exec-logging-disabled",
    "capacity-provider-termination-protection-disabled",
    "security-group-admin-ports-open",
    "security-group-database-ports-open",
    "lb-listener-http-without-redirect",
    "lb-tls-policy-outdated",
    "workload-in-public-subnet",
    "vpc-flow-logs-disabled",
    "subnet-auto-assigns-public-ip",
    "ecr-repository-public",
    "ecr-repository-tags-mutable",
    "ecr-repository-lifecycle-policy-missing",
    "ecr-repository-cmk-missing",
    "image-vulnerabilities-found",
    "container-image-not-pinned",
    "image-end-of-life-base",
    "clb-listener-not-encrypted",
    "clb-tls-policy-outdated",
    "clb-access-logs-disabled",
    "clb-cross-zone-disabled",
    "clb-connection-draining-disabled",
    "container-logging-blocking-mode",
    "fargate-task-retirement-wait-extended",
    "guardduty-runtime-monitoring-disabled",
];

async fn analysis_finds_planted_problems(_: &Env) -> Outcome {
    let s = collect("insecure-cluster").await?;
    let a = rules::analyze(&s);
    let found = rule_ids(&a);
    let missing: Vec<&&str> = PLANTED.iter().filter(|id| !found.contains(**id)).collect();
    ensure!(missing.is_empty(), "planted problems not found: {missing:?}; found: {found:?}");
    ensure!(a.not_evaluated().next().is_none(), "rules not evaluated on a clean collection");
    Ok(())
}

async fn hardened_cluster_has_no_high_findings(_: &Env) -> Outcome {
    let s = collect("hardened-cluster").await?;
    let a = rules::analyze(&s);
    let high: Vec<String> = a
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::High)
        .map(|f| format!("{} {}: {}", f.rule.id, f.resource, f.message))
        .collect();
    ensure!(high.is_empty(), "High/Critical findings on the hardened cluster:\n{}", high.join("\n"));
    ensure!(s.gaps.is_empty(), "gaps: {:?}", s.gaps);
    Ok(())
}

async fn many_services_are_paginated_and_batched(env: &Env) -> Outcome {
    env.proxy.reset();
    let s = collect("many-services").await?;
    ensure!(s.services.len() == 105, "services: {} (gaps: {:?})", s.services.len(), s.gaps);
    let calls = env.proxy.calls();
    let count = |op: &str| calls.iter().filter(|c| c.as_str() == op).count();
    ensure!(count("ecs:ListServices") == 2, "ListServices calls: {}", count("ecs:ListServices"));
    ensure!(
        count("ecs:DescribeServices") == 11,
        "DescribeServices calls: {} (want ceil(105/10) = 11)",
        count("ecs:DescribeServices")
    );
    ensure!(
        count("ecs:DescribeTaskDefinition") == 1,
        "one task definition fetched once: {}",
        count("ecs:DescribeTaskDefinition")
    );
    ensure!(s.stats.api_calls.get("ecs:DescribeServices") == Some(&11), "recorded stats: {:?}", s.stats.api_calls);
    Ok(())
}

async fn repeat_calls_within_the_ttl_make_no_aws_call(env: &Env) -> Outcome {
    let actions = Actions::new(Source::Aws(source()));
    let analyze = || Action::Analyze(AnalyzeParams { cluster_name: "insecure-cluster".into(), ..Default::default() });
    actions.run(analyze(), None).await.map_err(|e| e.to_string())?;
    env.proxy.reset();
    for _ in 0..3 {
        actions.run(analyze(), None).await.map_err(|e| e.to_string())?;
    }
    let rec = Action::parse("get_security_recommendations", Some(json!({"cluster_name": "insecure-cluster"})))
        .map_err(|e| e.to_string())?;
    actions.run(rec, None).await.map_err(|e| e.to_string())?;
    ensure!(env.proxy.calls().is_empty(), "cached calls still reached AWS: {:?}", env.proxy.calls());
    let refresh =
        Action::parse("analyze_cluster_security", Some(json!({"cluster_name": "insecure-cluster", "refresh": true})))
            .map_err(|e| e.to_string())?;
    actions.run(refresh, None).await.map_err(|e| e.to_string())?;
    ensure!(env.proxy.calls().contains(&"ecs:DescribeClusters".to_owned()), "refresh did not collect");
    Ok(())
}

async fn only_read_operations_are_used(env: &Env) -> Outcome {
    env.proxy.reset();
    collect("insecure-cluster").await?;
    collect("hardened-cluster").await?;
    source().list_clusters("us-east-1", &None).await.map_err(|e| e.to_string())?;
    let calls: BTreeSet<String> = env.proxy.calls().into_iter().collect();
    let writes: Vec<&String> = calls
        .iter()
        .filter(|c| {
            let op = c.split(':').nth(1).unwrap_or("");
            !(op.starts_with("Describe") || op.starts_with("List") || op.starts_with("Get"))
        })
        .collect();
    ensure!(writes.is_empty(), "non-read operations: {writes:?}");
    Ok(())
}

async fn list_clusters_sees_every_cluster(_: &Env) -> Outcome {
    let clusters = source().list_clusters("us-east-1", &None).await.map_err(|e| e.to_string())?;
    let names: BTreeSet<&str> = clusters.iter().map(|c| c.name.as_str()).collect();
    for want in ["insecure-cluster", "hardened-cluster", "many-services", "secrets-cluster"] {
        ensure!(names.contains(want), "{want} missing from {names:?}");
    }
    Ok(())
}

async fn unknown_cluster_names_the_region(_: &Env) -> Outcome {
    let actions = Actions::new(Source::Aws(source()));
    let err = actions
        .prepare("no-such-cluster", Some("us-east-1".into()), Depth::Full, None, &None)
        .await
        .err()
        .ok_or("an unknown cluster must fail")?
        .to_string();
    ensure!(err.contains("us-east-1") && err.contains("list_clusters"), "{err}");
    Ok(())
}

async fn bad_region_is_rejected_before_any_call(env: &Env) -> Outcome {
    env.proxy.reset();
    let actions = Actions::new(Source::Aws(source()));
    let a = Action::parse(
        "analyze_cluster_security",
        Some(json!({"cluster_name": "insecure-cluster", "region": "us-east"})),
    )
    .map_err(|e| e.to_string())?;
    let err = actions.run(a, None).await.err().ok_or("a malformed region must fail")?;
    ensure!(err.is_invalid_params(), "{err}");
    ensure!(env.proxy.calls().is_empty(), "calls were made: {:?}", env.proxy.calls());
    Ok(())
}

async fn missing_credentials_say_how_to_configure(env: &Env) -> Outcome {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let empty = dir.path().join("none");
    std::fs::write(&empty, "").map_err(|e| e.to_string())?;
    let out = bin()
        .args(["analyze", "--cluster", "insecure-cluster", "--call-timeout", "5"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", &env.proxy.url)
        .output()
        .map_err(|e| e.to_string())?;
    let err = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.code() == Some(2), "exit {:?}: {err}", out.status.code());
    ensure!(err.contains("no AWS credentials") && err.contains("aws configure"), "{err}");
    Ok(())
}

async fn snapshot_file_reads_back_to_the_same_findings(env: &Env) -> Outcome {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("insecure.json");
    let out = bin()
        .args(["snapshot", "--cluster", "insecure-cluster", "--output"])
        .arg(&file)
        .output()
        .map_err(|e| e.to_string())?;
    ensure!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
    let planted = env.moto.seeded["planted_password"].as_str().unwrap_or("?");
    ensure!(!text.contains(planted), "the snapshot file holds the planted secret");
    let from_file = bin()
        .args(["analyze", "--cluster", "insecure-cluster", "--format", "json", "--snapshot"])
        .arg(&file)
        .output()
        .map_err(|e| e.to_string())?;
    let live = bin()
        .args(["analyze", "--cluster", "insecure-cluster", "--format", "json"])
        .output()
        .map_err(|e| e.to_string())?;
    let key = |o: &std::process::Output| -> Result<Vec<(String, String, String)>, String> {
        let v: Value =
            serde_json::from_slice(&o.stdout).map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&o.stderr)))?;
        let mut k: Vec<(String, String, String)> = v["findings"]
            .as_array()
            .ok_or("findings")?
            .iter()
            .map(|f| (f["rule_id"].to_string(), f["resource"].to_string(), f["severity"].to_string()))
            .collect();
        k.sort();
        Ok(k)
    };
    let (a, b) = (key(&from_file)?, key(&live)?);
    ensure!(a == b, "findings differ between the snapshot file and the live cluster:\nfile: {a:?}\nlive: {b:?}");
    ensure!(!String::from_utf8_lossy(&live.stdout).contains(planted), "live report leaks the planted secret");
    Ok(())
}

/// Issue 12: the account-region's ECS account settings (seeded with put_account_setting) and
/// GuardDuty detector (create_detector) reach the rules, and GuardDuty's coverage record of a
/// cluster (ListCoverage, which moto lacks: the proxy answers it as AWS does) too.
async fn account_settings_and_guardduty_reach_the_rules(env: &Env) -> Outcome {
    let s = collect("insecure-cluster").await?;
    ensure!(s.account_setting("defaultLogDriverMode") == Some("blocking"), "settings: {:?}", s.account_settings);
    ensure!(s.account_setting("fargateTaskRetirementWaitPeriod") == Some("14"), "settings: {:?}", s.account_settings);
    let gd = s.guardduty.as_ref().ok_or("GuardDuty not collected")?;
    let detector = gd.detector.as_ref().ok_or("no detector")?;
    let runtime = detector.feature("RUNTIME_MONITORING").ok_or("no RUNTIME_MONITORING feature")?;
    ensure!(runtime.is_enabled(), "runtime monitoring: {runtime:?}");
    ensure!(runtime.configuration_enabled("ECS_FARGATE_AGENT_MANAGEMENT") == Some(false), "{runtime:?}");
    ensure!(s.gaps.is_empty(), "gaps: {:?}", s.gaps);

    let a = rules::analyze(&s);
    let on = |id: &str| a.findings.iter().filter(|f| f.rule.id == id).collect::<Vec<_>>();
    let blocking = on("container-logging-blocking-mode");
    ensure!(
        blocking.iter().any(|f| f.resource.name == "web"
            && f.confidence == rules::Confidence::High
            && f.evidence.iter().any(|e| e.key == "defaultLogDriverMode" && e.value == "blocking")),
        "the web container (no mode, account default blocking) is not reported: {blocking:?}"
    );
    ensure!(on("fargate-task-retirement-wait-extended").len() == 1, "retirement wait not reported");
    let gd_findings = on("guardduty-runtime-monitoring-disabled");
    ensure!(
        gd_findings.len() == 1 && gd_findings[0].message.contains("Fargate"),
        "Fargate tasks of an untagged cluster without the managed agent: {gd_findings:?}"
    );

    // The hardened cluster is tagged GuardDutyManaged=true: covered, until GuardDuty says the
    // coverage is unhealthy.
    let hardened = rules::analyze(&collect("hardened-cluster").await?);
    ensure!(
        !hardened.findings.iter().any(|f| f.rule.id == "guardduty-runtime-monitoring-disabled"),
        "hardened cluster reported: {:?}",
        hardened.findings.iter().filter(|f| f.rule.id.starts_with("guardduty")).collect::<Vec<_>>()
    );
    env.proxy.answer(
        "guardduty:ListCoverage",
        Some(r#"{"resources":[{"resourceId":"hardened-cluster","detectorId":"d","accountId":"123456789012","coverageStatus":"UNHEALTHY","issue":"No VPC endpoint for GuardDuty in vpc-1","resourceDetails":{"resourceType":"ECS","ecsClusterDetails":{"clusterName":"hardened-cluster","fargateDetails":{"issues":[],"managementType":"MANUAL"}}}}]}"#),
    );
    let unhealthy = collect("hardened-cluster").await;
    env.proxy.answer("guardduty:ListCoverage", None);
    let unhealthy = rules::analyze(&unhealthy?);
    let f = unhealthy
        .findings
        .iter()
        .find(|f| f.rule.id == "guardduty-runtime-monitoring-disabled")
        .ok_or("unhealthy coverage not reported")?;
    ensure!(f.message.contains("No VPC endpoint for GuardDuty"), "{}", f.message);
    Ok(())
}

/// Issue 12: an ECS Managed Instances capacity provider (moto cannot create one, so the
/// proxy answers DescribeCapacityProviders as AWS does) launching into the cluster's public,
/// auto-assigning subnet: the real SDK reads it, the collector fetches its subnets and
/// security group, and the rule reports it.
async fn managed_instances_capacity_provider_in_a_public_subnet(env: &Env) -> Outcome {
    let before = collect("insecure-cluster").await?;
    let web = before.service("web").ok_or("service web missing")?;
    let awsvpc = web.network_configuration.as_ref().and_then(|n| n.awsvpc()).ok_or("no awsvpc config")?;
    let subnet = awsvpc.subnets.first().ok_or("no subnet")?;
    let group = awsvpc.security_groups.first().ok_or("no security group")?;
    let answer = json!({"capacityProviders": [{
        "capacityProviderArn": "arn:aws:ecs:us-east-1:123456789012:capacity-provider/insecure-ec2",
        "name": "insecure-ec2",
        "status": "ACTIVE",
        "managedInstancesProvider": {
            "infrastructureRoleArn": "arn:aws:iam::123456789012:role/ecsInfrastructureRole",
            "instanceLaunchTemplate": {
                "ec2InstanceProfileArn": "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole",
                "networkConfiguration": {"subnets": [subnet], "securityGroups": [group]},
                "storageConfiguration": {"storageSizeGiB": 80},
                "monitoring": "BASIC",
                "fipsEnabled": false
            },
            "propagateTags": "NONE"
        },
        "tags": []
    }], "failures": []});
    env.proxy.answer("ecs:DescribeCapacityProviders", Some(&answer.to_string()));
    let s = collect("insecure-cluster").await;
    env.proxy.answer("ecs:DescribeCapacityProviders", None);
    let s = s?;
    let cp = s.capacity_provider("insecure-ec2").ok_or("capacity provider missing")?;
    let template = cp
        .managed_instances_provider
        .as_ref()
        .and_then(|p| p.instance_launch_template.as_ref())
        .ok_or_else(|| format!("managedInstancesProvider not read: {cp:?}"))?;
    ensure!(template.fips_enabled == Some(false) && template.monitoring.as_deref() == Some("BASIC"), "{template:?}");
    ensure!(
        template.storage_configuration.as_ref().and_then(|c| c.storage_size_gib) == Some(80),
        "storage: {template:?}"
    );
    let a = rules::analyze(&s);
    let f = a
        .findings
        .iter()
        .find(|f| f.rule.id == "managed-instances-public-subnet")
        .ok_or("Managed Instances in the public subnet not reported")?;
    ensure!(f.severity == Severity::High && f.message.contains(subnet.as_str()), "{f:?}");
    ensure!(s.gaps.is_empty(), "gaps: {:?}", s.gaps);
    Ok(())
}

/// The MCP server over stdio against moto: all six tools, with progress notifications.
async fn mcp_server_over_stdio_answers_all_tools(_: &Env) -> Outcome {
    let mut server = stdio::StdioServer::start(&[]).await?;
    let mut progress = 0;
    let calls = [
        ("list_clusters", json!({})),
        ("select_cluster_for_analysis", json!({"cluster_name": "insecure-cluster", "analysis_type": "quick"})),
        ("analyze_cluster_security", json!({"cluster_name": "insecure-cluster"})),
        ("generate_security_report", json!({"cluster_name": "insecure-cluster", "format": "executive"})),
        ("get_security_recommendations", json!({"cluster_name": "insecure-cluster", "severity_filter": "High"})),
        ("check_compliance_status", json!({"cluster_name": "insecure-cluster", "compliance_framework": "pci-dss"})),
    ];
    for (i, (tool, args)) in calls.iter().enumerate() {
        let id = i as i64 + 1;
        server.send(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": tool, "arguments": args, "_meta": {"progressToken": format!("p{id}")}}})).await?;
    }
    let mut answered = BTreeSet::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while answered.len() < calls.len() {
        let v = server.next(deadline, &format!("the tools; answered {answered:?}")).await?;
        if v["method"] == "notifications/progress" {
            progress += 1;
            continue;
        }
        if let Some(id) = v["id"].as_i64().filter(|i| *i > 0) {
            ensure!(v["result"]["isError"] == false, "tool {id} failed: {v}");
            answered.insert(id);
        }
    }
    ensure!(progress > 0, "no progress notifications were sent");
    Ok(())
}

type Scenario = for<'a> fn(&'a Env) -> std::pin::Pin<Box<dyn std::future::Future<Output = Outcome> + 'a>>;

macro_rules! scenarios {
    ($($name:path),+ $(,)?) => {
        vec![$( (stringify!($name), (|e| Box::pin($name(e))) as Scenario), )+]
    };
}

fn main() {
    let moto = Moto::start(&["--fleet"]);
    let listener = Proxy::bind();
    let proxy_url = format!("http://{}", listener.local_addr().expect("proxy address"));
    proxy::aim_sdk_at(&proxy_url);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let failures = runtime.block_on(async {
        let proxy = Proxy::start(listener, &moto.endpoint());
        let env = Env { moto, proxy };
        let filter = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
        let mut failures = Vec::new();
        let all = scenarios![
            seeded_fields_round_trip,
            analysis_finds_planted_problems,
            hardened_cluster_has_no_high_findings,
            many_services_are_paginated_and_batched,
            repeat_calls_within_the_ttl_make_no_aws_call,
            only_read_operations_are_used,
            list_clusters_sees_every_cluster,
            unknown_cluster_names_the_region,
            bad_region_is_rejected_before_any_call,
            missing_credentials_say_how_to_configure,
            snapshot_file_reads_back_to_the_same_findings,
            mcp_server_over_stdio_answers_all_tools,
            access_denied_on_each_operation_is_a_gap_never_a_pass,
            describe_clusters_denied_is_a_clear_error,
            throttling_is_retried_to_identical_findings,
            server_errors_are_retried_to_identical_findings,
            every_call_throttled_once_survives_the_defaults,
            hanging_endpoint_times_out_within_the_bound,
            planted_secrets_never_leak,
            a_new_revision_with_the_same_problem_keeps_the_finding_ids,
            account_settings_and_guardduty_reach_the_rules,
            managed_instances_capacity_provider_in_a_public_subnet,
            fleet::fleet_scan_reports_accounts_regions_and_failures,
            fleet::throttled_fleet_scan_reports_the_same,
            fleet::sharded_scan_merges_to_the_single_run,
            fleet::organization_and_all_regions_scopes,
            clb_kms::classic_load_balancer_named_by_a_service_is_audited,
            clb_kms::ecr_key_manager_comes_from_kms,
            fleet::scan_fleet_tool_sends_progress_for_a_progress_token,
            // Last: checks every operation the scenarios above performed.
            iam_policy_covers_every_recorded_operation,
        ];
        for (name, scenario) in all {
            if filter.as_deref().is_some_and(|f| !name.contains(f)) {
                continue;
            }
            env.proxy.set_faults(Faults::default());
            let started = Instant::now();
            match scenario(&env).await {
                Ok(()) => println!("test {name} ... ok ({} ms)", started.elapsed().as_millis()),
                Err(e) => {
                    println!("test {name} ... FAILED\n    {}", e.replace('\n', "\n    "));
                    failures.push(name);
                }
            }
        }
        failures
    });
    if !failures.is_empty() {
        println!("\n{} end-to-end scenario(s) failed: {failures:?}", failures.len());
        std::process::exit(1);
    }
    println!("\nall end-to-end scenarios passed");
}
