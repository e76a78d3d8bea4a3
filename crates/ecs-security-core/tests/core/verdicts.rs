//! Verdicts that depend on context rather than on one resource: what a quick analysis can
//! still judge, and severities that follow who uses a resource.

use crate::common;

use ecs_security_core::model::Gap;
use ecs_security_core::rules::{self, Evaluation, Severity};

/// The gap a quick collection records for the load-balancer attributes it does not fetch.
fn skipped_attributes() -> Gap {
    Gap {
        service: "elasticloadbalancing".into(),
        operation: "DescribeLoadBalancerAttributes".into(),
        error_code: "SkippedInQuickMode".into(),
        message: "a quick analysis does not collect this; run a comprehensive analysis".into(),
        resource: None,
    }
}

/// Quick mode skips DescribeLoadBalancerAttributes. The High listener rules read only the
/// listeners and stay fully evaluated; only the rules that read attributes are not.
#[test]
fn quick_mode_keeps_the_listener_rules() {
    let mut snap = common::demo();
    snap.gaps.push(skipped_attributes());
    let a = rules::analyze(&snap);
    let evaluation = |id: &str| &a.results.iter().find(|r| r.rule.id == id).expect(id).evaluation;
    for id in ["lb-listener-http-without-redirect", "lb-tls-policy-outdated", "lb-tls-policy-legacy-ciphers"] {
        assert!(matches!(evaluation(id), Evaluation::Complete), "{id}: {:?}", evaluation(id));
    }
    for id in ["lb-deletion-protection-disabled", "lb-access-logs-disabled", "lb-invalid-headers-not-dropped"] {
        assert!(!matches!(evaluation(id), Evaluation::Complete), "{id} reads attributes");
    }
    assert!(
        a.findings.iter().any(|f| f.rule.id == "lb-listener-http-without-redirect" && f.severity == Severity::High),
        "the demo's internet-facing plain-HTTP listener is still reported"
    );
}

/// ECS decides the public IP of an awsvpc task's interface (assignPublicIp), whatever the
/// subnet says: a subnet only awsvpc tasks use is Low; one with container instances stays
/// Medium.
#[test]
fn subnet_auto_assign_is_low_when_only_awsvpc_tasks_use_it() {
    let path = common::root().join("fixtures/rules/subnet-auto-assigns-public-ip.json");
    let snap = common::load(&path);
    let a = rules::analyze_with_rules(&snap, &[rules::by_id("subnet-auto-assigns-public-ip").expect("rule")]);
    let severity = |subnet: &str| {
        a.findings.iter().find(|f| f.resource.name == subnet).map(|f| f.severity).unwrap_or_else(|| panic!("{subnet}"))
    };
    assert_eq!(severity("bad-subnet-svc"), Severity::Low, "only service awsvpc tasks");
    assert_eq!(severity("bad-subnet-task"), Severity::Low, "only task ENIs");
    assert_eq!(severity("bad-subnet-instance"), Severity::Medium, "container instances get the subnet's choice");
    assert_eq!(severity("bad-subnet-unreferenced"), Severity::Medium, "nothing known uses it");
}

fn rule_fixture(id: &str) -> Vec<ecs_security_core::model::Snapshot> {
    let path = common::root().join(format!("fixtures/rules/{id}.json"));
    let text = std::fs::read_to_string(&path).expect("fixture");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v.as_array()
        .expect("an array of snapshots")
        .iter()
        .map(|s| ecs_security_core::model::Snapshot::parse(&s.to_string(), &path).expect("snapshot"))
        .collect()
}

/// Issue 12: a snapshot without account settings (an older snapshot) still has its explicit
/// blocking modes reported; containers without a mode fall back to the documented default at
/// collection time with low confidence, and the rule never passes: it names the missing data.
#[test]
fn log_mode_without_account_settings_falls_back_and_cannot_pass() {
    let rule = rules::by_id("container-logging-blocking-mode").expect("rule");
    let mut snaps = rule_fixture(rule.id);
    for s in &mut snaps {
        s.account_settings = None;
    }
    let (recent, old) = (&snaps[0], &snaps[1]);
    let a = rules::analyze_with_rules(recent, &[rule]);
    let r = &a.results[0];
    assert!(matches!(r.evaluation, Evaluation::Partial { .. }), "{:?}", r.evaluation);
    assert!(
        r.gaps().iter().any(|g| g.permissions == ["ecs:ListAccountSettings"] && g.reason.contains("NotInSnapshot"))
    );
    let names: Vec<&str> = a.findings.iter().map(|f| f.resource.name.as_str()).collect();
    assert!(names.contains(&"bad-explicit-blocking") && !names.contains(&"ok-mode-unset-default-non-blocking"));

    let a = rules::analyze_with_rules(old, &[rule]);
    let f = a.findings.iter().find(|f| f.resource.name == "bad-mode-unset-before-default-change").expect("fallback");
    assert_eq!(f.confidence, rules::Confidence::Low, "the documented default is only a guess about the account");

    // With nothing to report, a rule that lacks data is not evaluated, never passed.
    let mut clean = recent.clone();
    for td in &mut clean.task_definitions {
        td.container_definitions.retain(|c| c.name.starts_with("ok-"));
    }
    let a = rules::analyze_with_rules(&clean, &[rule]);
    assert!(a.findings.is_empty());
    assert_eq!(a.results[0].status(), rules::RuleStatus::NotEvaluated);
}

/// A cluster without its own containerInsights follows the account setting; when that was
/// not collected the finding stays, with medium confidence.
#[test]
fn container_insights_unset_follows_the_account_setting() {
    let rule = rules::by_id("cluster-container-insights-disabled").expect("rule");
    let snaps = rule_fixture(rule.id);
    let confidence = |name: &str| {
        let s = snaps.iter().find(|s| s.cluster.cluster_name == name).expect(name);
        rules::analyze_with_rules(s, &[rule]).findings.first().map(|f| f.confidence)
    };
    assert_eq!(confidence("bad-insights-unset"), Some(rules::Confidence::Medium));
    assert_eq!(confidence("bad-insights-unset-account-disabled"), Some(rules::Confidence::High));
    assert_eq!(confidence("ok-insights-unset-account-enhanced"), None);
}

/// GuardDuty data that is missing (an older snapshot) or denied makes the Runtime Monitoring
/// rule not evaluated, never passed.
#[test]
fn runtime_monitoring_without_guardduty_data_is_not_evaluated() {
    let rule = rules::by_id("guardduty-runtime-monitoring-disabled").expect("rule");
    let ok = rule_fixture(rule.id).into_iter().find(|s| s.cluster.cluster_name == "ok-covered").expect("ok-covered");
    let a = rules::analyze_with_rules(&ok, &[rule]);
    assert_eq!(a.results[0].status(), rules::RuleStatus::Pass);

    let mut old = ok.clone();
    old.guardduty = None;
    let a = rules::analyze_with_rules(&old, &[rule]);
    assert_eq!(a.results[0].status(), rules::RuleStatus::NotEvaluated);

    let mut denied = old.clone();
    denied.gaps.push(Gap {
        service: "guardduty".into(),
        operation: "ListDetectors".into(),
        error_code: "AccessDeniedException".into(),
        message: "not authorized".into(),
        resource: None,
    });
    let a = rules::analyze_with_rules(&denied, &[rule]);
    assert!(matches!(a.results[0].evaluation, Evaluation::NotEvaluated { .. }), "{:?}", a.results[0].evaluation);
    assert!(a.results[0].gaps().iter().any(|g| g.permissions.contains(&"guardduty:ListDetectors".to_owned())));
}

/// The security groups of a Managed Instances launch template are attributed to it, like a
/// container instance's, instead of being reported as used by nothing known.
#[test]
fn managed_instances_security_groups_are_attributed() {
    use ecs_security_core::model::{
        CapacityProvider, InstanceLaunchTemplate, ManagedInstancesNetworkConfiguration, ManagedInstancesProvider,
    };
    let rule = rules::by_id("security-group-admin-ports-open").expect("rule");
    let path = common::root().join("fixtures/rules/security-group-admin-ports-open.json");
    let mut snap = common::load(&path);
    let used_by = |snap: &ecs_security_core::model::Snapshot| {
        let a = rules::analyze_with_rules(snap, &[rule]);
        let f = a.findings.iter().find(|f| f.resource.name == "bad-sg-unreferenced").expect("finding");
        (f.evidence.iter().find(|e| e.key == "used_by").map(|e| e.value.clone()).unwrap_or_default(), f.confidence)
    };
    let (before, low) = used_by(&snap);
    snap.capacity_providers.push(CapacityProvider {
        name: "mi".into(),
        managed_instances_provider: Some(ManagedInstancesProvider {
            instance_launch_template: Some(InstanceLaunchTemplate {
                network_configuration: Some(ManagedInstancesNetworkConfiguration {
                    subnets: Vec::new(),
                    security_groups: vec!["bad-sg-unreferenced".into()],
                }),
                ..InstanceLaunchTemplate::default()
            }),
            ..ManagedInstancesProvider::default()
        }),
        ..CapacityProvider::default()
    });
    let (after, confidence) = used_by(&snap);
    assert!(!before.contains("Managed Instances"), "{before}");
    assert_eq!(after, "Managed Instances capacity provider mi");
    assert!(confidence > low, "an attributed group is judged with more confidence ({low:?} → {confidence:?})");
}
