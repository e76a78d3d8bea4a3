//! Issue 12, items 10 and 11 against moto: the Classic Load Balancer the insecure cluster's
//! EC2 service names by `loadBalancerName`, and the manager of the KMS keys its ECR
//! repositories are encrypted with, including kms:DescribeKey denied for one key.

use ecs_security_mcp::collect::Depth;
use ecs_security_mcp::compliance::{self, ControlStatus, Framework};
use ecs_security_mcp::model::Snapshot;
use ecs_security_mcp::rules::{self, Confidence, RuleStatus, Severity};

use super::proxy::Faults;
use super::{Env, Outcome, source};

async fn collect_at(cluster: &str, depth: Depth) -> Result<Snapshot, String> {
    source().collect(cluster, "us-east-1", depth, &None).await.map_err(|e| e.to_string())
}

fn status(a: &rules::Analysis, id: &str) -> Option<RuleStatus> {
    a.result(id).map(|r| r.status())
}

/// The CLB is collected by name with its listeners, attributes and negotiation policy, and
/// every CLB rule fires on it; a quick analysis still runs the listener rules.
pub async fn classic_load_balancer_named_by_a_service_is_audited(env: &Env) -> Outcome {
    env.proxy.reset();
    let s = collect_at("insecure-cluster", Depth::Full).await?;
    ensure!(s.gaps.is_empty(), "gaps: {:?}", s.gaps);
    let clb = s
        .load_balancing
        .classic_load_balancer("insecure-clb")
        .ok_or_else(|| format!("insecure-clb not collected: {:?}", s.load_balancing.classic_load_balancers))?;
    ensure!(clb.listeners.len() == 2, "listeners: {:?}", clb.listeners);
    let https = clb.listeners.iter().find(|l| l.protocol() == "HTTPS").ok_or("no HTTPS listener")?;
    let policy = clb.negotiation_policy(https).ok_or_else(|| format!("no negotiation policy: {:?}", clb.policies))?;
    ensure!(policy.protocols().contains(&"TLSv1"), "protocols: {:?}", policy.enabled);
    ensure!(policy.reference_security_policy.as_deref() == Some("ELBSecurityPolicy-2016-08"), "reference: {policy:?}");
    let attrs = clb.attributes.as_ref().ok_or("attributes not collected")?;
    ensure!(
        attrs.access_log_enabled == Some(false)
            && attrs.cross_zone_load_balancing_enabled == Some(false)
            && attrs.connection_draining_enabled == Some(false),
        "attributes: {attrs:?}"
    );
    let calls = env.proxy.calls();
    let policies_calls = calls.iter().filter(|c| *c == "elasticloadbalancing:DescribeLoadBalancerPolicies").count();
    ensure!(policies_calls == 1, "DescribeLoadBalancerPolicies calls: {policies_calls}");
    // The CLB's security group joins the network scope.
    ensure!(
        clb.security_groups.iter().all(|g| s.network.security_groups.iter().any(|x| &x.group_id == g)),
        "CLB security groups {:?} not collected",
        clb.security_groups
    );

    let a = rules::analyze(&s);
    for id in [
        "clb-listener-not-encrypted",
        "clb-tls-policy-outdated",
        "clb-access-logs-disabled",
        "clb-cross-zone-disabled",
        "clb-connection-draining-disabled",
    ] {
        ensure!(
            a.findings.iter().any(|f| f.rule.id == id && f.resource.name == "insecure-clb"),
            "{id} did not fire on insecure-clb"
        );
    }
    let http = a
        .findings
        .iter()
        .find(|f| f.rule.id == "clb-listener-not-encrypted")
        .ok_or("no clb-listener-not-encrypted finding")?;
    ensure!(http.severity == Severity::High, "internet-facing HTTP is High: {:?}", http.severity);
    ensure!(
        http.resource.arn.as_deref()
            == Some("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/insecure-clb"),
        "CLB ARN: {:?}",
        http.resource.arn
    );
    ensure!(status(&a, "clb-tls-policy-not-recommended") == Some(RuleStatus::Pass), "not-recommended status");
    ensure!(
        a.exposure.internet_facing.iter().any(|n| n == "worker"),
        "the service behind the internet-facing CLB is exposed: {:?}",
        a.exposure
    );
    let fsbp = compliance::evaluate(&a, Framework::AwsFoundational);
    for id in ["ELB.3", "ELB.5", "ELB.7", "ELB.8", "ELB.9"] {
        let c = fsbp.controls.iter().find(|c| c.id == id).ok_or_else(|| format!("{id} missing"))?;
        ensure!(c.status == ControlStatus::Fail, "{id}: {:?}", c.status);
    }

    // Quick: attributes are skipped (those rules not evaluated), the listener rules still run.
    let q = collect_at("insecure-cluster", Depth::Quick).await?;
    let qa = rules::analyze(&q);
    ensure!(status(&qa, "clb-access-logs-disabled") == Some(RuleStatus::NotEvaluated), "quick access logs");
    ensure!(status(&qa, "clb-listener-not-encrypted") == Some(RuleStatus::Fail), "quick listener rule");
    ensure!(status(&qa, "clb-tls-policy-outdated") == Some(RuleStatus::Fail), "quick TLS rule");
    // The v2 load balancers' attribute rules see the same quick-mode skip as before.
    ensure!(status(&qa, "lb-access-logs-disabled") == Some(RuleStatus::NotEvaluated), "quick v2 access logs");
    Ok(())
}

/// kms:DescribeKey decides the ECR key rule: AWS-managed (insecure/web) and customer-managed
/// (hardened/api) keys are told apart, and a denied DescribeKey makes the manager unknown,
/// at Low confidence with the permission named, never a pass.
pub async fn ecr_key_manager_comes_from_kms(env: &Env) -> Outcome {
    let rule = "ecr-repository-cmk-missing";
    let s = collect_at("insecure-cluster", Depth::Full).await?;
    let repo = s.ecr.repository_by_name("insecure/web").ok_or("insecure/web")?;
    let enc = repo.encryption_configuration.as_ref().ok_or("no encryption configuration")?;
    ensure!(enc.key_manager.as_deref() == Some("AWS"), "key manager: {enc:?}");
    let a = rules::analyze(&s);
    let f = a.findings.iter().find(|f| f.rule.id == rule).ok_or("no finding on insecure/web")?;
    ensure!(f.message.contains("AWS-managed"), "{}", f.message);
    ensure!(f.confidence == Confidence::High && f.severity == Severity::Low, "{:?} {:?}", f.confidence, f.severity);

    let h = collect_at("hardened-cluster", Depth::Full).await?;
    let hrepo = h.ecr.repository_by_name("hardened/api").ok_or("hardened/api")?;
    let henc = hrepo.encryption_configuration.as_ref().ok_or("no encryption configuration")?;
    ensure!(henc.key_manager.as_deref() == Some("CUSTOMER"), "hardened key manager: {henc:?}");
    ensure!(status(&rules::analyze(&h), rule) == Some(RuleStatus::Pass), "hardened: the rule should pass");

    // Deny DescribeKey for the insecure repository's key only.
    let key = env.moto.seeded["insecure"]["aws_managed_key"].as_str().ok_or("seeded key")?.to_owned();
    env.proxy.set_faults(Faults { deny_when: vec![("kms:DescribeKey".into(), key.clone())], ..Faults::default() });
    let d = collect_at("insecure-cluster", Depth::Full).await;
    env.proxy.set_faults(Faults::default());
    let d = d?;
    ensure!(
        d.gaps.iter().any(|g| g.iam_action() == "kms:DescribeKey"
            && g.is_access_denied()
            && g.resource.as_deref() == Some(key.as_str())),
        "no denied DescribeKey gap: {:?}",
        d.gaps
    );
    let drepo = d.ecr.repository_by_name("insecure/web").ok_or("insecure/web")?;
    ensure!(
        drepo.encryption_configuration.as_ref().is_some_and(|e| e.key_manager.is_none()),
        "key manager must be absent: {:?}",
        drepo.encryption_configuration
    );
    let da = rules::analyze(&d);
    let f = da.findings.iter().find(|f| f.rule.id == rule).ok_or("no finding on insecure/web when denied")?;
    ensure!(f.message.contains("unknown") && f.confidence == Confidence::Low, "{} ({:?})", f.message, f.confidence);
    let why = f.evidence.iter().find(|e| e.key == "key_manager").map(|e| e.value.clone()).unwrap_or_default();
    ensure!(why.contains("kms:DescribeKey") && why.contains("AccessDenied"), "evidence: {why}");
    let r = da.result(rule).ok_or("no result")?;
    ensure!(r.status() != RuleStatus::Pass, "denied DescribeKey passed the rule");
    ensure!(r.gaps().iter().any(|g| g.permissions.iter().any(|p| p == "kms:DescribeKey")), "gaps: {:?}", r.gaps());
    let nist = compliance::evaluate(&da, Framework::Nist80053);
    let ecr5 = nist.controls.iter().find(|c| c.id == "ECR.5").ok_or("ECR.5")?;
    ensure!(ecr5.status == ControlStatus::NeedsReview, "ECR.5 with an unknown key manager: {:?}", ecr5.status);
    Ok(())
}
