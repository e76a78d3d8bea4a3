//! Container image references: `registry/repository:tag@digest`.

use serde::Serialize;

/// A parsed container image reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageRef {
    /// The registry host, `None` for Docker Hub short names (`nginx:1.25`).
    pub registry: Option<String>,
    /// The repository path inside the registry (`library/nginx` is given as `nginx`).
    pub repository: String,
    pub tag: Option<String>,
    /// `sha256:…` when the reference pins a digest.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses an image reference. Returns `None` for an empty or blank string.
    pub fn parse(image: &str) -> Option<ImageRef> {
        let image = image.trim();
        if image.is_empty() {
            return None;
        }
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d.to_owned())),
            None => (image, None),
        };
        // The first path component is a registry when it looks like a host.
        let (registry, path) = match rest.split_once('/') {
            Some((first, path)) if first.contains('.') || first.contains(':') || first == "localhost" => {
                (Some(first.to_owned()), path)
            }
            _ => (None, rest),
        };
        // A tag is the part after the last ':' of the last path component.
        let last_slash = path.rfind('/').map_or(0, |i| i + 1);
        let (repository, tag) = match path[last_slash..].rfind(':') {
            Some(i) => (&path[..last_slash + i], Some(path[last_slash + i + 1..].to_owned())),
            None => (path, None),
        };
        Some(ImageRef { registry, repository: repository.to_owned(), tag: tag.filter(|t| !t.is_empty()), digest })
    }

    /// Whether the image comes from a private Amazon ECR registry
    /// (`<account>.dkr.ecr.<region>.amazonaws.com`, or the dual-stack
    /// `<account>.dkr-ecr.<region>.on.aws`, each also in its FIPS form).
    pub fn is_private_ecr(&self) -> bool {
        self.ecr_region().is_some()
    }

    /// The region of a private ECR registry host.
    pub fn ecr_region(&self) -> Option<&str> {
        let host = self.registry.as_deref()?;
        let mut parts = host.split('.');
        let account = parts.next()?;
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let service = parts.next()?;
        let (region, suffix) = if service == "dkr" {
            // IPv4: <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]
            let ecr = parts.next()?;
            if ecr != "ecr" && ecr != "ecr-fips" {
                return None;
            }
            let region = parts.next()?;
            (region, host.contains(".amazonaws.com"))
        } else if service == "dkr-ecr" || service == "dkr-ecr-fips" {
            // Dual-stack: <account>.dkr-ecr[-fips].<region>.on.aws
            let region = parts.next()?;
            let rest: Vec<&str> = parts.collect();
            (region, rest == ["on", "aws"])
        } else {
            return None;
        };
        (suffix && !region.is_empty()).then_some(region)
    }

    /// The account that owns a private ECR registry.
    pub fn ecr_account(&self) -> Option<&str> {
        self.is_private_ecr().then(|| self.registry.as_deref()?.split('.').next()).flatten()
    }

    /// Whether the image comes from Amazon ECR Public (`public.ecr.aws`).
    pub fn is_ecr_public(&self) -> bool {
        self.registry.as_deref() == Some("public.ecr.aws")
    }

    /// Whether the reference pins an immutable digest.
    pub fn is_pinned(&self) -> bool {
        self.digest.as_deref().is_some_and(|d| d.starts_with("sha256:"))
    }

    /// The tag, or `latest` when neither tag nor digest is given (Docker's default).
    pub fn effective_tag(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
    }

    /// The image name without registry: the last repository component (`nginx`, `envoy`).
    pub fn name(&self) -> &str {
        self.repository.rsplit('/').next().unwrap_or(&self.repository)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        let r = ImageRef::parse("nginx").unwrap();
        assert_eq!((r.registry, r.repository.as_str(), r.tag), (None, "nginx", None));

        let r = ImageRef::parse("nginx:1.25-alpine").unwrap();
        assert_eq!(r.tag.as_deref(), Some("1.25-alpine"));

        let r = ImageRef::parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:v3").unwrap();
        assert!(r.is_private_ecr());
        assert_eq!(r.ecr_region(), Some("eu-west-1"));
        assert_eq!(r.ecr_account(), Some("123456789012"));
        assert_eq!(r.repository, "team/api");
        assert_eq!(r.tag.as_deref(), Some("v3"));

        let r = ImageRef::parse("localhost:5000/app@sha256:abc").unwrap();
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(r.repository, "app");
        assert!(r.is_pinned());
        assert_eq!(r.effective_tag(), None);

        let r = ImageRef::parse("public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod").unwrap();
        assert!(r.is_ecr_public());
        assert_eq!(r.name(), "aws-appmesh-envoy");
        assert!(ImageRef::parse("  ").is_none());
    }

    #[test]
    fn dual_stack_ecr_hosts_are_ecr() {
        let r = ImageRef::parse("123456789012.dkr-ecr.eu-west-1.on.aws/team/api:v3").unwrap();
        assert!(r.is_private_ecr());
        assert_eq!((r.ecr_region(), r.ecr_account()), (Some("eu-west-1"), Some("123456789012")));
        assert_eq!(r.repository, "team/api");
        let r = ImageRef::parse("123456789012.dkr-ecr-fips.us-gov-west-1.on.aws/api@sha256:0123").unwrap();
        assert_eq!(r.ecr_region(), Some("us-gov-west-1"));
        let r = ImageRef::parse("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/api:1").unwrap();
        assert_eq!(r.ecr_region(), Some("us-east-1"));
        for look_alike in [
            "123456789012.dkr-ecr.eu-west-1.on.aws.example.com/api:1",
            "123456789012.dkr-ecr.eu-west-1.example.aws/api:1",
            "12345.dkr-ecr.eu-west-1.on.aws/api:1",
            "123456789012.ecr.eu-west-1.on.aws/api:1",
        ] {
            assert!(!ImageRef::parse(look_alike).unwrap().is_private_ecr(), "{look_alike}");
        }
    }

    #[test]
    fn digest_of_private_ecr_image_stays_private() {
        let r = ImageRef::parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/api@sha256:0123456789abcdef").unwrap();
        assert!(r.is_private_ecr());
        assert!(!r.is_ecr_public());
    }
}
