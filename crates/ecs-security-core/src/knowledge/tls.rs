//! Elastic Load Balancing TLS security policies: the lowest protocol version each predefined
//! policy accepts and whether it still offers legacy cipher suites.
//!
//! ALB and NLB do not support custom policies, so a policy name fixes the configuration. The
//! facts below come from the "Protocols by policy" and "Ciphers by policy" tables of the ELB
//! guides. Two kinds of TLS 1.2 suite count as legacy: CBC suites with SHA-1 MACs
//! (`ECDHE-RSA-AES128-SHA`, `AES256-SHA`, …) and RSA key-transport suites without an ECDHE
//! prefix (`AES128-GCM-SHA256`, …), which give no forward secrecy. CBC suites with SHA-256/384
//! MACs and ECDHE key exchange are offered by `ELBSecurityPolicy-TLS13-1-2-2021-06` and are
//! not counted.
//!
//! Security Hub ELB.17 is stricter than "TLS 1.2 with modern suites": it passes only the eight
//! policies in [`SECURITY_HUB_ELB_17`]. `ELBSecurityPolicy-TLS13-1-2-2021-06` (the former
//! console default) and `…TLS13-1-2-FIPS-2023-04` were dropped from that list.
//!
//! A listener created through the API, CLI, CloudFormation or the CDK without a policy gets
//! [`API_DEFAULT_POLICY`] (TLS 1.0); the console default is
//! `ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09`.

use super::Provenance;

/// What a listener with no `SslPolicy` gets when it is created outside the console.
pub const API_DEFAULT_POLICY: &str = "ELBSecurityPolicy-2016-08";

/// The policies Security Hub ELB.17 passes (the control page's `sslPolicies`, not customisable).
pub const SECURITY_HUB_ELB_17: &[&str] = &[
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
];

/// Where [`SECURITY_HUB_ELB_17`] comes from.
pub const SECURITY_HUB_ELB_17_SOURCE: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-17 (sslPolicies); docs/research/securityhub-controls.md §2",
    as_of: "2026-08-21",
};

/// The predefined policy Security Hub ELB.8 passes on Classic Load Balancer HTTPS/SSL
/// listeners (`predefinedPolicyName`, not customisable; Classic Load Balancers have no TLS 1.3
/// policies, so the ELB.17 list does not apply to them).
pub const SECURITY_HUB_ELB_8: &str = "ELBSecurityPolicy-TLS-1-2-2017-01";

/// Whether Security Hub ELB.17 accepts this policy name (ASCII case-insensitive).
pub fn security_hub_recommended(name: &str) -> bool {
    SECURITY_HUB_ELB_17.iter().any(|p| p.eq_ignore_ascii_case(name.trim()))
}

/// How a policy rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TlsClass {
    /// Accepts TLS 1.0 or TLS 1.1 (both deprecated by RFC 8996).
    AllowsTls10Or11,
    /// TLS 1.2 minimum, but offers SHA-1 CBC or RSA key-transport suites.
    Tls12LegacyCiphers,
    /// TLS 1.2 minimum with forward-secret, SHA-2 suites only (plus TLS 1.3).
    Tls12Modern,
    /// TLS 1.3 only.
    Tls13Only,
}

impl TlsClass {
    pub fn label(self) -> &'static str {
        match self {
            TlsClass::AllowsTls10Or11 => "allows TLS 1.0/1.1",
            TlsClass::Tls12LegacyCiphers => "TLS 1.2 minimum with legacy cipher suites",
            TlsClass::Tls12Modern => "TLS 1.2 minimum, modern cipher suites",
            TlsClass::Tls13Only => "TLS 1.3 only",
        }
    }
}

/// The lowest TLS version a policy accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MinTls {
    V1_0,
    V1_1,
    V1_2,
    V1_3,
}

impl MinTls {
    pub fn label(self) -> &'static str {
        match self {
            MinTls::V1_0 => "TLSv1.0",
            MinTls::V1_1 => "TLSv1.1",
            MinTls::V1_2 => "TLSv1.2",
            MinTls::V1_3 => "TLSv1.3",
        }
    }
}

/// One predefined ELB security policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElbTlsPolicy {
    pub name: &'static str,
    pub min_tls: MinTls,
    /// Offers CBC suites with SHA-1 MACs (or 3DES).
    pub sha1_suites: bool,
    /// Offers RSA key-transport suites (no forward secrecy).
    pub rsa_key_transport: bool,
    /// Offers hybrid post-quantum ML-KEM key exchange (the `PQ` policies).
    pub post_quantum: bool,
    /// Uses the FIPS 140 validated module (the `FIPS` policies).
    pub fips: bool,
    pub provenance: Provenance,
}

impl ElbTlsPolicy {
    pub fn class(&self) -> TlsClass {
        match self.min_tls {
            MinTls::V1_0 | MinTls::V1_1 => TlsClass::AllowsTls10Or11,
            MinTls::V1_3 => TlsClass::Tls13Only,
            MinTls::V1_2 if self.sha1_suites || self.rsa_key_transport => TlsClass::Tls12LegacyCiphers,
            MinTls::V1_2 => TlsClass::Tls12Modern,
        }
    }

    /// What makes the policy's TLS 1.2 suites legacy, for messages.
    pub fn legacy_suites(&self) -> Option<&'static str> {
        match (self.sha1_suites, self.rsa_key_transport) {
            (true, true) => Some("SHA-1 CBC suites and RSA key-transport suites without forward secrecy"),
            (true, false) => Some("SHA-1 CBC suites"),
            (false, true) => Some("RSA key-transport suites without forward secrecy"),
            (false, false) => None,
        }
    }
}

const ALB_POLICIES: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html (TLS, FIPS and FS policy tables); research/peer-checks.md §2.4 and §6.4",
    as_of: "2026-11-26",
};

const NLB_POLICIES: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html",
    as_of: "2026-11-26",
};

const PQ_POLICIES: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html (PQ policies: the 2021-06/2023-04 cipher lists plus SecP256r1MLKEM768, SecP384r1MLKEM1024 and X25519MLKEM768 key exchange); research/peer-checks.md §2.4",
    as_of: "2026-11-26",
};

const RFC9151_POLICIES: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html (RFC 9151 / CNSA 1.0 policies: protocol and RSA key-transport columns; RFC 9151 suites use AES-256-GCM with SHA-384)",
    as_of: "2026-11-26",
};

const CLB_POLICIES: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-security-policy-table.html (Classic Load Balancer predefined policies; all accept TLS 1.0)",
    as_of: "2026-11-26",
};

const fn p(
    name: &'static str,
    min_tls: MinTls,
    sha1_suites: bool,
    rsa_key_transport: bool,
    provenance: Provenance,
) -> ElbTlsPolicy {
    let bytes = name.as_bytes();
    ElbTlsPolicy {
        name,
        min_tls,
        sha1_suites,
        rsa_key_transport,
        post_quantum: contains(bytes, b"-PQ-"),
        fips: contains(bytes, b"-FIPS-"),
        provenance,
    }
}

const fn contains(hay: &[u8], needle: &[u8]) -> bool {
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        let mut j = 0;
        while j < needle.len() && hay[i + j] == needle[j] {
            j += 1;
        }
        if j == needle.len() {
            return true;
        }
        i += 1;
    }
    false
}

use MinTls::{V1_0, V1_1, V1_2, V1_3};

/// Every predefined policy we can classify.
pub const POLICIES: &[ElbTlsPolicy] = &[
    // The API/CLI/CloudFormation default, and its identical predecessor.
    p("ELBSecurityPolicy-2016-08", V1_0, true, true, ALB_POLICIES),
    p("ELBSecurityPolicy-2015-05", V1_0, true, true, NLB_POLICIES),
    // TLS-1-x policies (2015-04 also offers DES-CBC3-SHA).
    p("ELBSecurityPolicy-TLS-1-0-2015-04", V1_0, true, true, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS-1-1-2017-01", V1_1, true, true, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS-1-2-2017-01", V1_2, false, true, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS-1-2-Ext-2018-06", V1_2, true, true, ALB_POLICIES),
    // Forward-secrecy policies.
    p("ELBSecurityPolicy-FS-2018-06", V1_0, true, false, ALB_POLICIES),
    p("ELBSecurityPolicy-FS-1-1-2019-08", V1_1, true, false, ALB_POLICIES),
    p("ELBSecurityPolicy-FS-1-2-2019-08", V1_2, true, false, ALB_POLICIES),
    p("ELBSecurityPolicy-FS-1-2-Res-2019-08", V1_2, false, false, ALB_POLICIES),
    p("ELBSecurityPolicy-FS-1-2-Res-2020-10", V1_2, false, false, ALB_POLICIES),
    // TLS 1.3 policies (2021-06).
    p("ELBSecurityPolicy-TLS13-1-3-2021-06", V1_3, false, false, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-2021-06", V1_2, false, false, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Res-2021-06", V1_2, false, false, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", V1_2, false, true, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", V1_2, true, true, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-1-2021-06", V1_1, true, true, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-0-2021-06", V1_0, true, true, ALB_POLICIES),
    // Post-quantum hybrid policies (2025-09).
    p("ELBSecurityPolicy-TLS13-1-3-PQ-2025-09", V1_3, false, false, PQ_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-PQ-2025-09", V1_2, false, false, PQ_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", V1_2, false, false, PQ_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09", V1_2, false, true, PQ_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09", V1_2, true, true, PQ_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-0-PQ-2025-09", V1_0, true, true, PQ_POLICIES),
    // FIPS policies (2023-04).
    p("ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", V1_3, false, false, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", V1_2, false, false, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04", V1_2, false, false, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04", V1_2, true, false, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04", V1_2, false, true, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04", V1_2, true, true, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04", V1_1, true, true, ALB_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04", V1_0, true, true, ALB_POLICIES),
    // FIPS post-quantum hybrid policies (2025-09).
    p("ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09", V1_3, false, false, PQ_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09", V1_2, false, false, PQ_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09", V1_2, false, false, PQ_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09", V1_2, true, false, PQ_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09", V1_2, false, true, PQ_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09", V1_2, true, true, PQ_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-0-FIPS-PQ-2025-09", V1_0, true, true, PQ_POLICIES),
    // RFC 9151 (CNSA 1.0) policies (2023-07).
    p("ELBSecurityPolicy-TLS13-1-3-RFC9151-FIPS-2023-07", V1_3, false, false, RFC9151_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-RFC9151-FIPS-2023-07", V1_2, false, false, RFC9151_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-Ext0-RFC9151-FIPS-2023-07", V1_2, false, true, RFC9151_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP1-FIPS-2023-07", V1_2, false, false, RFC9151_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP2-FIPS-2023-07", V1_2, false, false, RFC9151_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP3-FIPS-2023-07", V1_2, false, false, RFC9151_POLICIES),
    p("ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP4-FIPS-2023-07", V1_2, false, true, RFC9151_POLICIES),
    // Classic Load Balancer predefined policies (for completeness; all accept TLS 1.0).
    p("ELBSecurityPolicy-2015-03", V1_0, true, true, CLB_POLICIES),
    p("ELBSecurityPolicy-2015-02", V1_0, true, true, CLB_POLICIES),
    p("ELBSecurityPolicy-2014-10", V1_0, true, true, CLB_POLICIES),
    p("ELBSecurityPolicy-2014-01", V1_0, true, true, CLB_POLICIES),
    p("ELBSecurityPolicy-2011-08", V1_0, true, true, CLB_POLICIES),
    p("ELBSample-ELBDefaultCipherPolicy", V1_0, true, true, CLB_POLICIES),
    p("ELBSample-OpenSSLDefaultCipherPolicy", V1_0, true, true, CLB_POLICIES),
];

/// The policy with this name (ASCII case-insensitive), if we know it.
pub fn lookup(name: &str) -> Option<&'static ElbTlsPolicy> {
    let name = name.trim();
    POLICIES.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut names: Vec<String> = POLICIES.iter().map(|p| p.name.to_lowercase()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), POLICIES.len());
    }

    #[test]
    fn classes_match_the_research() {
        let class = |n: &str| lookup(n).map(|p| p.class());
        for outdated in [
            "ELBSecurityPolicy-2016-08",
            "ELBSecurityPolicy-2015-05",
            "ELBSecurityPolicy-TLS-1-0-2015-04",
            "ELBSecurityPolicy-TLS-1-1-2017-01",
            "ELBSecurityPolicy-FS-2018-06",
            "ELBSecurityPolicy-FS-1-1-2019-08",
            "ELBSecurityPolicy-TLS13-1-0-2021-06",
            "ELBSecurityPolicy-TLS13-1-1-2021-06",
        ] {
            assert_eq!(class(outdated), Some(TlsClass::AllowsTls10Or11), "{outdated}");
        }
        for legacy in [
            "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
            "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
            "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
        ] {
            assert_eq!(class(legacy), Some(TlsClass::Tls12LegacyCiphers), "{legacy}");
        }
        assert_eq!(class("ELBSecurityPolicy-TLS13-1-2-2021-06"), Some(TlsClass::Tls12Modern));
        assert_eq!(class("elbsecuritypolicy-tls13-1-2-res-pq-2025-09"), Some(TlsClass::Tls12Modern));
        assert_eq!(class("ELBSecurityPolicy-TLS13-1-3-2021-06"), Some(TlsClass::Tls13Only));
        assert_eq!(class("ELBSecurityPolicy-Made-Up"), None);
        assert_eq!(class(API_DEFAULT_POLICY), Some(TlsClass::AllowsTls10Or11));
    }

    #[test]
    fn security_hub_elb_17_list() {
        assert_eq!(SECURITY_HUB_ELB_17.len(), 8);
        for name in SECURITY_HUB_ELB_17 {
            let p = lookup(name).expect("every ELB.17 policy is classified");
            assert!(p.class() >= TlsClass::Tls12Modern, "{name}");
        }
        assert!(!security_hub_recommended("ELBSecurityPolicy-TLS13-1-2-2021-06"));
        assert!(!security_hub_recommended("ELBSecurityPolicy-FS-1-2-Res-2020-10"));
        assert!(!security_hub_recommended("ELBSecurityPolicy-TLS13-1-2-PQ-2025-09"));
        assert!(security_hub_recommended("elbsecuritypolicy-tls13-1-2-res-pq-2025-09"));
    }

    #[test]
    fn flags_come_from_the_name() {
        let pq = lookup("ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09").expect("listed");
        assert!(pq.post_quantum && pq.fips);
        let plain = lookup("ELBSecurityPolicy-TLS13-1-2-2021-06").expect("listed");
        assert!(!plain.post_quantum && !plain.fips);
    }
}
