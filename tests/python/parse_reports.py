"""Parses a CSV or JUnit XML report back with Python's own parsers (csv, xml.etree), which
share no code with the Rust writers, and prints what they hold as one JSON line:
{"count", "by_severity", "by_rule", ...}. The Rust test compares it with the JSON report.

    parse_reports.py csv FILE
    parse_reports.py junit FILE
"""

import collections
import csv
import json
import sys
import xml.etree.ElementTree as ET


def parse_csv(path: str) -> dict:
    # newline="" as the csv module asks: quoted fields keep their own line breaks (RFC 4180).
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, strict=True))
    widths = {len(r) for r in rows}
    if any(None in r for r in rows) or len(widths) > 1:
        raise SystemExit(f"rows of different widths: {widths}")
    return {
        "count": len(rows),
        "by_severity": dict(collections.Counter(r["severity"].lower() for r in rows)),
        "by_rule": dict(collections.Counter(r["rule_id"] for r in rows)),
        "by_place": dict(collections.Counter(f"{r['account_id']}/{r['region']}/{r['cluster']}" for r in rows)),
    }


def parse_junit(path: str) -> dict:
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        raise SystemExit(f"root element is {root.tag}, not testsuites")
    cases = root.findall("./testsuite/testcase")
    failures = [(c, c.find("failure")) for c in cases if c.find("failure") is not None]
    skipped = [c for c in cases if c.find("skipped") is not None]
    errors = [c for c in cases if c.find("error") is not None]
    declared = {k: int(root.get(k, "-1")) for k in ("tests", "failures", "skipped", "errors")}
    counted = {"tests": len(cases), "failures": len(failures), "skipped": len(skipped), "errors": len(errors)}
    if declared != counted:
        raise SystemExit(f"the testsuites attributes {declared} disagree with the cases {counted}")
    for suite in root.findall("./testsuite"):
        n = len(suite.findall("testcase"))
        if int(suite.get("tests", "-1")) != n:
            raise SystemExit(f"suite {suite.get('name')!r} declares {suite.get('tests')} tests, has {n}")
    return {
        "count": len(failures),
        "tests": len(cases),
        "skipped": len(skipped),
        "errors": len(errors),
        "suites": len(root.findall("./testsuite")),
        # Failures per suite: a fleet report has a suite per cluster.
        "by_suite": dict(
            collections.Counter(s.get("name") for s in root.findall("./testsuite") for c in s.findall("testcase/failure"))
        ),
        "by_severity": dict(collections.Counter(f.get("type", "").lower() for _, f in failures)),
        "by_rule": dict(collections.Counter(c.get("classname") for c, _ in failures)),
    }


def main() -> int:
    kind, path = sys.argv[1], sys.argv[2]
    parsed = {"csv": parse_csv, "junit": parse_junit}[kind](path)
    print(json.dumps(parsed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
