//! get_security_recommendations: grouped by rule, ordered by severity, exposure and breadth,
//! within the answer budget; the limit applies after filtering and the total is given.

use crate::common;

use std::collections::BTreeMap;

use ecs_security_mcp::actions::Action;
use ecs_security_mcp::rules;
use serde_json::{Value, json};

async fn recommend(params: Value) -> Value {
    let actions = common::fixture_actions();
    let action = Action::parse("get_security_recommendations", Some(params)).expect("valid parameters");
    actions.run(action, None).await.expect("answers").data
}

#[tokio::test]
async fn grouped_by_rule_with_every_resource() {
    let data = recommend(json!({"cluster_name": "payments-prod", "limit": 100})).await;
    let analysis = rules::analyze(&common::demo());
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &analysis.findings {
        *per_rule.entry(f.rule.id).or_default() += 1;
    }
    let recs = data["recommendations"].as_array().expect("recommendations");
    // One recommendation per failing rule, as many as the answer budget holds; the total
    // counts them all and each names how many resources it affects.
    assert!(recs.len() >= 10 && recs.len() <= per_rule.len(), "{} recommendations", recs.len());
    assert_eq!(data["returned"].as_u64(), Some(recs.len() as u64));
    assert_eq!(data["total"].as_u64(), Some(per_rule.len() as u64));
    assert!(data.to_string().len() < 40_000);
    for r in recs {
        let id = r["rule_id"].as_str().expect("rule id");
        assert_eq!(r["affected_total"].as_u64(), Some(per_rule[id] as u64), "{id} counts every affected resource");
        let named = r["affected"].as_array().map(Vec::len).expect("affected");
        assert!(named >= 1 && named <= per_rule[id], "{id} names {named}");
        assert!(r["remediation"]["cli"].as_str().is_some_and(|c| c.starts_with("aws ")));
        assert!(r["remediation"]["terraform"].is_string() && r["remediation"]["cloudformation"].is_string());
    }
}

#[tokio::test]
async fn ordered_by_severity_exposure_and_breadth() {
    let data = recommend(json!({"cluster_name": "payments-prod", "limit": 100})).await;
    let recs = data["recommendations"].as_array().expect("recommendations");
    let priorities: Vec<u64> = recs.iter().map(|r| r["priority"].as_u64().expect("priority")).collect();
    assert!(priorities.windows(2).all(|w| w[0] >= w[1]), "not sorted: {priorities:?}");
    assert_eq!(recs[0]["severity"], "Critical");
    let rank = |s: &str| ["Low", "Medium", "High", "Critical"].iter().position(|x| *x == s).unwrap_or(0);
    // Severity dominates: no lower severity ahead of a higher one.
    let sevs: Vec<usize> = recs.iter().map(|r| rank(r["severity"].as_str().unwrap_or(""))).collect();
    assert!(sevs.windows(2).all(|w| w[0] >= w[1]), "{sevs:?}");
    // Exposure: secrets in an internet-facing service with public IPs are flagged as such.
    let env = recs.iter().find(|r| r["rule_id"] == "container-environment-secrets").expect("env secrets");
    let exposure: Vec<&str> = env["exposure"].as_array().expect("exposure").iter().filter_map(Value::as_str).collect();
    for e in ["internet-facing", "public-ip", "credential-exposed"] {
        assert!(exposure.contains(&e), "{exposure:?} lacks {e}");
    }
    let privileged = recs.iter().find(|r| r["rule_id"] == "container-privileged").expect("privileged");
    assert!(privileged["exposure"].as_array().expect("exposure").iter().any(|e| e == "privileged"));
}

#[tokio::test]
async fn limit_applies_after_filtering_and_total_is_reported() {
    let all = recommend(json!({"cluster_name": "payments-prod", "limit": 100})).await;
    let high = recommend(json!({"cluster_name": "payments-prod", "severity_filter": "High", "limit": 100})).await;
    let high_total = high["total"].as_u64().expect("total");
    assert!(high_total < all["total"].as_u64().expect("total"));
    assert!(
        high["recommendations"]
            .as_array()
            .expect("recs")
            .iter()
            .all(|r| r["severity"] == "High" || r["severity"] == "Critical")
    );
    let limited = recommend(json!({"cluster_name": "payments-prod", "severity_filter": "High", "limit": 3})).await;
    assert_eq!(limited["returned"], json!(3));
    assert_eq!(limited["total"].as_u64(), Some(high_total), "total counts every filtered recommendation");
    let default = recommend(json!({"cluster_name": "payments-prod"})).await;
    assert_eq!(default["limit"], json!(10));
    assert_eq!(default["returned"], json!(10));
}
