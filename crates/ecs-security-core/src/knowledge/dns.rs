//! DNS resolvers: the Amazon-provided VPC resolver addresses and the well-known public
//! resolvers. A container that sends its queries to a public resolver bypasses the VPC
//! resolver (Route 53 Resolver), and with it DNS Firewall, Resolver query logging and
//! private hosted zones.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::Provenance;

const AS_OF: &str = "2026-11-26";

pub const AMAZON_SOURCE: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html (Route 53 Resolver at the VPC base +2, 169.254.169.253 and fd00:ec2::253)",
    as_of: AS_OF,
};

/// Link-local addresses of the Amazon-provided DNS server, reachable from every VPC. (The
/// VPC base +2 address is the same resolver; it depends on the VPC CIDR.)
pub const AMAZON_RESOLVERS: &[&str] = &["169.254.169.253", "fd00:ec2::253"];

/// A public DNS resolver address and who runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicResolver {
    pub address: &'static str,
    pub provider: &'static str,
}

pub const PUBLIC_SOURCE: Provenance = Provenance {
    source: "developers.google.com/speed/public-dns/docs/using; developers.cloudflare.com/1.1.1.1/ip-addresses; quad9.net/service/service-addresses-and-features; OpenDNS (Cisco Umbrella) resolver addresses; adguard-dns.io public DNS servers",
    as_of: AS_OF,
};

pub const PUBLIC_RESOLVERS: &[PublicResolver] = &[
    PublicResolver { address: "8.8.8.8", provider: "Google Public DNS" },
    PublicResolver { address: "8.8.4.4", provider: "Google Public DNS" },
    PublicResolver { address: "2001:4860:4860::8888", provider: "Google Public DNS" },
    PublicResolver { address: "2001:4860:4860::8844", provider: "Google Public DNS" },
    PublicResolver { address: "1.1.1.1", provider: "Cloudflare" },
    PublicResolver { address: "1.0.0.1", provider: "Cloudflare" },
    PublicResolver { address: "1.1.1.2", provider: "Cloudflare (malware blocking)" },
    PublicResolver { address: "1.0.0.2", provider: "Cloudflare (malware blocking)" },
    PublicResolver { address: "1.1.1.3", provider: "Cloudflare (family)" },
    PublicResolver { address: "1.0.0.3", provider: "Cloudflare (family)" },
    PublicResolver { address: "2606:4700:4700::1111", provider: "Cloudflare" },
    PublicResolver { address: "2606:4700:4700::1001", provider: "Cloudflare" },
    PublicResolver { address: "9.9.9.9", provider: "Quad9" },
    PublicResolver { address: "149.112.112.112", provider: "Quad9" },
    PublicResolver { address: "9.9.9.10", provider: "Quad9 (unsecured)" },
    PublicResolver { address: "9.9.9.11", provider: "Quad9 (ECS)" },
    PublicResolver { address: "2620:fe::fe", provider: "Quad9" },
    PublicResolver { address: "2620:fe::9", provider: "Quad9" },
    PublicResolver { address: "208.67.222.222", provider: "OpenDNS" },
    PublicResolver { address: "208.67.220.220", provider: "OpenDNS" },
    PublicResolver { address: "208.67.222.123", provider: "OpenDNS FamilyShield" },
    PublicResolver { address: "208.67.220.123", provider: "OpenDNS FamilyShield" },
    PublicResolver { address: "2620:119:35::35", provider: "OpenDNS" },
    PublicResolver { address: "2620:119:53::53", provider: "OpenDNS" },
    PublicResolver { address: "94.140.14.14", provider: "AdGuard DNS" },
    PublicResolver { address: "94.140.15.15", provider: "AdGuard DNS" },
    PublicResolver { address: "4.2.2.1", provider: "Level 3 (Lumen)" },
    PublicResolver { address: "4.2.2.2", provider: "Level 3 (Lumen)" },
];

/// What a `dnsServers` entry points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolver {
    /// The Amazon-provided VPC resolver: no bypass.
    Amazon,
    /// A well-known public resolver.
    KnownPublic(&'static str),
    /// Another internet-routable address: a resolver outside the VPC.
    Public,
    /// A private, link-local or loopback address: a resolver inside the network.
    Private,
    /// Not an IP address.
    Unparseable,
}

fn same(a: IpAddr, listed: &str) -> bool {
    listed.parse::<IpAddr>().is_ok_and(|l| l == a)
}

fn private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        // 100.64.0.0/10, carrier-grade NAT shared space (RFC 6598)
        || (a == 100 && (64..128).contains(&b))
}

fn private_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return private_v4(v4);
    }
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        // fc00::/7 unique local, fe80::/10 link-local
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
}

/// Classifies one `dnsServers` entry.
pub fn classify(server: &str) -> Resolver {
    let Ok(ip) = server.trim().parse::<IpAddr>() else {
        return Resolver::Unparseable;
    };
    if AMAZON_RESOLVERS.iter().any(|a| same(ip, a)) {
        return Resolver::Amazon;
    }
    if let Some(r) = PUBLIC_RESOLVERS.iter().find(|r| same(ip, r.address)) {
        return Resolver::KnownPublic(r.provider);
    }
    let private = match ip {
        IpAddr::V4(v4) => private_v4(v4),
        IpAddr::V6(v6) => private_v6(v6),
    };
    if private { Resolver::Private } else { Resolver::Public }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_resolvers() {
        assert_eq!(classify("8.8.8.8"), Resolver::KnownPublic("Google Public DNS"));
        assert_eq!(classify("2001:4860:4860:0:0:0:0:8888"), Resolver::KnownPublic("Google Public DNS"));
        assert_eq!(classify("169.254.169.253"), Resolver::Amazon);
        assert_eq!(classify("FD00:EC2::253"), Resolver::Amazon);
        assert_eq!(classify("10.0.0.2"), Resolver::Private);
        assert_eq!(classify("100.100.1.1"), Resolver::Private);
        assert_eq!(classify("fd12::53"), Resolver::Private);
        assert_eq!(classify("203.0.113.53"), Resolver::Public);
        assert_eq!(classify("dns.example.com"), Resolver::Unparseable);
    }

    #[test]
    fn table_addresses_parse() {
        for r in PUBLIC_RESOLVERS {
            assert!(r.address.parse::<IpAddr>().is_ok(), "{}", r.address);
        }
        for a in AMAZON_RESOLVERS {
            assert!(a.parse::<IpAddr>().is_ok(), "{a}");
        }
    }
}
