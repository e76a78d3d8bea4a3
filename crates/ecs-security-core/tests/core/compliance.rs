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
