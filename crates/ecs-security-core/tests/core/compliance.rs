//! Compliance answers: distinct per framework, never "pass" on missing evidence, and
//! "not applicable" when a cluster has nothing a control is about.

use crate::common;

use std::collections::BTreeMap;

use ecs_security_core::compliance::{self, ControlStatus, Framework};
use ecs_security_core::model::{Gap, Snapshot};
use ecs_security_core::rules;

fn statuses(snap: &Snapshot, fw: Framework) -> BTreeMap<&'static str, ControlStatus> {
    let a = rules::analyze(snap);
    compliance::evaluate(&a, fw).controls.iter().map(|c| (c.id, c.status)).collect()
}

#[test]
fn different_frameworks_give_different_answers() {
    let demo = common::demo();
    let a = rules::analyze(&demo);
    let results: Vec<_> = Framework::ALL.iter().map(|f| compliance::evaluate(&a, *f)).collect();
    for (i, x) in results.iter().enumerate() {
        for y in &results[i + 1..] {
            let ids_x: Vec<_> = x.controls.iter().map(|c| c.id).collect();
            let ids_y: Vec<_> = y.controls.iter().map(|c| c.id).collect();
            assert_ne!(ids_x, ids_y, "{} and {} have the same controls", x.framework, y.framework);
        }
    }
    // Known answers on the demo, one per framework.
    let fsbp = statuses(&demo, Framework::AwsFoundational);
    assert_eq!(fsbp["ECS.4"], ControlStatus::Fail, "privileged container");
    assert_eq!(fsbp["ECR.3"], ControlStatus::Fail, "no lifecycle policy on payments/api");
    let pci = statuses(&demo, Framework::PciDss);
    assert_eq!(pci["4.2.1"], ControlStatus::Fail, "TLS 1.0 policy on the ALB");
    let hipaa = statuses(&demo, Framework::Hipaa);
    assert_eq!(hipaa["164.312(b)"], ControlStatus::Fail, "exec logging off");
    let soc2 = statuses(&demo, Framework::Soc2);
    assert_eq!(soc2["CC6.6"], ControlStatus::Fail, "public IPs");
}

#[test]
fn the_hardened_cluster_passes_what_it_can_show() {
    let hardened = common::hardened();
    for fw in Framework::ALL {
        let r = compliance::evaluate(&rules::analyze(&hardened), fw);
        assert_eq!(
            r.summary.failed,
            0,
            "{fw}: {:?}",
            r.controls.iter().filter(|c| c.status == ControlStatus::Fail).map(|c| c.id).collect::<Vec<_>>()
        );
        assert_eq!(r.summary.not_evaluated, 0, "{fw}");
        assert!(r.summary.passed > 0, "{fw}");
        assert_eq!(
            r.summary.passed + r.summary.failed + r.summary.not_evaluated + r.summary.not_applicable,
            r.summary.controls
        );
        let decided = r.summary.passed + r.summary.failed + r.summary.not_evaluated;
        assert_eq!(usize::from(r.summary.percent), r.summary.passed * 100 / decided.max(1));
    }
}

#[test]
fn a_control_is_never_pass_when_its_evidence_is_missing() {
    let mut snap = common::hardened();
    snap.gaps.push(Gap {
        service: "ecr".into(),
        operation: "DescribeRepositories".into(),
        error_code: "AccessDeniedException".into(),
        message: "not authorized".into(),
        resource: None,
    });
    let before = statuses(&common::hardened(), Framework::AwsFoundational);
    let after = statuses(&snap, Framework::AwsFoundational);
    assert_eq!(before["ECR.2"], ControlStatus::Pass);
    assert_eq!(after["ECR.2"], ControlStatus::NotEvaluated, "tag immutability could not be checked");
    assert_eq!(after["ECS.4"], ControlStatus::Pass, "unrelated controls still pass");
    let a = rules::analyze(&snap);
    let r = compliance::evaluate(&a, Framework::AwsFoundational);
    let ecr2 = r.controls.iter().find(|c| c.id == "ECR.2").expect("ECR.2");
    assert!(
        ecr2.not_evaluated.iter().any(|n| n.permissions.contains(&"ecr:DescribeRepositories".to_owned())),
        "{:?}",
        ecr2.not_evaluated
    );

    // A gap for one resource only (partial data) is not a pass either.
    let mut partial = common::hardened();
    partial.gaps.push(Gap {
        service: "ecs".into(),
        operation: "DescribeTaskDefinition".into(),
        error_code: "ThrottlingException".into(),
        message: "Rate exceeded".into(),
        resource: Some("arn:aws:ecs:eu-west-1:210987654321:task-definition/other:1".into()),
    });
    let after = statuses(&partial, Framework::AwsFoundational);
    assert_eq!(after["ECS.4"], ControlStatus::NotEvaluated);
}

#[test]
fn controls_with_nothing_to_examine_are_not_applicable() {
    let mut snap = common::hardened();
    snap.load_balancing = Default::default();
    for s in &mut snap.services {
        s.load_balancers.clear();
    }
    let st = statuses(&snap, Framework::AwsFoundational);
    assert_eq!(st["ELB.1"], ControlStatus::NotApplicable);
    assert_eq!(st["ELB.6"], ControlStatus::NotApplicable);
    assert_eq!(st["ECS.4"], ControlStatus::Pass);
}

fn control<'a>(r: &'a compliance::FrameworkResult, id: &str) -> &'a compliance::ControlResult {
    r.controls.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("{} has no control {id}", r.framework))
}

/// The hardened cluster with one more internet-wide ingress rule on the ALB's group.
fn hardened_with_alb_ingress(rule: serde_json::Value) -> Snapshot {
    let mut snap = common::hardened();
    let sg = snap.network.security_groups.iter_mut().find(|g| g.group_id == "sg-0alb").expect("sg-0alb");
    sg.ip_permissions.push(serde_json::from_value(rule).expect("an IpPermission"));
    snap
}

fn open_tcp(port: i64, cidr: &str) -> serde_json::Value {
    serde_json::json!({"ipProtocol": "tcp", "fromPort": port, "toPort": port, "ipRanges": [{"cidrIp": cidr}]})
}

fn with_listener(mut snap: Snapshot, port: i64) -> Snapshot {
    let lb = &mut snap.load_balancing.load_balancers[0];
    let mut l = lb.listeners[0].clone();
    l.port = Some(port);
    l.listener_arn = format!("{}-{port}", l.listener_arn);
    lb.listeners.push(l);
    snap
}

/// Each Security Hub control applies its own condition: EC2.13 is port 22 only, EC2.18
/// allows 80 and 443 (on load-balancer groups too), EC2.19 uses the full high-risk list.
#[test]
fn security_group_controls_apply_their_own_ports() {
    let rdp = with_listener(hardened_with_alb_ingress(open_tcp(3389, "0.0.0.0/0")), 3389);
    let a = rules::analyze(&rdp);
    let nist = compliance::evaluate(&a, Framework::Nist80053);
    assert_eq!(control(&nist, "EC2.13").status, ControlStatus::Pass, "RDP is not EC2.13's port");
    assert_eq!(control(&nist, "EC2.19").status, ControlStatus::Fail);
    let fsbp = compliance::evaluate(&a, Framework::AwsFoundational);
    assert_eq!(control(&fsbp, "EC2.18").status, ControlStatus::Fail, "3389 is not an authorized port");

    let ssh = with_listener(hardened_with_alb_ingress(open_tcp(22, "0.0.0.0/0")), 22);
    let nist = compliance::evaluate(&rules::analyze(&ssh), Framework::Nist80053);
    assert_eq!(control(&nist, "EC2.13").status, ControlStatus::Fail);

    for port in [8080, 21, 3000] {
        let snap = with_listener(hardened_with_alb_ingress(open_tcp(port, "0.0.0.0/0")), port);
        let fsbp = compliance::evaluate(&rules::analyze(&snap), Framework::AwsFoundational);
        assert_eq!(control(&fsbp, "EC2.19").status, ControlStatus::Fail, "port {port} is on EC2.19's list");
        assert_eq!(control(&fsbp, "EC2.18").status, ControlStatus::Fail, "port {port} on a load balancer's group");
    }

    // A very wide prefix is the internet to our rules, but Security Hub tests 0.0.0.0/0 exactly.
    let half = with_listener(hardened_with_alb_ingress(open_tcp(22, "0.0.0.0/1")), 22);
    let a = rules::analyze(&half);
    assert!(a.findings.iter().any(|f| f.rule.id == "security-group-admin-ports-open"), "0.0.0.0/1 is the internet");
    let nist = compliance::evaluate(&a, Framework::Nist80053);
    assert_eq!(control(&nist, "EC2.13").status, ControlStatus::Pass);

    // The hardened ALB group admits 80 and 443 from anywhere: EC2.18 passes.
    let fsbp = compliance::evaluate(&rules::analyze(&common::hardened()), Framework::AwsFoundational);
    assert_eq!(control(&fsbp, "EC2.18").status, ControlStatus::Pass);
}

/// ELB.5 covers Application and Classic Load Balancers, not Network Load Balancers.
#[test]
fn elb_5_is_not_failed_by_a_network_load_balancer() {
    let mut snap = common::hardened();
    let mut nlb = snap.load_balancing.load_balancers[0].clone();
    nlb.kind = Some("network".into());
    nlb.load_balancer_name = "internal-nlb".into();
    nlb.load_balancer_arn = nlb.load_balancer_arn.replace("app/", "net/");
    nlb.attributes.clear();
    let mut tls = nlb.listeners[1].clone();
    tls.protocol = Some("TLS".into());
    nlb.listeners = vec![tls];
    snap.load_balancing.load_balancers.push(nlb);
    let a = rules::analyze(&snap);
    assert!(a.findings.iter().any(|f| f.rule.id == "lb-access-logs-disabled"), "the rule still reports the NLB");
    let fsbp = compliance::evaluate(&a, Framework::AwsFoundational);
    assert_eq!(control(&fsbp, "ELB.5").status, ControlStatus::Pass);
}

/// A control whose only evidence is a Low-confidence heuristic needs review: its own
/// status, counted apart from pass and fail, with a reason.
#[test]
fn low_confidence_evidence_alone_needs_review() {
    let mut snap = common::hardened();
    snap.load_balancing.load_balancers[0].listeners[1].ssl_policy = Some("ELBSecurityPolicy-Not-Known-2031".into());
    let a = rules::analyze(&snap);
    let fsbp = compliance::evaluate(&a, Framework::AwsFoundational);
    let elb17 = control(&fsbp, "ELB.17");
    assert_eq!(elb17.status, ControlStatus::NeedsReview);
    assert!(elb17.review_reason.as_deref().is_some_and(|r| r.contains("Low-confidence")), "{elb17:?}");
    assert_eq!(fsbp.summary.needs_review, 1);
    assert_eq!(fsbp.summary.failed, 0);
    let s = fsbp.summary;
    assert_eq!(s.passed + s.failed + s.needs_review + s.not_evaluated + s.not_applicable, s.controls);
    let md = ecs_security_core::report::compliance::framework(&fsbp);
    assert!(md.contains("1 need review") && md.contains("needs review"), "{md}");

    // The same control fails on a Medium- or High-confidence finding.
    snap.load_balancing.load_balancers[0].listeners[1].ssl_policy = Some("ELBSecurityPolicy-TLS13-1-2-2021-06".into());
    let fsbp = compliance::evaluate(&rules::analyze(&snap), Framework::AwsFoundational);
    assert_eq!(control(&fsbp, "ELB.17").status, ControlStatus::Fail, "TLS13-1-2-2021-06 is not one of the eight");
}

/// ECS.8 fails on the names AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and ECS_ENGINE_AUTH_DATA,
/// whatever their value, and only on them: other secrets are our rule's findings, not ECS.8's.
#[test]
fn ecs_8_is_about_its_three_names() {
    let with_env = |name: &str, value: &str| {
        let mut snap = common::hardened();
        let env = serde_json::json!({"name": name, "value": value});
        snap.task_definitions[0].container_definitions[0].environment.push(serde_json::from_value(env).expect("env"));
        compliance::evaluate(&rules::analyze(&snap), Framework::AwsFoundational)
    };
    assert_eq!(control(&with_env("AWS_ACCESS_KEY_ID", ""), "ECS.8").status, ControlStatus::Fail);
    assert_eq!(control(&with_env("ECS_ENGINE_AUTH_DATA", "true"), "ECS.8").status, ControlStatus::Fail);
    let other = with_env("DB_PASSWORD", "hunter2");
    assert_eq!(control(&other, "ECS.8").status, ControlStatus::Pass);
    let pci = {
        let mut snap = common::hardened();
        let env = serde_json::json!({"name": "DB_PASSWORD", "value": "hunter2"});
        snap.task_definitions[0].container_definitions[0].environment.push(serde_json::from_value(env).expect("env"));
        compliance::evaluate(&rules::analyze(&snap), Framework::PciDss)
    };
    assert_eq!(control(&pci, "8.6.2").status, ControlStatus::Fail, "PCI 8.6.2 still fails on any hard-coded password");
}

/// An NLB TCP listener on a TLS port is a Low-confidence heuristic (the load balancer cannot
/// see whether the targets speak TLS): PCI 4.2.1 needs review, it does not fail.
#[test]
fn an_nlb_tcp_listener_alone_does_not_fail_pci_4_2_1() {
    let mut snap = common::hardened();
    let mut nlb = snap.load_balancing.load_balancers[0].clone();
    nlb.kind = Some("network".into());
    nlb.load_balancer_name = "edge-nlb".into();
    nlb.load_balancer_arn = nlb.load_balancer_arn.replace("app/", "net/");
    let mut tcp = nlb.listeners[1].clone();
    tcp.protocol = Some("TCP".into());
    tcp.ssl_policy = None;
    tcp.certificates.clear();
    nlb.listeners = vec![tcp];
    nlb.security_groups.clear();
    snap.load_balancing.load_balancers.push(nlb);
    let a = rules::analyze(&snap);
    assert!(a.findings.iter().any(|f| f.rule.id == "lb-nlb-plaintext-tcp-listener"));
    let pci = compliance::evaluate(&a, Framework::PciDss);
    assert_eq!(control(&pci, "4.2.1").status, ControlStatus::NeedsReview);
    assert_eq!(pci.summary.needs_review, 2, "4.2.1 and 2.2.5 rest on the same heuristic");
}

/// Encryption safeguards fail on data that is not encrypted, not on data encrypted with an
/// AWS-managed key (that is the CMK rule's own, lower finding).
#[test]
fn an_aws_managed_key_is_not_unencrypted_data() {
    let mut snap = common::hardened();
    let repo = &mut snap.ecr.repositories[0];
    repo.encryption_configuration =
        Some(serde_json::from_value(serde_json::json!({"encryptionType": "AES256"})).expect("encryption"));
    let a = rules::analyze(&snap);
    assert!(a.findings.iter().any(|f| f.rule.id == "ecr-repository-cmk-missing"));
    let hipaa = compliance::evaluate(&a, Framework::Hipaa);
    assert_eq!(control(&hipaa, "164.312(a)(2)(iv)").status, ControlStatus::Pass);
    let pci = compliance::evaluate(&a, Framework::PciDss);
    assert_eq!(control(&pci, "3.5.1").status, ControlStatus::Pass);
    assert_eq!(pci.version, "4.0.1");
    assert!(pci.controls.iter().all(|c| c.id != "1.4.5" && c.id != "5.3.4"), "no rule tests 1.4.5 or 5.3.4");
    let nist = compliance::evaluate(&a, Framework::Nist80053);
    assert_eq!(control(&nist, "ECR.5").status, ControlStatus::Fail, "ECR.5 is exactly the CMK check");
}

/// ECR reports the AWS-managed `aws/ecr` key by its key ARN, like a customer-managed key: a
/// key ARN the snapshot cannot attribute makes ECR.5 need review, neither pass nor fail. The
/// hardened cluster's key is also its Fargate storage key, which only a customer key can be.
#[test]
fn an_unattributable_kms_key_arn_makes_ecr_5_need_review() {
    let mut snap = common::hardened();
    let nist = compliance::evaluate(&rules::analyze(&snap), Framework::Nist80053);
    assert_eq!(control(&nist, "ECR.5").status, ControlStatus::Pass);
    let other = "arn:aws:kms:eu-west-1:210987654321:key/99999999-1111-4222-8333-444455556666";
    for repo in &mut snap.ecr.repositories {
        repo.encryption_configuration =
            Some(serde_json::from_value(serde_json::json!({"encryptionType": "KMS", "kmsKey": other})).expect("enc"));
    }
    let a = rules::analyze(&snap);
    let f = a.findings.iter().find(|f| f.rule.id == "ecr-repository-cmk-missing").expect("reported as unknown");
    assert!(f.message.contains("unknown"), "{}", f.message);
    let nist = compliance::evaluate(&a, Framework::Nist80053);
    assert_eq!(control(&nist, "ECR.5").status, ControlStatus::NeedsReview);
}
