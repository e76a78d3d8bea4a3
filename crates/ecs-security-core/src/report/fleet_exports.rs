//! The fleet in the formats other tools import: OCSF, CSV and JUnit, each built from the
//! cluster formats so that a finding reads the same in a fleet report as in its cluster's,
//! with the account, region and cluster it was found in on every finding.
//!
//! - **OCSF**: one Detection Finding per finding of every analysed cluster, ranking order;
//!   `cloud.account.uid` and `cloud.region` are where the scan read the cluster, and each
//!   resource's `group` is the cluster.
//! - **CSV**: the cluster CSV's columns (`cluster`, `region`, `account_id` among them), one
//!   row per finding of every analysed cluster.
//! - **JUnit**: one test suite per cluster (`account/region/cluster`, with `account_id`,
//!   `region`, `cluster`, `cluster_arn` and `score` properties) holding the cluster report's
//!   cases, and one suite per account-region or cluster that could not be read, whose single
//!   case is an `<error>` naming the failure and its fix.

use chrono::DateTime;
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::ReportOptions;
use super::csv::{COLUMNS, guard, row};
use super::fleet::Fleet;
use super::junit::line;
use super::ocsf::{Account, DetectionFinding};
use crate::rules::Filter;

/// Every cluster's OCSF events, placed in the account and region the scan read them from.
pub fn ocsf(fleet: &Fleet, filter: &Filter, opts: &ReportOptions) -> Vec<DetectionFinding> {
    let mut events = Vec::new();
    for c in &fleet.clusters {
        for mut e in super::ocsf::build(&c.analysis, filter, opts) {
            e.cloud.region = c.region.clone();
            e.cloud.account = Some(Account { uid: c.account_id.clone(), type_id: 10, kind: "AWS Account" });
            for r in &mut e.resources {
                r.region = c.region.clone();
            }
            events.push(e);
        }
    }
    events
}

/// One CSV row per finding of every analysed cluster.
pub fn csv(fleet: &Fleet, filter: &Filter, opts: &ReportOptions) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    // Writing to memory fails only on I/O errors, which a Vec never has.
    let _ = w.write_record(COLUMNS);
    for c in &fleet.clusters {
        let report = super::json::build(&c.analysis, filter, opts);
        for f in &report.findings {
            let cells = row(f, &c.analysis.cluster_name, &c.region, &c.account_id);
            let _ = w.write_record(cells.iter().map(|cell| guard(cell)));
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// One suite per cluster, one per part of the fleet that could not be read.
pub fn junit(fleet: &Fleet, filter: &Filter, opts: &ReportOptions) -> Report {
    let mut report = Report::new(format!("{}: fleet", crate::TOOL_NAME));
    let timestamp = DateTime::parse_from_rfc3339(&opts.generated_at).ok();
    if let Some(t) = timestamp {
        report.set_timestamp(t);
    }
    for c in &fleet.clusters {
        let cluster = line(&c.analysis.cluster_name);
        let mut suite = TestSuite::new(format!("{}/{}/{cluster}", line(&c.account_id), line(&c.region)));
        for domain in super::junit::build(&c.analysis, filter, opts).test_suites {
            suite.add_test_cases(domain.test_cases);
        }
        if let Some(t) = timestamp {
            suite.set_timestamp(t);
        }
        suite.add_properties([
            Property::new("account_id", line(&c.account_id)),
            Property::new("region", line(&c.region)),
            Property::new("cluster", cluster),
            Property::new("cluster_arn", line(&c.analysis.cluster_arn)),
            Property::new("score", c.analysis.overall.score.to_string()),
        ]);
        report.add_test_suite(suite);
    }
    for f in &fleet.failures {
        let place = match &f.cluster {
            Some(c) => format!("{}/{}/{}", line(&f.account_id), line(&f.region), line(c)),
            None => format!("{}/{}", line(&f.account_id), line(&f.region)),
        };
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status
            .set_message(format!("could not be read: {} ({})", line(&f.failure.code), line(&f.failure.stage)))
            .set_type(line(&f.failure.code))
            .set_description(format!("{}\nFix: {}", line(&f.failure.message), line(&f.failure.remedy)));
        let mut case = TestCase::new(format!("collect {place}"), status);
        case.set_classname(format!("{}.{}", crate::TOOL_NAME, line(&f.failure.stage)));
        let mut suite = TestSuite::new(place);
        suite.add_test_case(case);
        suite.add_properties([
            Property::new("account_id", line(&f.account_id)),
            Property::new("region", line(&f.region)),
            Property::new("cluster", line(f.cluster.as_deref().unwrap_or(""))),
        ]);
        report.add_test_suite(suite);
    }
    report
}
