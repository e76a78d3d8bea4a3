//! ECR repository and registry settings: scanning, tag mutability, lifecycle policy and
//! encryption.

use super::{REGISTRY_SCANNING_CFN, REGISTRY_SCANNING_TF, arn_region_account, repository_account, repository_ref};
use crate::model::{DataSource, RegistryScanningConfiguration, Repository, ResourceKind, ResourceRef, Snapshot};
use crate::rules::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};

/// CLI: ENHANCED registry scanning, continuous for every repository.
const REGISTRY_SCANNING_CLI: &str = "aws ecr put-registry-scanning-configuration --scan-type ENHANCED --rules '[{\"scanFrequency\":\"CONTINUOUS_SCAN\",\"repositoryFilters\":[{\"filter\":\"*\",\"filterType\":\"WILDCARD\"}]}]'";

/// Whether a repository is in the registry whose scanning configuration the snapshot holds:
/// the snapshot's own account and region (a registry's configuration is per region). Parts
/// the snapshot does not record count as a match.
fn in_own_registry(snap: &Snapshot, r: &Repository) -> bool {
    let region = arn_region_account(&r.repository_arn).0;
    let region_ok = region.is_none_or(|x| snap.region.is_empty() || x == snap.region);
    let account_ok = match (repository_account(r), snap.account_id.as_deref()) {
        (Some(a), Some(own)) => a == own,
        _ => true,
    };
    region_ok && account_ok
}

// ---------------------------------------------------------------------------------------
// ecr-repository-scan-on-push-disabled
// ---------------------------------------------------------------------------------------

/// Whether an ECR repository filter matches a repository name: a filter without `*`
/// matches names that contain it; `*` stands for zero or more characters.
pub fn filter_matches(filter: &str, name: &str) -> bool {
    let filter = filter.trim();
    if filter.is_empty() {
        return false;
    }
    if !filter.contains('*') {
        return name.contains(filter);
    }
    let parts: Vec<&str> = filter.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if name.len() < first.len() + last.len() || !name.starts_with(first) || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// The registry rule that scans a repository's images on push, if any.
fn registry_scans_on_push(cfg: &RegistryScanningConfiguration, repo: &str) -> Option<String> {
    let enhanced = cfg.scan_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("ENHANCED"));
    cfg.rules.iter().find_map(|rule| {
        let freq = rule.scan_frequency.as_deref().unwrap_or("").to_ascii_uppercase();
        let scans = freq == "SCAN_ON_PUSH" || (enhanced && freq == "CONTINUOUS_SCAN");
        if !scans {
            return None;
        }
        rule.repository_filters
            .iter()
            .filter(|f| f.filter_type.as_deref().is_none_or(|t| t.eq_ignore_ascii_case("WILDCARD")))
            .find(|f| filter_matches(&f.filter, repo))
            .map(|f| format!("{freq} filter `{}`", f.filter))
    })
}

pub static ECR_REPOSITORY_SCAN_ON_PUSH_DISABLED: Rule = Rule {
    id: "ecr-repository-scan-on-push-disabled",
    title: "ECR repository images are not scanned on push",
    severity: Severity::Medium,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::EcrRepositories,
    requires: &[DataSource::EcrRepositories, DataSource::EcrRegistryScanning],
    confidence: Confidence::High,
    rationale: "Without a scan on push, new images reach the cluster without anyone learning about the known vulnerabilities in them. Neither the repository (`scanOnPush` defaults to false) nor a registry scanning rule (no rules by default) covers this repository, so its images are scanned only if someone starts a scan by hand.",
    remediation: Remediation {
        summary: "Add a registry scanning rule (preferably enhanced, continuous) whose filter covers the repository.",
        steps: &[
            "Decide between basic scanning (scan on push) and enhanced scanning with Amazon Inspector (continuous).",
            "Put a registry scanning configuration with a rule whose wildcard filter matches the repository (`*` for all).",
            "Scan the images already in use once with `aws ecr start-image-scan` (basic) or wait for Inspector's initial scan.",
        ],
        cli: REGISTRY_SCANNING_CLI,
        terraform: REGISTRY_SCANNING_TF,
        cloudformation: REGISTRY_SCANNING_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-1",
    ],
    peers: &[
        "SecurityHub ECR.1",
        "Prowler ecr_registry_scan_images_on_push_enabled",
        "Checkov CKV_AWS_163",
        "Trivy AVD-AWS-0030",
    ],
    check: ecr_repository_scan_on_push_disabled,
};

fn ecr_repository_scan_on_push_disabled(snap: &Snapshot, out: &mut Findings) {
    let registry = snap.ecr.registry_scanning_configuration.as_ref();
    let enhanced =
        registry.is_some_and(|cfg| cfg.scan_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("ENHANCED")));
    for r in &snap.ecr.repositories {
        let own = in_own_registry(snap, r);
        // Under ENHANCED scanning the repository's scanOnPush is ignored: only the
        // registry's rules decide.
        let repo_scan = r.image_scanning_configuration.as_ref().is_some_and(|s| s.scan_on_push);
        if repo_scan && !(own && enhanced) {
            continue;
        }
        if !own {
            // Another account's or region's registry: its scanning rules are not visible.
            out.report(
                repository_ref(r),
                format!(
                    "ECR repository `{}` has scanOnPush off, and the scanning configuration of its registry (another account or region) is not in the snapshot",
                    r.repository_name
                ),
            )
            .evidence("scanOnPush", false)
            .evidence("registry", repository_account(r).unwrap_or("(unknown)"))
            .confidence(Confidence::Low);
            continue;
        }
        if registry.is_some_and(|cfg| registry_scans_on_push(cfg, &r.repository_name).is_some()) {
            continue;
        }
        let scan_type = registry.and_then(|cfg| cfg.scan_type.as_deref()).unwrap_or("BASIC (default)");
        let message = if repo_scan {
            format!(
                "ECR repository `{}` has scanOnPush on, but the registry uses enhanced scanning, which ignores it, and no registry scanning rule covers the repository",
                r.repository_name
            )
        } else {
            format!("ECR repository `{}` has scanOnPush off and no registry scanning rule covers it", r.repository_name)
        };
        out.report(repository_ref(r), message)
            .evidence("scanOnPush", repo_scan)
            .evidence("registry_scan_type", scan_type)
            .evidence("registry_rules", registry.map_or(0, |cfg| cfg.rules.len()));
    }
}

// ---------------------------------------------------------------------------------------
// ecr-registry-continuous-scanning-disabled
// ---------------------------------------------------------------------------------------

pub static ECR_REGISTRY_CONTINUOUS_SCANNING_DISABLED: Rule = Rule {
    id: "ecr-registry-continuous-scanning-disabled",
    title: "ECR registry does not re-scan images continuously",
    severity: Severity::Low,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::EcrRepositories,
    requires: &[DataSource::EcrRepositories, DataSource::EcrRegistryScanning],
    confidence: Confidence::High,
    rationale: "Basic scanning (the default when no registry configuration exists) checks an image once, at push or on request; a CVE published next week never shows up against the image that keeps running. Enhanced scanning with Amazon Inspector and a CONTINUOUS_SCAN rule re-evaluates images as new vulnerabilities appear and also covers language packages.",
    remediation: Remediation {
        summary: "Switch the registry to enhanced scanning with a CONTINUOUS_SCAN rule that covers the repositories in use.",
        steps: &[
            "Check Amazon Inspector pricing; switching the registry to enhanced scanning turns Inspector on for ECR.",
            "Put an ENHANCED registry scanning configuration with a CONTINUOUS_SCAN rule (filter `*`, or the repositories the cluster uses).",
            "Route Inspector findings to Security Hub or EventBridge so new critical CVEs reach the owning team.",
        ],
        cli: REGISTRY_SCANNING_CLI,
        terraform: REGISTRY_SCANNING_TF,
        cloudformation: REGISTRY_SCANNING_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced.html",
        "https://docs.aws.amazon.com/inspector/latest/user/scanning-ecr.html",
    ],
    peers: &["Prowler inspector2_is_enabled"],
    check: ecr_registry_continuous_scanning_disabled,
};

fn ecr_registry_continuous_scanning_disabled(snap: &Snapshot, out: &mut Findings) {
    let Some(cfg) = snap.ecr.registry_scanning_configuration.as_ref() else {
        return;
    };
    // The configuration is that of the snapshot's own registry: judge the repositories in it.
    let own: Vec<&Repository> = snap.ecr.repositories.iter().filter(|r| in_own_registry(snap, r)).collect();
    if own.is_empty() {
        return;
    }
    let registry_id = snap
        .account_id
        .as_deref()
        .or_else(|| own.iter().find_map(|r| repository_account(r)))
        .unwrap_or("(this account)");
    let resource = ResourceRef::new(ResourceKind::EcrRegistry, registry_id);
    let enhanced = cfg.scan_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("ENHANCED"));
    if !enhanced {
        out.report(
            resource,
            format!("ECR registry `{registry_id}` uses basic scanning, so images are never re-scanned as new CVEs are published"),
        )
        .evidence("scanType", cfg.scan_type.as_deref().unwrap_or("BASIC (default)"))
        .evidence("region", &snap.region);
        return;
    }
    let continuous = |repo: &str| {
        cfg.rules.iter().any(|rule| {
            rule.scan_frequency.as_deref().is_some_and(|f| f.eq_ignore_ascii_case("CONTINUOUS_SCAN"))
                && rule.repository_filters.iter().any(|f| filter_matches(&f.filter, repo))
        })
    };
    let uncovered: Vec<&str> = own.iter().map(|r| r.repository_name.as_str()).filter(|r| !continuous(r)).collect();
    if !uncovered.is_empty() {
        out.report(
            resource,
            format!(
                "ECR registry `{registry_id}` uses enhanced scanning, but no CONTINUOUS_SCAN rule covers {}",
                uncovered.join(", ")
            ),
        )
        .evidence("scanType", "ENHANCED")
        .evidence("repositories_without_continuous_scan", uncovered.join(", "));
    }
}

// ---------------------------------------------------------------------------------------
// ecr-repository-tags-mutable
// ---------------------------------------------------------------------------------------

pub static ECR_REPOSITORY_TAGS_MUTABLE: Rule = Rule {
    id: "ecr-repository-tags-mutable",
    title: "ECR repository allows image tags to be overwritten",
    severity: Severity::Medium,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::EcrRepositories,
    requires: &[DataSource::EcrRepositories],
    confidence: Confidence::High,
    rationale: "With mutable tags (the ECR default), anyone who can push can replace the image behind a release tag, and every task that pulls the tag afterwards runs the substitute. Immutable tags make a tag name one image forever. MUTABLE_WITH_EXCLUSION keeps only the excluded tags movable and is reported at Low.",
    remediation: Remediation {
        summary: "Set the repository's image tag mutability to IMMUTABLE (or IMMUTABLE_WITH_EXCLUSION for a few moving tags).",
        steps: &[
            "Check that the pipeline pushes a new tag per build (commit SHA or version), not a reused one.",
            "Set image tag mutability to IMMUTABLE.",
            "Reference images by digest in task definitions as well.",
        ],
        cli: "aws ecr put-image-tag-mutability --repository-name <repository> --image-tag-mutability IMMUTABLE",
        terraform: "resource \"aws_ecr_repository\" \"app\" {\n  name                 = \"app\"\n  image_tag_mutability = \"IMMUTABLE\"\n}",
        cloudformation: "Type: AWS::ECR::Repository\nProperties:\n  RepositoryName: app\n  ImageTagMutability: IMMUTABLE",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-2",
    ],
    peers: &[
        "SecurityHub ECR.2",
        "Prowler ecr_repositories_tag_immutability",
        "Checkov CKV_AWS_51",
        "Trivy AVD-AWS-0031",
    ],
    check: ecr_repository_tags_mutable,
};

fn ecr_repository_tags_mutable(snap: &Snapshot, out: &mut Findings) {
    for r in &snap.ecr.repositories {
        let set = r.image_tag_mutability.as_deref().map(str::trim);
        let m = set.unwrap_or("MUTABLE").to_ascii_uppercase();
        let low = match m.as_str() {
            "MUTABLE" => false,
            "MUTABLE_WITH_EXCLUSION" => true,
            _ => continue,
        };
        let f = out.report(repository_ref(r), format!("ECR repository `{}` has {m} image tags", r.repository_name));
        f.evidence(
            "imageTagMutability",
            if set.is_some() { m.clone() } else { "(not set: MUTABLE by default)".to_owned() },
        );
        if low {
            f.severity(Severity::Low);
        }
    }
}

// ---------------------------------------------------------------------------------------
// ecr-repository-lifecycle-policy-missing
// ---------------------------------------------------------------------------------------

pub static ECR_REPOSITORY_LIFECYCLE_POLICY_MISSING: Rule = Rule {
    id: "ecr-repository-lifecycle-policy-missing",
    title: "ECR repository has no lifecycle policy",
    severity: Severity::Low,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::EcrRepositories,
    requires: &[DataSource::EcrRepositories, DataSource::EcrLifecyclePolicies],
    confidence: Confidence::High,
    rationale: "Without a lifecycle policy (none exists by default) every image ever pushed stays: old, vulnerable builds remain one tag away from being deployed again, scans and reviews drown in stale images, and storage costs grow.",
    remediation: Remediation {
        summary: "Add a lifecycle policy that expires untagged images and keeps only the recent tagged builds.",
        steps: &[
            "Decide how many releases must stay available for rollback.",
            "Add rules: expire untagged images after a few days; keep the last N tagged images.",
            "Preview the effect with `aws ecr start-lifecycle-policy-preview` before applying it.",
        ],
        cli: "aws ecr put-lifecycle-policy --repository-name <repository> --lifecycle-policy-text file://lifecycle-policy.json",
        terraform: "resource \"aws_ecr_lifecycle_policy\" \"app\" {\n  repository = aws_ecr_repository.app.name\n  policy = jsonencode({\n    rules = [{\n      rulePriority = 1\n      description  = \"expire untagged images\"\n      selection = {\n        tagStatus   = \"untagged\"\n        countType   = \"sinceImagePushed\"\n        countUnit   = \"days\"\n        countNumber = 7\n      }\n      action = { type = \"expire\" }\n    }]\n  })\n}",
        cloudformation: "Type: AWS::ECR::Repository\nProperties:\n  RepositoryName: app\n  LifecyclePolicy:\n    LifecyclePolicyText: |\n      {\"rules\": [{\"rulePriority\": 1, \"selection\": {\"tagStatus\": \"untagged\", \"countType\": \"sinceImagePushed\", \"countUnit\": \"days\", \"countNumber\": 7}, \"action\": {\"type\": \"expire\"}}]}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-3",
    ],
    peers: &["SecurityHub ECR.3", "Prowler ecr_repositories_lifecycle_policy_enabled"],
    check: ecr_repository_lifecycle_policy_missing,
};

fn ecr_repository_lifecycle_policy_missing(snap: &Snapshot, out: &mut Findings) {
    for r in &snap.ecr.repositories {
        if r.lifecycle_policy.as_deref().is_some_and(|p| !p.trim().is_empty()) {
            continue;
        }
        out.report(repository_ref(r), format!("ECR repository `{}` has no lifecycle policy", r.repository_name))
            .evidence("lifecyclePolicy", "(none)");
    }
}

// ---------------------------------------------------------------------------------------
// ecr-repository-cmk-missing
// ---------------------------------------------------------------------------------------

pub static ECR_REPOSITORY_CMK_MISSING: Rule = Rule {
    id: "ecr-repository-cmk-missing",
    title: "ECR repository is not encrypted with a customer-managed KMS key",
    severity: Severity::Medium,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::EcrRepositories,
    requires: &[DataSource::EcrRepositories, DataSource::EcrKmsKeys],
    confidence: Confidence::High,
    rationale: "By default ECR encrypts with AES256 keys that AWS manages entirely: no key policy limits who can decrypt image layers, key use is not logged in CloudTrail, and access cannot be revoked by disabling the key. KMS with the AWS-managed `aws/ecr` key logs use but still cannot be restricted (reported at Low). ECR reports that key by its key ARN, like a customer-managed one, so the collector asks KMS (`kms:DescribeKey`) who manages each key: `KeyManager` AWS or CUSTOMER decides. When KMS could not be asked (permission denied, or a snapshot from an older version), a key ARN or id counts as customer-managed when the cluster also uses it for ECS Exec, managed storage or Fargate ephemeral storage (which accept only customer-managed keys); otherwise it is reported at Low confidence as unknown, naming the permission to add (Security Hub ECR.5 then needs review). An `alias/aws/…` key is AWS-managed, any other alias customer-managed.",
    remediation: Remediation {
        summary: "Store images in a repository encrypted with a customer-managed KMS key (encryption is fixed at creation, so create a new repository and move the images).",
        steps: &[
            "Create a KMS key whose policy allows the pipeline's role to encrypt and the task execution roles to decrypt.",
            "Create a new repository with `encryptionType=KMS` and that key (or a repository creation template so new repositories get it).",
            "Push the images to the new repository, point the task definitions at it and deploy.",
            "Delete the old repository once nothing pulls from it.",
        ],
        cli: "aws ecr create-repository --repository-name <repository> --image-tag-mutability IMMUTABLE --encryption-configuration encryptionType=KMS,kmsKey=<kms-key-arn>",
        terraform: "resource \"aws_ecr_repository\" \"app\" {\n  name = \"app\"\n  encryption_configuration {\n    encryption_type = \"KMS\"\n    kms_key         = aws_kms_key.ecr.arn\n  }\n}",
        cloudformation: "Type: AWS::ECR::Repository\nProperties:\n  RepositoryName: app\n  EncryptionConfiguration:\n    EncryptionType: KMS\n    KmsKey: !GetAtt EcrKey.Arn",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-5",
    ],
    peers: &["SecurityHub ECR.5", "Checkov CKV_AWS_136", "Trivy AVD-AWS-0033"],
    check: ecr_repository_cmk_missing,
};

/// Who manages the KMS key a repository is encrypted with, as far as the snapshot tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyManager {
    Aws,
    Customer,
    Unknown,
}

/// The key id of a key ARN (`arn:…:key/<id>`) or of a bare key id.
fn key_id(key: &str) -> &str {
    key.rsplit_once(":key/").map_or(key, |(_, id)| id)
}

/// The `KeyManager` collected from kms:DescribeKey decides. Without it, an `alias/aws/…` name
/// is AWS-managed and any other alias customer-managed. A key ARN or id says nothing by itself (ECR reports the AWS-managed `aws/ecr` key by its key ARN), unless
/// the cluster also uses that key where only a customer-managed key is accepted: ECS Exec
/// sessions, managed storage and Fargate ephemeral storage.
fn key_manager(snap: &Snapshot, key: Option<&str>, collected: Option<&str>) -> KeyManager {
    // What KMS said (kms:DescribeKey) decides.
    match collected.map(str::trim) {
        Some(m) if m.eq_ignore_ascii_case("AWS") => return KeyManager::Aws,
        Some(m) if m.eq_ignore_ascii_case("CUSTOMER") => return KeyManager::Customer,
        _ => {}
    }
    let Some(key) = key else {
        // KMS without a key is the AWS-managed aws/ecr key.
        return KeyManager::Aws;
    };
    let alias = key.strip_prefix("alias/").or_else(|| key.split_once(":alias/").map(|(_, a)| a));
    match alias {
        Some(a) if a.starts_with("aws/") => return KeyManager::Aws,
        Some(_) => return KeyManager::Customer,
        None => {}
    }
    let config = snap.cluster.configuration.as_ref();
    let storage = config.and_then(|c| c.managed_storage_configuration.as_ref());
    let customer_keys = [
        config.and_then(|c| c.execute_command_configuration.as_ref()).and_then(|e| e.kms_key_id.as_deref()),
        storage.and_then(|m| m.kms_key_id.as_deref()),
        storage.and_then(|m| m.fargate_ephemeral_storage_kms_key_id.as_deref()),
    ];
    if customer_keys.iter().flatten().any(|k| key_id(k.trim()) == key_id(key)) {
        KeyManager::Customer
    } else {
        KeyManager::Unknown
    }
}

/// The failed kms:DescribeKey call about this key, if any.
fn describe_key_gap<'a>(snap: &'a Snapshot, key: &str) -> Option<&'a crate::model::Gap> {
    snap.gaps
        .iter()
        .find(|g| g.service == "kms" && g.operation == "DescribeKey" && g.resource.as_deref().is_none_or(|r| r == key))
}

fn ecr_repository_cmk_missing(snap: &Snapshot, out: &mut Findings) {
    for r in &snap.ecr.repositories {
        let enc = r.encryption_configuration.as_ref();
        let set = enc.and_then(|e| e.encryption_type.as_deref()).map(str::trim);
        let kind = set.unwrap_or("AES256").to_ascii_uppercase();
        let key = enc.and_then(|e| e.kms_key.as_deref()).map(str::trim).filter(|k| !k.is_empty());
        let kms = kind.starts_with("KMS");
        let manager = key_manager(snap, key, enc.and_then(|e| e.key_manager.as_deref()));
        if kms && manager == KeyManager::Customer {
            continue;
        }
        let message = if !kms {
            format!(
                "ECR repository `{}` uses {kind} encryption instead of a customer-managed KMS key",
                r.repository_name
            )
        } else if manager == KeyManager::Aws {
            format!(
                "ECR repository `{}` is encrypted with the AWS-managed aws/ecr key, not a customer-managed key",
                r.repository_name
            )
        } else {
            format!(
                "whether ECR repository `{}` is encrypted with a customer-managed key or the AWS-managed aws/ecr key is unknown",
                r.repository_name
            )
        };
        let f = out.report(repository_ref(r), message);
        f.evidence(
            "encryptionType",
            if set.is_some() { kind.clone() } else { "(not set: AES256 by default)".to_owned() },
        )
        .evidence("kmsKey", key.unwrap_or("(AWS managed)"));
        if kms {
            f.severity(Severity::Low);
        }
        if kms && manager == KeyManager::Unknown {
            let why = match key.and_then(|k| describe_key_gap(snap, k)) {
                Some(g) => format!(
                    "unknown: kms:DescribeKey failed with {} (grant kms:DescribeKey on the key: KeyManager AWS or CUSTOMER)",
                    g.error_code
                ),
                None => "unknown: not collected (grant kms:DescribeKey and collect again; or run `aws kms describe-key`: KeyManager AWS or CUSTOMER)".to_owned(),
            };
            f.evidence("key_manager", why).confidence(Confidence::Low);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_managers() {
        let arn = "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-1111-4222-8333-444455556666";
        let mut snap = Snapshot::default();
        assert_eq!(key_manager(&snap, None, None), KeyManager::Aws);
        assert_eq!(key_manager(&snap, Some("alias/aws/ecr"), None), KeyManager::Aws);
        assert_eq!(key_manager(&snap, Some("arn:aws:kms:us-east-1:111122223333:alias/aws/ecr"), None), KeyManager::Aws);
        assert_eq!(
            key_manager(&snap, Some("arn:aws:kms:us-east-1:111122223333:alias/team-ecr"), None),
            KeyManager::Customer
        );
        assert_eq!(key_manager(&snap, Some(arn), None), KeyManager::Unknown);
        assert_eq!(key_manager(&snap, Some("0a1b2c3d-1111-4222-8333-444455556666"), None), KeyManager::Unknown);
        let config = serde_json::json!({"managedStorageConfiguration": {"fargateEphemeralStorageKmsKeyId": "0a1b2c3d-1111-4222-8333-444455556666"}});
        snap.cluster.configuration = Some(serde_json::from_value(config).unwrap());
        assert_eq!(
            key_manager(&snap, Some(arn), None),
            KeyManager::Customer,
            "Fargate storage takes only customer keys"
        );
        // What kms:DescribeKey said decides over every inference.
        assert_eq!(key_manager(&snap, Some(arn), Some("AWS")), KeyManager::Aws);
        assert_eq!(key_manager(&Snapshot::default(), Some(arn), Some("CUSTOMER")), KeyManager::Customer);
        assert_eq!(key_manager(&Snapshot::default(), Some(arn), Some("")), KeyManager::Unknown);
    }

    /// kms:DescribeKey denied: the repository's key manager is unknown, said at Low confidence
    /// with the permission to add, and the rule is partial (never a pass).
    #[test]
    fn denied_describe_key_is_unknown_and_names_the_permission() {
        let arn = "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-1111-4222-8333-444455556666";
        let mut snap = Snapshot::default();
        snap.ecr.repositories.push(crate::model::Repository {
            repository_name: "app".into(),
            encryption_configuration: Some(crate::model::EncryptionConfiguration {
                encryption_type: Some("KMS".into()),
                kms_key: Some(arn.into()),
                key_manager: None,
            }),
            ..Default::default()
        });
        snap.gaps.push(crate::model::Gap {
            service: "kms".into(),
            operation: "DescribeKey".into(),
            error_code: "AccessDeniedException".into(),
            message: "denied".into(),
            resource: Some(arn.into()),
        });
        let a = crate::rules::analyze_with_rules(&snap, &[&ECR_REPOSITORY_CMK_MISSING]);
        let f = a.findings.first().expect("an unknown finding");
        assert_eq!(f.confidence, Confidence::Low);
        assert!(f.message.contains("unknown"), "{}", f.message);
        let why = f.evidence.iter().find(|e| e.key == "key_manager").map(|e| e.value.as_str()).unwrap_or("");
        assert!(why.contains("kms:DescribeKey") && why.contains("AccessDeniedException"), "{why}");
        let r = &a.results[0];
        assert!(matches!(r.evaluation, crate::rules::Evaluation::Partial { .. }), "{:?}", r.evaluation);
        assert!(r.gaps().iter().any(|g| g.permissions.contains(&"kms:DescribeKey".to_owned())));
    }

    #[test]
    fn wildcard_filters() {
        assert!(filter_matches("*", "payments/api"));
        assert!(filter_matches("payments/*", "payments/api"));
        assert!(!filter_matches("payments/*", "ledger/worker"));
        assert!(filter_matches("*api", "payments/api"));
        assert!(filter_matches("pay*/a*i", "payments/api"));
        assert!(!filter_matches("pay*/x*", "payments/api"));
        assert!(!filter_matches("a*a", "a"));
        // Without a wildcard a filter matches names that contain it.
        assert!(filter_matches("pay", "team/payments"));
        assert!(!filter_matches("ledger", "payments/api"));
        assert!(!filter_matches("", "payments/api"));
    }
}
