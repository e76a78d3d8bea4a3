//! Which images a container actually runs: the digests its tasks report, else the task
//! definition's reference, looked up in the repository listing.

use super::{image_of, repository_of};
use crate::model::{ContainerCtx, Image, ImageRef, Repository, Snapshot};

/// The repository's image for a reference: by digest, else by tag (`latest` when the
/// reference has neither).
fn listed_image<'a>(repo: &'a Repository, img: &ImageRef) -> Option<&'a Image> {
    match (&img.digest, img.effective_tag()) {
        (Some(d), _) => repo.images.iter().find(|i| i.image_digest.as_deref() == Some(d.as_str())),
        (None, Some(tag)) => repo.images.iter().find(|i| i.image_tags.iter().any(|t| t == tag)),
        (None, None) => None,
    }
}

/// An image a container actually runs, as far as the snapshot tells.
pub(super) struct Running<'a> {
    /// The digest the tasks report, or the task definition's digest or tag.
    pub(super) reference: String,
    /// Where the reference comes from.
    pub(super) source: &'static str,
    /// The image in the repository listing, if it is there.
    pub(super) image: Option<&'a Image>,
}

/// The images a container runs: the digests its tasks report (tasks of the same revision,
/// service and container name that have not stopped), else the task definition's reference.
fn running_images<'a>(
    snap: &'a Snapshot,
    c: &ContainerCtx<'_>,
    img: &ImageRef,
    repo: &'a Repository,
) -> Vec<Running<'a>> {
    let td = c.workload.task_definition;
    let mut digests: Vec<&str> = Vec::new();
    for t in &snap.tasks {
        if t.task_definition_arn != td.task_definition_arn
            || t.last_status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("STOPPED"))
        {
            continue;
        }
        let same_owner = match c.workload.service {
            Some(s) => t.service_name() == Some(s.service_name.as_str()),
            None => t.service_name().is_none_or(|n| snap.service(n).is_none()),
        };
        if !same_owner {
            continue;
        }
        for tc in &t.containers {
            if tc.name != c.container.name {
                continue;
            }
            if let Some(d) = tc.image_digest.as_deref().map(str::trim)
                && !d.is_empty()
                && !digests.contains(&d)
            {
                digests.push(d);
            }
        }
    }
    if digests.is_empty() {
        let reference = img.digest.clone().or_else(|| img.effective_tag().map(str::to_owned)).unwrap_or_default();
        return vec![Running { reference, source: "task definition", image: listed_image(repo, img) }];
    }
    digests
        .into_iter()
        .map(|d| Running {
            reference: d.to_owned(),
            source: "running tasks",
            image: repo.images.iter().find(|i| i.image_digest.as_deref() == Some(d)),
        })
        .collect()
}

/// A container with a private ECR image whose repository the snapshot holds, with the
/// images it runs.
pub(super) struct EcrContainer<'a> {
    pub(super) c: ContainerCtx<'a>,
    pub(super) img: ImageRef,
    pub(super) repo: &'a Repository,
    pub(super) running: Vec<Running<'a>>,
}

pub(super) fn ecr_containers(snap: &Snapshot) -> Vec<EcrContainer<'_>> {
    let mut out = Vec::new();
    for c in snap.containers() {
        let Some(img) = image_of(&c).filter(ImageRef::is_private_ecr) else {
            continue;
        };
        let Some(repo) = repository_of(snap, &img) else {
            continue;
        };
        let running = running_images(snap, &c, &img, repo);
        out.push(EcrContainer { c, img, repo, running });
    }
    out
}

/// Text for a running reference: a short digest or the tag.
pub(super) fn shown_reference(r: &Running<'_>) -> String {
    if r.reference.starts_with("sha256:") { short_digest(&r.reference).to_owned() } else { r.reference.clone() }
}

/// `sha256:0123456789ab` (the first 12 hex digits), for messages.
fn short_digest(d: &str) -> &str {
    let end = d.find(':').map_or(0, |i| i + 1) + 12;
    d.get(..end).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_digests() {
        assert_eq!(short_digest("sha256:9b2f0c4e1a7d3b6c8e0f2a4c6e8b0d2f"), "sha256:9b2f0c4e1a7d");
        assert_eq!(short_digest("sha256:abc"), "sha256:abc");
    }
}
