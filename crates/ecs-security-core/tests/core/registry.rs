//! The rule registry and the tables that refer to it: complete metadata, unique ids,
//! generated docs in step, compliance mappings that point at real rules.

use crate::common;
use std::collections::BTreeSet;

use ecs_security_core::compliance::Framework;
use ecs_security_core::rules;

#[test]
fn ids_are_unique_kebab_case() {
    let mut seen = BTreeSet::new();
    for r in rules::all() {
        assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
        let kebab = !r.id.is_empty()
            && r.id
                .split('-')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert!(kebab, "rule id {:?} is not kebab-case", r.id);
    }
}

#[test]
fn the_catalog_is_large_enough() {
    assert!(rules::all().len() >= 100, "only {} rules", rules::all().len());
}

#[test]
fn every_rule_has_complete_metadata() {
    let mut problems = Vec::new();
    for r in rules::all() {
        let m = &r.remediation;
        let checks = [
            (!r.title.trim().is_empty(), "title"),
            (r.rationale.len() >= 40, "rationale (40+ characters)"),
            (!r.requires.is_empty(), "requires"),
            (m.summary.len() >= 15, "remediation summary"),
            (m.steps.len() >= 2, "two or more remediation steps"),
            (m.cli.starts_with("aws "), "an AWS CLI command starting with `aws `"),
            (!m.terraform.trim().is_empty(), "a Terraform snippet"),
            (!m.cloudformation.trim().is_empty(), "a CloudFormation snippet"),
            (!r.references.is_empty() && r.references.iter().all(|u| u.starts_with("https://")), "https references"),
        ];
        for (ok, what) in checks {
            if !ok {
                problems.push(format!("{}: missing {what}", r.id));
            }
        }
        let fixture = common::root().join("fixtures/rules").join(format!("{}.json", r.id));
        if !fixture.exists() {
            problems.push(format!("{}: no fixture {}", r.id, fixture.display()));
        }
    }
    assert!(problems.is_empty(), "{} metadata problems:\n{}", problems.len(), problems.join("\n"));
}

/// docs/checks.md is the catalog as generated. `UPDATE_DOCS=1` rewrites it instead of
/// failing (`UPDATE_DOCS=1 cargo test -p ecs-security-core --test core docs_checks_md`), as
/// `ecs-security-mcp checks --format markdown > docs/checks.md` does.
#[test]
fn docs_checks_md_is_generated_from_the_registry() {
    let path = common::root().join("docs/checks.md");
    let generated = ecs_security_core::report::catalog::markdown();
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("docs/checks.md is writable");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/checks.md is stale: run `UPDATE_DOCS=1 cargo test -p ecs-security-core --test core docs_checks_md`"
    );
}

#[test]
fn compliance_tables_name_real_rules_and_every_control_has_rules() {
    for fw in Framework::ALL {
        let def = fw.definition();
        let mut ids = BTreeSet::new();
        for c in def.controls {
            assert!(ids.insert(c.id), "{fw}: duplicate control {}", c.id);
            assert!(!c.rules.is_empty(), "{fw}: control {} has no rules", c.id);
            assert!(!c.title.is_empty() && !c.source.is_empty(), "{fw}: control {} lacks a title or source", c.id);
            for r in c.rules {
                assert!(rules::by_id(r).is_some(), "{fw}: control {} names unknown rule {r}", c.id);
            }
        }
    }
}

/// The two hand-kept sources agree: a rule names `SecurityHub <control>` among its peers
/// exactly when one of the Security Hub standards we model (FSBP, NIST SP 800-53) maps that
/// control to the rule. A peer with a parenthesis after the id (`SecurityHub ECS.1
/// (retired)`) names a control that no modelled framework holds, and says why.
#[test]
fn security_hub_peers_agree_with_the_compliance_tables() {
    let standards: Vec<Framework> = Framework::ALL.into_iter().filter(|f| f.is_security_hub_standard()).collect();
    assert!(standards.contains(&Framework::AwsFoundational) && standards.contains(&Framework::Nist80053));
    let mut problems = Vec::new();
    for r in rules::all() {
        let peers: BTreeSet<&str> =
            r.peers.iter().filter_map(|p| p.strip_prefix("SecurityHub ")).filter(|id| !id.contains(' ')).collect();
        let table: BTreeSet<&str> = standards
            .iter()
            .flat_map(|f| f.definition().controls.iter())
            .filter(|c| c.rules.contains(&r.id))
            .map(|c| c.id)
            .collect();
        if peers != table {
            let only_peers: Vec<&&str> = peers.difference(&table).collect();
            let only_table: Vec<&&str> = table.difference(&peers).collect();
            problems.push(format!("{}: peers only {only_peers:?}, table only {only_table:?}", r.id));
        }
    }
    assert!(problems.is_empty(), "{} rules disagree:\n{}", problems.len(), problems.join("\n"));
}

/// The core stays pure: nothing it links at run time (normal dependencies, transitively)
/// is an AWS SDK, an MCP implementation, an async runtime or an HTTP stack.
#[test]
fn the_core_links_no_sdk_runtime_or_server() {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["tree", "--offline", "-p", "ecs-security-core", "-e", "normal,build", "--prefix", "none", "-f", "{p}"])
        .current_dir(common::root())
        .output()
        .expect("cargo tree runs");
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    let tree = String::from_utf8_lossy(&out.stdout);
    let names: BTreeSet<&str> = tree.lines().filter_map(|l| l.split_whitespace().next()).collect();
    assert!(names.contains("serde"), "unexpected cargo tree output:\n{tree}");
    let forbidden: Vec<&&str> = names
        .iter()
        .filter(|n| n.starts_with("aws-") || ["rmcp", "tokio", "hyper", "axum", "reqwest", "mio"].contains(n))
        .collect();
    assert!(forbidden.is_empty(), "ecs-security-core depends on {forbidden:?}");
}

/// The FSBP framework holds FSBP controls only: the controls Security Hub has in other
/// standards live in frameworks named for those standards.
#[test]
fn aws_foundational_holds_only_fsbp_controls() {
    let ids: BTreeSet<&str> = Framework::AwsFoundational.definition().controls.iter().map(|c| c.id).collect();
    for outside in ["EC2.13", "EC2.14", "ECS.17", "ECR.5", "ECS.1"] {
        assert!(!ids.contains(outside), "{outside} is not an FSBP control");
    }
    let nist = Framework::Nist80053.definition();
    for id in ["ECS.17", "ECR.5", "EC2.13"] {
        let c = nist.controls.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("nist-800-53 lacks {id}"));
        assert!(!c.requirements.is_empty(), "{id} has no NIST requirement ids");
    }
    assert!(nist.controls.iter().all(|c| !c.requirements.is_empty()), "every NIST control names its NIST ids");
    assert_eq!("nist-800-53".parse::<Framework>(), Ok(Framework::Nist80053));
}

/// Remediation text recommends only TLS policies that pass Security Hub ELB.17 (the summary
/// and the snippets; a step may name the API default as what to avoid), or for Classic Load
/// Balancer rules (`clb-…`) the one policy ELB.8 passes.
#[test]
fn remediation_recommends_only_elb_17_policies() {
    use ecs_security_core::knowledge::tls;
    let mut problems = Vec::new();
    for r in rules::all() {
        let m = &r.remediation;
        let classic = r.id.starts_with("clb-");
        for text in [m.summary, m.cli, m.terraform, m.cloudformation] {
            for (i, _) in text.match_indices("ELBSecurityPolicy-") {
                let name: String = text[i..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
                let accepted =
                    if classic { name == tls::SECURITY_HUB_ELB_8 } else { tls::security_hub_recommended(&name) };
                if !accepted {
                    problems.push(format!("{}: recommends {name}", r.id));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:?}");
}
