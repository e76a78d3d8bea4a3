//! Well-known TCP ports that matter when they are reachable from the internet: remote
//! administration and control-plane ports, database and data-store ports, and the ports on
//! which clients expect TLS.
//!
//! The security-group rules match a port when an ingress rule's protocol is TCP (or all
//! traffic) and its range covers the port. UDP-only services are deliberately not listed.

use super::Provenance;

/// A TCP port and the service usually behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownPort {
    pub port: i64,
    pub service: &'static str,
    pub provenance: Provenance,
}

const SH_EC2: Provenance = Provenance {
    source: "AWS Security Hub EC2.13/EC2.14/EC2.19/EC2.53/EC2.54 (unrestricted access to high-risk ports); Prowler ec2_securitygroup_allow_ingress_from_internet_to_* checks; research/peer-checks.md §2.3",
    as_of: "2026-11-26",
};

const IANA: Provenance = Provenance {
    source: "IANA Service Name and Transport Protocol Port Number Registry (https://www.iana.org/assignments/service-names-port-numbers/)",
    as_of: "2026-11-26",
};

const VENDOR: Provenance =
    Provenance { source: "vendor documentation of each product's default listening port", as_of: "2026-11-26" };

const ECS_AGENT: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-introspection.html; CVE-2025-9039 (GHSA-wm7x-ww72-r77q)",
    as_of: "2026-11-26",
};

const fn port(port: i64, service: &'static str, provenance: Provenance) -> KnownPort {
    KnownPort { port, service, provenance }
}

/// Remote-administration and control-plane ports: a shell, desktop or daemon API.
pub const ADMIN_PORTS: &[KnownPort] = &[
    port(22, "SSH", SH_EC2),
    port(23, "Telnet", SH_EC2),
    port(3389, "RDP", SH_EC2),
    port(5985, "WinRM (HTTP)", IANA),
    port(5986, "WinRM (HTTPS)", IANA),
    port(2375, "Docker Engine API (unencrypted)", VENDOR),
    port(2376, "Docker Engine API (TLS)", VENDOR),
    port(5900, "VNC", IANA),
    port(135, "Microsoft RPC endpoint mapper", SH_EC2),
    port(445, "SMB", SH_EC2),
    port(10250, "kubelet API", VENDOR),
    port(51678, "ECS container agent introspection API", ECS_AGENT),
];

/// Database, cache, search and data-store ports.
pub const DATABASE_PORTS: &[KnownPort] = &[
    port(3306, "MySQL / MariaDB / Aurora MySQL", SH_EC2),
    port(5432, "PostgreSQL / Aurora PostgreSQL", SH_EC2),
    port(1433, "Microsoft SQL Server", SH_EC2),
    port(1521, "Oracle Database", VENDOR),
    port(27017, "MongoDB / DocumentDB", VENDOR),
    port(6379, "Redis / Valkey", VENDOR),
    port(11211, "Memcached", VENDOR),
    port(9200, "Elasticsearch / OpenSearch HTTP API", SH_EC2),
    port(9300, "Elasticsearch / OpenSearch transport", SH_EC2),
    port(5601, "Kibana / OpenSearch Dashboards", SH_EC2),
    port(9042, "Cassandra / Keyspaces CQL", VENDOR),
    port(2379, "etcd client API", VENDOR),
    port(5984, "CouchDB", VENDOR),
    port(8086, "InfluxDB HTTP API", VENDOR),
    port(7474, "Neo4j HTTP", VENDOR),
];

/// The rest of Security Hub EC2.19's high-risk ports: plaintext mail and file transfer,
/// and ports where development servers and web consoles listen by default.
pub const OTHER_HIGH_RISK_PORTS: &[KnownPort] = &[
    port(20, "FTP data", SH_EC2),
    port(21, "FTP", SH_EC2),
    port(25, "SMTP", SH_EC2),
    port(110, "POP3", SH_EC2),
    port(143, "IMAP", SH_EC2),
    port(1434, "Microsoft SQL Server Browser", SH_EC2),
    port(3000, "development servers, Grafana", SH_EC2),
    port(4333, "mSQL", SH_EC2),
    port(5000, "development servers, Docker registry", SH_EC2),
    port(5500, "VNC over HTTP", SH_EC2),
    port(8080, "HTTP alternate, proxies and admin consoles", SH_EC2),
    port(8088, "Hadoop YARN and admin consoles", SH_EC2),
    port(8888, "Jupyter and admin consoles", SH_EC2),
];

/// Ports on which clients speak TLS from the first byte (implicit TLS).
pub const TLS_PORTS: &[KnownPort] = &[
    port(443, "HTTPS", IANA),
    port(8443, "HTTPS (alternate)", IANA),
    port(465, "SMTP submission over TLS", IANA),
    port(636, "LDAPS", IANA),
    port(853, "DNS over TLS", IANA),
    port(989, "FTPS data", IANA),
    port(990, "FTPS control", IANA),
    port(993, "IMAPS", IANA),
    port(995, "POP3S", IANA),
    port(5061, "SIP over TLS", IANA),
    port(5671, "AMQPS", IANA),
    port(8883, "MQTT over TLS", IANA),
];

/// Ports whose protocol encrypts on its own without TLS (a plain TCP listener there is not
/// plaintext).
pub const SELF_ENCRYPTED_PORTS: &[KnownPort] = &[port(22, "SSH", IANA)];

fn find(table: &'static [KnownPort], p: i64) -> Option<&'static KnownPort> {
    table.iter().find(|k| k.port == p)
}

pub fn admin(p: i64) -> Option<&'static KnownPort> {
    find(ADMIN_PORTS, p)
}

pub fn database(p: i64) -> Option<&'static KnownPort> {
    find(DATABASE_PORTS, p)
}

pub fn tls(p: i64) -> Option<&'static KnownPort> {
    find(TLS_PORTS, p)
}

pub fn self_encrypted(p: i64) -> Option<&'static KnownPort> {
    find(SELF_ENCRYPTED_PORTS, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_no_duplicates() {
        for table in [ADMIN_PORTS, DATABASE_PORTS, TLS_PORTS] {
            let mut ports: Vec<i64> = table.iter().map(|k| k.port).collect();
            ports.sort_unstable();
            ports.dedup();
            assert_eq!(ports.len(), table.len());
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(admin(22).map(|k| k.service), Some("SSH"));
        assert!(admin(443).is_none());
        assert!(database(5432).is_some());
        assert!(tls(443).is_some());
        assert!(tls(80).is_none());
    }
}
