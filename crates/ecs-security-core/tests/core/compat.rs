//! Snapshots written before Classic Load Balancers and KMS key managers were collected
//! (issue 12) still load, and the rules treat the absent fields as "not collected".

use ecs_security_core::rules::{self, Confidence, RuleStatus};

use super::common;

#[test]
fn older_snapshots_load_and_absent_key_managers_are_unknown() {
    let mut unknown = 0;
    for name in ["demo-cluster.json", "hardened-cluster.json"] {
        let path = common::root().join("fixtures").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("classicLoadBalancers") && !text.contains("keyManager"),
            "{name} is not an old snapshot"
        );
        let snap = common::load(&path);
        assert!(snap.load_balancing.classic_load_balancers.is_empty(), "{name}");
        let a = rules::analyze(&snap);
        // No Classic Load Balancer in the snapshot: those rules have nothing to examine.
        for r in a.results.iter().filter(|r| r.rule.id.starts_with("clb-")) {
            assert_eq!(r.status(), RuleStatus::NotApplicable, "{name}: {}", r.rule.id);
        }
        // A KMS key ARN without a collected manager is never a pass: unknown, Low confidence.
        for repo in &snap.ecr.repositories {
            let Some(enc) = &repo.encryption_configuration else { continue };
            assert!(enc.key_manager.is_none(), "{name}");
            let kms_key_arn = enc.encryption_type.as_deref() == Some("KMS")
                && enc.kms_key.as_deref().is_some_and(|k| k.contains(":key/"));
            let finding = a
                .findings
                .iter()
                .find(|f| f.rule.id == "ecr-repository-cmk-missing" && f.resource.name == repo.repository_name);
            if let Some(f) = finding.filter(|_| kms_key_arn) {
                assert!(f.message.contains("unknown") && f.confidence == Confidence::Low, "{name}: {}", f.message);
                unknown += 1;
            }
        }
    }
    assert!(unknown > 0, "the fixtures hold no KMS key ARN without a manager: the test proves nothing");
}
