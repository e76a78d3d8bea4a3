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
