//! ECR: the repositories the cluster's images come from, their policies and tags, the scan
//! results of the exact tags and digests in use, and the registry scanning configuration.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ecr::types::ImageIdentifier;
use futures::future::join_all;

use super::calls::{CallError, Ctx};
use super::from_ecr;
use crate::model::{self as m, ImageRef};

/// One repository the cluster pulls from, and the references pulled.
#[derive(Debug, Default)]
struct Wanted {
    tags: BTreeSet<String>,
    digests: BTreeSet<String>,
}

/// (region, registry account, repository) of every private-ECR image in use.
fn wanted(tds: &[m::TaskDefinition], tasks: &[m::Task]) -> BTreeMap<(String, String, String), Wanted> {
    let mut out: BTreeMap<(String, String, String), Wanted> = BTreeMap::new();
    let images = tds
        .iter()
        .flat_map(|t| t.container_definitions.iter().filter_map(|c| c.image.clone()))
        .chain(tasks.iter().flat_map(|t| t.containers.iter().filter_map(|c| c.image.clone())));
    for image in images {
        let Some(r) = ImageRef::parse(&image) else {
            continue;
        };
        let (Some(region), Some(account)) = (r.ecr_region(), r.ecr_account()) else {
            continue;
        };
        let w = out.entry((region.to_owned(), account.to_owned(), r.repository.clone())).or_default();
        if let Some(d) = &r.digest {
            w.digests.insert(d.clone());
        } else if let Some(t) = r.effective_tag() {
            w.tags.insert(t.to_owned());
        }
    }
    // The digests tasks actually run.
    for t in tasks {
        for c in &t.containers {
            let (Some(image), Some(digest)) = (c.image.as_deref(), c.image_digest.as_deref()) else {
                continue;
            };
            let Some(r) = ImageRef::parse(image) else {
                continue;
            };
            let (Some(region), Some(account)) = (r.ecr_region(), r.ecr_account()) else {
                continue;
            };
            out.entry((region.to_owned(), account.to_owned(), r.repository.clone()))
                .or_default()
                .digests
                .insert(digest.to_owned());
        }
    }
    out
}

pub async fn ecr(ctx: &Ctx, tds: &[m::TaskDefinition], tasks: &[m::Task], own_account: Option<&str>) -> m::Ecr {
    let wanted = wanted(tds, tasks);
    let mut registries: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (region, account, repo) in wanted.keys() {
        registries.entry((region.clone(), account.clone())).or_default().push(repo.clone());
    }
    let calls = registries.iter().map(|((region, account), repos)| {
        let client = if *region == ctx.region { ctx.clients.ecr.clone() } else { ctx.clients.ecr_in(region) };
        let wanted = &wanted;
        async move { repositories(ctx, &client, region, account, repos, wanted).await }
    });
    let mut repositories: Vec<m::Repository> = join_all(calls).await.into_iter().flatten().collect();
    repositories.sort_by(|a, b| a.repository_arn.cmp(&b.repository_arn));
    super::kms::ecr_key_managers(ctx, &mut repositories).await;

    let registry_scanning_configuration = if ctx.quick() {
        ctx.skipped("ecr", "GetRegistryScanningConfiguration");
        None
    } else if registries.keys().any(|(r, a)| *r == ctx.region && own_account.is_none_or(|o| o == a)) {
        let req = ctx.clients.ecr.get_registry_scanning_configuration().send();
        ctx.call("ecr", "GetRegistryScanningConfiguration", None, req)
            .await
            .and_then(|o| o.scanning_configuration().map(from_ecr::registry_scanning))
    } else {
        None
    };
    m::Ecr { repositories, registry_scanning_configuration }
}

async fn repositories(
    ctx: &Ctx,
    client: &aws_sdk_ecr::Client,
    region: &str,
    account: &str,
    names: &[String],
    wanted: &BTreeMap<(String, String, String), Wanted>,
) -> Vec<m::Repository> {
    let mut found: Vec<m::Repository> = Vec::new();
    for chunk in names.chunks(100) {
        let req = client.describe_repositories().registry_id(account).set_repository_names(Some(chunk.to_vec())).send();
        match ctx.try_call("ecr", "DescribeRepositories", req).await {
            Ok(out) => found.extend(out.repositories().iter().map(from_ecr::repository)),
            // One missing repository fails the batch: ask one by one.
            Err(e) if e.code == "RepositoryNotFoundException" && chunk.len() > 1 => {
                for name in chunk {
                    let req = client.describe_repositories().registry_id(account).repository_names(name).send();
                    match ctx.try_call("ecr", "DescribeRepositories", req).await {
                        Ok(out) => found.extend(out.repositories().iter().map(from_ecr::repository)),
                        Err(e) if e.code == "RepositoryNotFoundException" => {}
                        Err(e) => ctx.gap("ecr", "DescribeRepositories", Some(name), e),
                    }
                }
            }
            Err(e) if e.code == "RepositoryNotFoundException" => {}
            Err(e) => ctx.gap("ecr", "DescribeRepositories", None, e),
        }
    }
    if ctx.quick() {
        for op in ["GetLifecyclePolicy", "GetRepositoryPolicy", "DescribeImages"] {
            ctx.skipped("ecr", op);
        }
        return found;
    }
    let fetched = join_all(found.iter().map(|repo| {
        let key = (region.to_owned(), account.to_owned(), repo.repository_name.clone());
        details(ctx, client, account, repo.repository_name.clone(), repo.repository_arn.clone(), wanted.get(&key))
    }))
    .await;
    for (repo, (lifecycle, policy, tags, images)) in found.iter_mut().zip(fetched) {
        repo.lifecycle_policy = lifecycle;
        repo.repository_policy = policy;
        repo.tags = tags;
        repo.images = images;
    }
    found
}

/// A `*NotFoundException` for an optional policy means "none", not a gap.
fn optional<T>(ctx: &Ctx, operation: &str, resource: &str, r: Result<T, CallError>, absent: &str) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) if e.code == absent => None,
        Err(e) => {
            ctx.gap("ecr", operation, Some(resource), e);
            None
        }
    }
}

async fn details(
    ctx: &Ctx,
    client: &aws_sdk_ecr::Client,
    account: &str,
    name: String,
    arn: String,
    wanted: Option<&Wanted>,
) -> (Option<String>, Option<String>, Vec<m::Tag>, Vec<m::Image>) {
    let lifecycle = async {
        let req = client.get_lifecycle_policy().registry_id(account).repository_name(&name).send();
        let r = ctx.try_call("ecr", "GetLifecyclePolicy", req).await;
        optional(ctx, "GetLifecyclePolicy", &arn, r, "LifecyclePolicyNotFoundException")
            .and_then(|o| o.lifecycle_policy_text().map(str::to_owned))
    };
    let policy = async {
        let req = client.get_repository_policy().registry_id(account).repository_name(&name).send();
        let r = ctx.try_call("ecr", "GetRepositoryPolicy", req).await;
        optional(ctx, "GetRepositoryPolicy", &arn, r, "RepositoryPolicyNotFoundException")
            .and_then(|o| o.policy_text().map(str::to_owned))
    };
    let tags = async {
        let req = client.list_tags_for_resource().resource_arn(&arn).send();
        ctx.call("ecr", "ListTagsForResource", Some(&arn), req)
            .await
            .map(|o| o.tags().iter().map(|t| m::Tag { key: t.key().to_owned(), value: t.value().to_owned() }).collect())
            .unwrap_or_default()
    };
    let images = images(ctx, client, account, &name, &arn, wanted);
    tokio::join!(lifecycle, policy, tags, images)
}

async fn images(
    ctx: &Ctx,
    client: &aws_sdk_ecr::Client,
    account: &str,
    name: &str,
    arn: &str,
    wanted: Option<&Wanted>,
) -> Vec<m::Image> {
    let Some(w) = wanted else { return Vec::new() };
    let ids: Vec<ImageIdentifier> = w
        .digests
        .iter()
        .map(|d| ImageIdentifier::builder().image_digest(d).build())
        .chain(w.tags.iter().map(|t| ImageIdentifier::builder().image_tag(t).build()))
        .collect();
    if ids.is_empty() {
        return Vec::new();
    }
    let mut details = Vec::new();
    for chunk in ids.chunks(100) {
        let req = client
            .describe_images()
            .registry_id(account)
            .repository_name(name)
            .set_image_ids(Some(chunk.to_vec()))
            .send();
        match ctx.try_call("ecr", "DescribeImages", req).await {
            Ok(out) => details.extend(out.image_details().iter().map(from_ecr::image)),
            // One missing tag fails the batch: ask one by one, skipping images that are gone.
            Err(e) if e.code == "ImageNotFoundException" => {
                for id in chunk {
                    let req = client
                        .describe_images()
                        .registry_id(account)
                        .repository_name(name)
                        .image_ids(id.clone())
                        .send();
                    match ctx.try_call("ecr", "DescribeImages", req).await {
                        Ok(out) => details.extend(out.image_details().iter().map(from_ecr::image)),
                        Err(e) if e.code == "ImageNotFoundException" => {}
                        Err(e) => ctx.gap("ecr", "DescribeImages", Some(arn), e),
                    }
                }
            }
            Err(e) => ctx.gap("ecr", "DescribeImages", Some(arn), e),
        }
    }
    details.sort_by(|a, b| a.image_digest.cmp(&b.image_digest));
    details.dedup_by(|a, b| a.image_digest == b.image_digest);
    // DescribeImages carries a findings summary for basic scans; ask for the findings where
    // it does not (and the scan status says there are some to read).
    for image in &mut details {
        if image.image_scan_findings_summary.is_some() {
            continue;
        }
        let Some(digest) = image.image_digest.clone() else {
            continue;
        };
        let req = client
            .describe_image_scan_findings()
            .registry_id(account)
            .repository_name(name)
            .image_id(ImageIdentifier::builder().image_digest(&digest).build())
            .max_results(100)
            .send();
        match ctx.try_call("ecr", "DescribeImageScanFindings", req).await {
            Ok(out) => {
                if let Some(status) = out.image_scan_status() {
                    image.image_scan_status = Some(m::ImageScanStatus {
                        status: status.status().map(|s| s.as_str().to_owned()),
                        description: status.description().map(str::to_owned),
                    });
                }
                if let Some(f) = out.image_scan_findings() {
                    image.image_scan_findings_summary = Some(from_ecr::scan_summary(f));
                }
            }
            // Never scanned: the image-not-scanned rule reports it.
            Err(e) if e.code == "ScanNotFoundException" => {}
            Err(e) => ctx.gap("ecr", "DescribeImageScanFindings", Some(arn), e),
        }
    }
    details
}
