//! Repository policies: which statements allow any AWS principal, and `ecr-repository-public`.

use serde_json::Value;

use super::repository_ref;
use crate::knowledge::images::RESTRICTING_CONDITION_KEYS;
use crate::model::{DataSource, Snapshot};
use crate::rules::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};

/// A statement that grants access to everyone.
#[derive(Debug, PartialEq, Eq)]
pub struct PublicStatement {
    pub sid: String,
    pub actions: String,
}

fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_wildcard_principal(p: &Value) -> bool {
    match p {
        Value::String(s) => s.trim() == "*",
        Value::Object(o) => o
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("AWS"))
            .any(|(_, v)| strings(v).iter().any(|s| s.trim() == "*")),
        _ => false,
    }
}

/// Whether a statement's `Condition` ties it to specific accounts, an organization, a
/// network or a source. Negated operators, `…IfExists` and `Null` do not restrict, nor do
/// values that are `*` or match every address.
fn condition_restricts(condition: Option<&Value>) -> bool {
    let Some(Value::Object(ops)) = condition else {
        return false;
    };
    ops.iter().any(|(op, body)| {
        let op = op.to_ascii_lowercase();
        if op.contains("not") || op.ends_with("ifexists") || op == "null" {
            return false;
        }
        let Value::Object(keys) = body else {
            return false;
        };
        keys.iter().any(|(key, value)| {
            let key = key.to_ascii_lowercase();
            RESTRICTING_CONDITION_KEYS.contains(&key.as_str())
                && strings(value).iter().any(|v| !matches!(v.trim(), "*" | "" | "0.0.0.0/0" | "::/0"))
        })
    })
}

/// The statements of a repository policy that allow anyone, or an error when the policy is
/// not valid JSON with a `Statement`.
pub fn public_statements(policy: &str) -> Result<Vec<PublicStatement>, String> {
    let doc: Value = serde_json::from_str(policy).map_err(|e| e.to_string())?;
    let statements = match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
        Some(s @ Value::Object(_)) => vec![s],
        _ => return Err("no Statement element".to_owned()),
    };
    let mut out = Vec::new();
    for (i, st) in statements.into_iter().enumerate() {
        let allow = st.get("Effect").and_then(Value::as_str).is_some_and(|e| e.eq_ignore_ascii_case("Allow"));
        if !allow {
            continue;
        }
        // Allow with NotPrincipal grants everyone except the listed principals.
        let everyone = st.get("Principal").is_some_and(is_wildcard_principal) || st.get("NotPrincipal").is_some();
        if !everyone || condition_restricts(st.get("Condition")) {
            continue;
        }
        let sid = st.get("Sid").and_then(Value::as_str).map_or_else(|| format!("statement {}", i + 1), str::to_owned);
        let actions = st.get("Action").map(strings).unwrap_or_default().join(", ");
        out.push(PublicStatement { sid, actions });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// ecr-repository-public
// ---------------------------------------------------------------------------------------

pub static ECR_REPOSITORY_PUBLIC: Rule = Rule {
    id: "ecr-repository-public",
    title: "ECR repository policy allows any AWS principal",
    severity: Severity::Critical,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::EcrRepositories,
    requires: &[DataSource::EcrRepositories, DataSource::EcrRepositoryPolicies],
    confidence: Confidence::High,
    rationale: "A repository policy that allows `*` without a condition on the organization, account, VPC endpoint or source lets any authenticated principal in any AWS account pull the images (with their code, embedded configuration and secrets), and, if push actions are included, replace them with backdoored builds that the cluster will run. Repositories have no policy by default, which allows only the owning account. A policy that cannot be parsed is reported at Medium with Low confidence.",
    remediation: Remediation {
        summary: "Replace the wildcard principal with the accounts or organization that need access, or add an `aws:PrincipalOrgID` condition.",
        steps: &[
            "List who actually pulls from the repository (CloudTrail `ecr:BatchGetImage` events).",
            "Rewrite the policy to name those account principals, or keep `*` with a `StringEquals` condition on `aws:PrincipalOrgID`.",
            "Remove push actions (`ecr:PutImage`, `ecr:*`) from any cross-account statement.",
            "Apply the policy and confirm the pulls still work.",
        ],
        cli: "aws ecr set-repository-policy --repository-name <repository> --policy-text file://repository-policy.json",
        terraform: "resource \"aws_ecr_repository_policy\" \"app\" {\n  repository = aws_ecr_repository.app.name\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Sid       = \"OrgPull\"\n      Effect    = \"Allow\"\n      Principal = \"*\"\n      Action    = [\"ecr:BatchGetImage\", \"ecr:GetDownloadUrlForLayer\"]\n      Condition = { StringEquals = { \"aws:PrincipalOrgID\" = \"<org-id>\" } }\n    }]\n  })\n}",
        cloudformation: "Type: AWS::ECR::Repository\nProperties:\n  RepositoryName: app\n  RepositoryPolicyText:\n    Version: \"2012-10-17\"\n    Statement:\n      - Sid: OrgPull\n        Effect: Allow\n        Principal: \"*\"\n        Action: [\"ecr:BatchGetImage\", \"ecr:GetDownloadUrlForLayer\"]\n        Condition:\n          StringEquals:\n            aws:PrincipalOrgID: <org-id>",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
    ],
    peers: &["Prowler ecr_repositories_not_publicly_accessible", "Checkov CKV_AWS_32", "Trivy AVD-AWS-0032"],
    check: ecr_repository_public,
};

fn ecr_repository_public(snap: &Snapshot, out: &mut Findings) {
    for r in &snap.ecr.repositories {
        let Some(policy) = r.repository_policy.as_deref().filter(|p| !p.trim().is_empty()) else {
            continue;
        };
        match public_statements(policy) {
            Ok(found) => {
                let Some(first) = found.first() else {
                    continue;
                };
                let sids: Vec<&str> = found.iter().map(|s| s.sid.as_str()).collect();
                out.report(
                    repository_ref(r),
                    format!(
                        "ECR repository `{}` has a policy that allows any AWS principal without a restricting condition",
                        r.repository_name
                    ),
                )
                .evidence("statements", sids.join(", "))
                .evidence("principal", "*")
                .evidence("actions", &first.actions);
            }
            Err(e) => {
                out.report(
                    repository_ref(r),
                    format!(
                        "ECR repository `{}` has a repository policy that could not be parsed, so public access could not be ruled out",
                        r.repository_name
                    ),
                )
                .evidence("parse_error", e)
                .severity(Severity::Medium)
                .confidence(Confidence::Low);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_policies() {
        let p = |s: &str| public_statements(s).map(|v| v.len());
        assert_eq!(p(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}"#), Ok(1));
        assert_eq!(
            p(
                r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"Action":"ecr:*"}}"#
            ),
            Ok(1)
        );
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}"#
            ),
            Ok(0)
        );
        // Negated, IfExists and wildcard-valued conditions do not restrict.
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}"#
            ),
            Ok(1)
        );
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}}]}"#
            ),
            Ok(1)
        );
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringLike":{"aws:PrincipalArn":"*"}}}]}"#
            ),
            Ok(1)
        );
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}]}"#
            ),
            Ok(1)
        );
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:*"}]}"#
            ),
            Ok(1)
        );
        assert_eq!(p(r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:*"}]}"#), Ok(0));
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:*"}]}"#
            ),
            Ok(0)
        );
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:*"}]}"#
            ),
            Ok(0)
        );
        assert!(public_statements("{not json").is_err());
        assert!(public_statements(r#"{"Version":"2012-10-17"}"#).is_err());
    }
}
