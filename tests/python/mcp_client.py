"""Drives ecs-security-mcp with the official MCP Python SDK (PyPI `mcp`) as the client.

Run by tests/shell/http.rs (`cargo test --test shell http::`), over stdio (the SDK spawns the
server) or over Streamable HTTP (the test starts `serve --http`). Checks, with a client we did
not write: initialize (or the 2026-07-28 stateless mode), tools/list, the tools, paging through
list_findings with cursors to the end, resources (list, templates, a report read through the
link a tool answer gives), prompts (list, get) and argument completion, progress notifications
during a live collection, log messages after logging/setLevel, and clear errors for bad input.
Prints one JSON summary line on stdout; exits 1 listing the failed checks, 0 when all pass.

    mcp_client.py --stdio BIN [ARG...] --cluster C [--expect-progress] [--expect-logs] [--expect-listed]
    mcp_client.py --http URL [--mode legacy|2026-07-28] [--token T] --cluster C [...]
"""

import argparse
import json
import os
import sys
import time
import warnings

import anyio
import httpx2
from mcp import Client
from mcp.types import PromptReference, ResourceTemplateReference
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

TOOLS = [
    "list_clusters",
    "select_cluster_for_analysis",
    "analyze_cluster_security",
    "generate_security_report",
    "get_security_recommendations",
    "check_compliance_status",
    "list_findings",
    "get_finding_details",
    "analyze_task_definition",
    "draft_suppression",
    "scan_fleet",
]


class Checks:
    def __init__(self):
        self.failures = []
        self.passed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)
        return ok


def text_of(result):
    return "\n".join(getattr(c, "text", "") for c in result.content)


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--stdio", nargs=argparse.REMAINDER, help="server command and arguments (last option)")
    p.add_argument("--http", help="the /mcp URL")
    p.add_argument("--mode", default="legacy", help="legacy (initialize, 2025-11-25) or 2026-07-28 (stateless)")
    p.add_argument("--token", help="bearer token for HTTP")
    p.add_argument("--cluster", required=True)
    p.add_argument("--expect-progress", action="store_true", help="a refresh must report progress (live source)")
    p.add_argument("--expect-logs", action="store_true", help="log messages must arrive after setting the level")
    p.add_argument(
        "--expect-listed",
        action="store_true",
        help="the cluster's reports must be listed as resources and its name must complete (a snapshot source)",
    )
    args = p.parse_args()
    if bool(args.stdio) == bool(args.http):
        p.error("give exactly one of --stdio and --http")
    return args


def connect(args, logs):
    async def on_log(params):
        logs.append({"level": params.level, "data": params.data})

    common = dict(mode=args.mode, logging_callback=on_log, read_timeout_seconds=120)
    if args.mode != "legacy":
        # 2026-07-28: log messages are opted into per request (SEP-2577), not by logging/setLevel.
        common["log_level"] = "debug"
    if args.stdio:
        # The SDK passes only a minimal environment to the server; forward AWS settings.
        env = {k: v for k, v in os.environ.items() if k.startswith("AWS_") or k.startswith("ECS_SECURITY_MCP")}
        server = StdioServerParameters(command=args.stdio[0], args=args.stdio[1:], env=env)
        return Client(server, **common)
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else None
    http = httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=120))
    return Client(streamable_http_client(args.http, http_client=http), **common)


async def run(args):
    c = Checks()
    logs = []
    progress = {}
    summary = {"transport": "stdio" if args.stdio else "http", "mode": args.mode}
    started = time.monotonic()
    async with connect(args, logs) as client:
        summary["protocol_version"] = client.protocol_version
        if args.mode == "legacy":
            c.check(client.protocol_version == "2025-11-25", f"negotiated {client.protocol_version}, want 2025-11-25")
            name = client.server_info.name if client.server_info else None
            c.check(name == "ecs-security-mcp", f"server name {name!r}")
            c.check(client.server_capabilities.tools is not None, "no tools capability")
            if args.expect_logs:
                await client.set_logging_level("debug")
        else:
            c.check(client.protocol_version == args.mode, f"protocol {client.protocol_version}, want {args.mode}")

        tools = await client.list_tools()
        names = [t.name for t in tools.tools]
        c.check(names == TOOLS, f"tools/list: {names}")
        for t in tools.tools:
            if t.name not in TOOLS:
                continue
            c.check(t.annotations is not None and t.annotations.read_only_hint is True, f"{t.name}: not readOnlyHint")

        cluster = args.cluster
        calls = [
            ("list_clusters", {}),
            ("select_cluster_for_analysis", {"cluster_name": cluster, "analysis_type": "quick"}),
            ("analyze_cluster_security", {"cluster_name": cluster, "refresh": True}),
            ("generate_security_report", {"cluster_name": cluster, "format": "executive"}),
            ("get_security_recommendations", {"cluster_name": cluster, "severity_filter": "High"}),
            ("check_compliance_status", {"cluster_name": cluster, "compliance_framework": "pci-dss"}),
        ]
        for tool, arguments in calls:
            seen = progress.setdefault(tool, [])

            async def on_progress(value, total, message, seen=seen):
                seen.append(value)

            r = await client.call_tool(tool, arguments, progress_callback=on_progress)
            ok = c.check(not r.is_error, f"{tool} failed: {text_of(r)[:300]}")
            if ok:
                c.check(r.structured_content is not None, f"{tool}: no structuredContent")
                c.check(len(text_of(r)) > 50, f"{tool}: short text {text_of(r)!r}")
            if tool == "list_clusters" and ok:
                listed = [x["name"] for x in r.structured_content.get("clusters", [])]
                c.check(cluster in listed, f"list_clusters: {cluster} not in {listed}")
            if tool == "analyze_cluster_security" and ok:
                c.check(len(r.structured_content.get("rules", [])) > 0, "analyze: no rules with findings")

        summary.update(await drill_down(c, client, cluster))
        summary.update(await resources_and_prompts(c, client, cluster, args.expect_listed))

        if args.expect_progress:
            got = progress["analyze_cluster_security"]
            c.check(len(got) > 0, "no progress notifications during a refresh (live collection)")
            c.check(got == sorted(got), f"progress went backwards: {got}")
        summary["progress"] = {k: len(v) for k, v in progress.items()}

        # Bad input: a clear error, and the server keeps serving.
        try:
            r = await client.call_tool("format_disk", {})
            c.check(False, f"an unknown tool answered: {text_of(r)[:200]}")
        except MCPError as e:
            c.check("unknown tool" in str(e) and "analyze_cluster_security" in str(e), f"unknown tool error: {e}")
        r = await client.call_tool("generate_security_report", {"cluster_name": cluster, "format": "docx"})
        c.check(r.is_error and "summary, detailed, json, executive" in text_of(r), f"bad format: {text_of(r)[:300]}")
        r = await client.call_tool("analyze_cluster_security", {})
        c.check(r.is_error and "cluster_name" in text_of(r), f"missing cluster_name: {text_of(r)[:300]}")
        r = await client.call_tool("list_clusters", {"region": "mars-north-1; rm -rf /"})
        c.check(r.is_error and "not a well-formed AWS region" in text_of(r), f"bad region: {text_of(r)[:300]}")
        r = await client.call_tool("analyze_cluster_security", {"cluster_name": cluster, "colour": "blue"})
        c.check(r.is_error and "unknown" in text_of(r).lower(), f"unknown parameter: {text_of(r)[:300]}")
        r = await client.call_tool("list_clusters", {})
        c.check(not r.is_error, "the server stopped serving after bad input")

        if args.expect_logs:
            # Over HTTP, log messages ride the session's GET stream: give it a moment.
            for _ in range(50):
                if any(entry["level"] == "info" for entry in logs):
                    break
                await anyio.sleep(0.1)
            c.check(any(entry["level"] == "info" and "finished" in str(entry["data"]) for entry in logs), f"log messages: {logs[:5]}")
        summary["logs"] = len(logs)

    summary["seconds"] = round(time.monotonic() - started, 2)
    summary["passed"] = c.passed
    summary["failures"] = c.failures
    print(json.dumps(summary), flush=True)
    return 0 if not c.failures else 1


async def drill_down(c, client, cluster):
    """Pages through every finding with cursors; the count must match the analysis."""
    r = await client.call_tool("analyze_cluster_security", {"cluster_name": cluster})
    total = (r.structured_content or {}).get("findings", {}).get("total", 0)
    c.check(total > 0, f"analyze: no findings to page through ({r.structured_content})")
    seen, ids, pages, cursor = 0, set(), 0, None
    while True:
        arguments = {"cluster_name": cluster, "max_result_chars": 2000}
        if cursor:
            arguments["cursor"] = cursor
        page = await client.call_tool("list_findings", arguments)
        if not c.check(not page.is_error, f"list_findings page {pages}: {text_of(page)[:300]}"):
            break
        findings = page.structured_content.get("findings", [])
        seen += len(findings)
        ids.update(f.get("id") for f in findings)
        pages += 1
        cursor = page.structured_content.get("next_cursor")
        if not cursor or pages >= 500:
            break
    c.check(cursor is None, f"paging did not end after {pages} pages")
    c.check(seen == total == len(ids), f"paging saw {seen} findings ({len(ids)} distinct) of {total}")
    if ids:
        one = sorted(i for i in ids if i)[0]
        d = await client.call_tool("get_finding_details", {"cluster_name": cluster, "finding_id": one})
        c.check(not d.is_error and one in text_of(d), f"get_finding_details {one}: {text_of(d)[:300]}")
    return {"pages": pages, "findings_paged": seen}


async def resources_and_prompts(c, client, cluster, expect_listed):
    """Resources (list, templates, a report read from a tool's resource_link), prompts and completion."""
    report = await client.call_tool("generate_security_report", {"cluster_name": cluster, "format": "sarif"})
    links = [x for x in report.content if getattr(x, "type", None) == "resource_link"]
    want = f"ecs-security://report/us-east-1/{cluster}.sarif"
    c.check([str(x.uri) for x in links] == [want], f"report links: {[str(x.uri) for x in links]}")
    read = await client.read_resource(want)
    body = read.contents[0].text if read.contents else ""
    try:
        sarif = json.loads(body)
    except ValueError:
        sarif = {}
    c.check(sarif.get("version") == "2.1.0" and len(sarif.get("runs", [])) == 1, f"SARIF resource: {body[:200]}")

    resources = (await client.list_resources()).resources
    uris = {str(r.uri) for r in resources}
    if expect_listed:
        c.check(f"ecs-security://report/us-east-1/{cluster}.json" in uris, f"{cluster}'s report not listed")
    c.check("ecs-security://rule/container-privileged" in uris, "rule resources not listed")
    rule = await client.read_resource("ecs-security://rule/container-privileged")
    c.check("container-privileged" in (rule.contents[0].text if rule.contents else ""), "rule resource text")
    templates = [t.uri_template for t in (await client.list_resource_templates()).resource_templates]
    c.check("ecs-security://report/{region}/{cluster}.{format}" in templates, f"templates: {templates}")
    try:
        await client.read_resource("ecs-security://report/us-east-1/no such cluster.json")
        c.check(False, "an invalid resource URI was read")
    except MCPError as e:
        c.check("cluster" in str(e).lower(), f"bad resource URI error: {e}")

    prompts = [p.name for p in (await client.list_prompts()).prompts]
    c.check(prompts == ["audit_cluster", "fix_plan", "compliance_evidence"], f"prompts: {prompts}")
    got = await client.get_prompt("compliance_evidence", {"cluster_name": cluster, "compliance_framework": "hipaa"})
    text = " ".join(getattr(m.content, "text", "") for m in got.messages)
    c.check(cluster in text and "check_compliance_status" in text, f"prompt text: {text[:300]}")
    try:
        await client.get_prompt("fix_plan", {})
        c.check(False, "a prompt without its required argument was rendered")
    except MCPError as e:
        c.check("cluster_name" in str(e), f"missing prompt argument error: {e}")

    if expect_listed:
        ref = PromptReference(name="audit_cluster")
        done = await client.complete(ref, {"name": "cluster_name", "value": cluster[:4]})
        c.check(cluster in done.completion.values, f"cluster completion: {done.completion.values}")
    done = await client.complete(
        PromptReference(name="compliance_evidence"), {"name": "compliance_framework", "value": "nist"}
    )
    c.check(done.completion.values == ["nist-800-53"], f"framework completion: {done.completion.values}")
    done = await client.complete(
        ResourceTemplateReference(uri="ecs-security://rule/{rule_id}"), {"name": "rule_id", "value": "container-priv"}
    )
    c.check(done.completion.values == ["container-privileged"], f"rule completion: {done.completion.values}")
    return {"resources": len(resources), "prompts": len(prompts)}


def main():
    # logging/setLevel is deprecated by SEP-2577 but still part of 2025-11-25, which this tests.
    warnings.filterwarnings("ignore", message=".*logging capability is deprecated.*")
    args = parse_args()
    sys.exit(anyio.run(run, args))


if __name__ == "__main__":
    main()
