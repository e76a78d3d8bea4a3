//! EC2 instance families that AWS classes as previous generation, with a current family to
//! move to.
//!
//! Two groups: the previous-generation families AWS still supports (listed in the EC2
//! Instance Types guide) and older families that are retired and can no longer be launched
//! (listed on the Previous Generation Instances page). Families the guide lists as current
//! (T2, M5, X1, X1e, D2, H1, I3, F1, …) are deliberately absent. Container instances report
//! their type in the `ecs.instance-type` attribute (`m4.large`).

use super::Provenance;

/// A previous-generation EC2 instance family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreviousGenerationFamily {
    /// The family as it appears before the dot in an instance type (`m4` in `m4.large`).
    pub family: &'static str,
    /// Current families to migrate to.
    pub upgrade: &'static str,
    /// Retired: AWS no longer launches this family at all.
    pub retired: bool,
    pub provenance: Provenance,
}

const SUPPORTED: Provenance = Provenance {
    source: "Amazon EC2 Instance Types guide, Previous generation instances (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html#previous-gen-instances)",
    as_of: "2026-11-26",
};

const RETIRED: Provenance =
    Provenance { source: "https://aws.amazon.com/ec2/previous-generation/", as_of: "2026-11-26" };

const fn supported(family: &'static str, upgrade: &'static str) -> PreviousGenerationFamily {
    PreviousGenerationFamily { family, upgrade, retired: false, provenance: SUPPORTED }
}

const fn retired(family: &'static str, upgrade: &'static str) -> PreviousGenerationFamily {
    PreviousGenerationFamily { family, upgrade, retired: true, provenance: RETIRED }
}

/// Every previous-generation family we know of.
pub const PREVIOUS_GENERATION: &[PreviousGenerationFamily] = &[
    // General purpose
    supported("a1", "m7g or m8g"),
    supported("m1", "m7i or m7g"),
    supported("m2", "r7i or r7g"),
    supported("m3", "m7i or m7g"),
    supported("m4", "m7i or m7g"),
    supported("t1", "t3 or t4g"),
    // Compute optimized
    supported("c1", "c7i or c7g"),
    supported("c3", "c7i or c7g"),
    supported("c4", "c7i or c7g"),
    // Memory optimized
    supported("r3", "r7i or r7g"),
    supported("r4", "r7i or r7g"),
    // Storage optimized
    supported("i2", "i4i or i7ie"),
    // Accelerated computing
    supported("g3", "g6 or g5"),
    supported("g3s", "g6 or g5"),
    supported("p3", "p5 or p4d"),
    supported("p3dn", "p5 or p4d"),
    // Retired families
    retired("cc1", "c7i or c7g"),
    retired("cc2", "c7i or c7g"),
    retired("cg1", "g6 or g5"),
    retired("cr1", "r7i or r7g"),
    retired("g2", "g6 or g5"),
    retired("hi1", "i4i"),
    retired("hs1", "d3"),
    retired("p2", "p5 or g6"),
];

/// The family part of an instance type: `m4.large` → `m4`. `None` when there is no size.
pub fn family_of(instance_type: &str) -> Option<String> {
    let (family, size) = instance_type.trim().split_once('.')?;
    if family.is_empty() || size.is_empty() {
        return None;
    }
    Some(family.to_ascii_lowercase())
}

/// The previous-generation entry for an instance type, if its family is one.
pub fn previous_generation(instance_type: &str) -> Option<&'static PreviousGenerationFamily> {
    let family = family_of(instance_type)?;
    PREVIOUS_GENERATION.iter().find(|f| f.family == family)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_generation_families() {
        for t in
            ["m4.large", "M3.medium", "c4.2xlarge", "t1.micro", "r4.xlarge", "p3dn.24xlarge", "g3s.xlarge", "a1.metal"]
        {
            assert!(previous_generation(t).is_some(), "{t}");
        }
    }

    #[test]
    fn current_families_are_not_flagged() {
        for t in [
            "t2.medium",
            "t3.large",
            "t3a.small",
            "t4g.micro",
            "m5.large",
            "m5d.xlarge",
            "m7g.large",
            "c5.xlarge",
            "r5.large",
            "x1.16xlarge",
            "x1e.xlarge",
            "d2.xlarge",
            "i3.large",
            "f1.2xlarge",
            "g4dn.xlarge",
            "p4d.24xlarge",
            "mac1.metal",
        ] {
            assert!(previous_generation(t).is_none(), "{t}");
        }
    }

    #[test]
    fn family_parsing() {
        assert_eq!(family_of("m4.large").as_deref(), Some("m4"));
        assert_eq!(family_of(" P3dn.24xlarge ").as_deref(), Some("p3dn"));
        assert_eq!(family_of("m4"), None);
        assert_eq!(family_of(""), None);
        assert_eq!(family_of(".large"), None);
    }

    #[test]
    fn families_are_unique_and_lowercase() {
        for (i, f) in PREVIOUS_GENERATION.iter().enumerate() {
            assert_eq!(f.family, f.family.to_ascii_lowercase());
            assert!(PREVIOUS_GENERATION[i + 1..].iter().all(|g| g.family != f.family), "{} twice", f.family);
        }
    }
}
