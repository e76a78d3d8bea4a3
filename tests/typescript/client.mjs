// Drives ecs-security-mcp with the official TypeScript MCP SDK (the library most desktop and
// IDE clients build on): tools (whose structured content the SDK validates against each
// tool's outputSchema), paging with cursors, resources, prompts and completion.
//
// node client.mjs --stdio <binary> <args...>   |   node client.mjs --http <url> [--token T]
//   |   node client.mjs --sse <url of /sse> [--token T]   (the HTTP+SSE transport of 2024-11-05)
// Prints one JSON line: {"ok": bool, "failures": [...], ...counts}.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";

const argv = process.argv.slice(2);
const failures = [];
const check = (cond, what) => { if (!cond) failures.push(what); };

let transport;
if (argv[0] === "--stdio") {
  transport = new StdioClientTransport({ command: argv[1], args: argv.slice(2), stderr: "ignore" });
} else if (argv[0] === "--http" || argv[0] === "--sse") {
  const token = argv.indexOf("--token") >= 0 ? argv[argv.indexOf("--token") + 1] : undefined;
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  // SSEClientTransport sends these headers on the GET of the event stream and on every POST.
  const Transport = argv[0] === "--http" ? StreamableHTTPClientTransport : SSEClientTransport;
  transport = new Transport(new URL(argv[1]), { requestInit: { headers } });
} else {
  console.error("usage: client.mjs --stdio BIN ARGS... | --http URL [--token T] | --sse URL [--token T]");
  process.exit(2);
}

const client = new Client({ name: "ecs-security-mcp-ts-test", version: "1.0.0" });
const result = {};
// A tool call that records its own failure (the SDK throws when structured content does not
// match the tool's outputSchema) and returns an empty result instead.
const call = async (name, args) => {
  try {
    return await client.callTool({ name, arguments: args });
  } catch (e) {
    failures.push(`${name} ${JSON.stringify(args)}: ${e?.message ?? e}`);
    return { content: [], structuredContent: {} };
  }
};
try {
  await client.connect(transport);
  result.server = client.getServerVersion()?.name;
  const { tools } = await client.listTools();
  result.tools = tools.length;
  check(tools.every((t) => t.outputSchema && t.annotations?.readOnlyHint === true), "every tool has outputSchema and readOnlyHint");

  const cluster = "payments-prod";
  // callTool validates structuredContent against the tool's outputSchema and throws if invalid.
  const analysis = await call("analyze_cluster_security", { cluster_name: cluster });
  check(!analysis.isError, "analyze is not an error");
  check(analysis.structuredContent?.rules?.length > 0, "analyze groups findings by rule");
  const total = analysis.structuredContent?.findings?.total ?? 0;

  let cursor;
  let seen = 0;
  let pages = 0;
  do {
    const args = { cluster_name: cluster, max_result_chars: 6000 };
    if (cursor) args.cursor = cursor;
    const page = await call("list_findings", args);
    check(!page.isError, `list_findings page ${pages} is not an error`);
    seen += page.structuredContent.findings?.length ?? 0;
    cursor = page.structuredContent.next_cursor ?? undefined;
    pages += 1;
  } while (cursor && pages < 200);
  result.pages = pages;
  check(seen === total && total > 0, `paging saw ${seen} of ${total} findings`);

  for (const name of ["get_security_recommendations", "check_compliance_status", "list_clusters", "select_cluster_for_analysis"]) {
    const r = await call(name, name.startsWith("list") || name.startsWith("select") ? {} : { cluster_name: cluster });
    check(!r.isError, `${name} is not an error`);
  }
  const report = await call("generate_security_report", { cluster_name: cluster, format: "sarif" });
  const link = report.content.find((c) => c.type === "resource_link");
  check(link?.uri === `ecs-security://report/us-east-1/${cluster}.sarif`, "the report links its resource");
  const read = await client.readResource({ uri: link?.uri ?? "" });
  const sarif = JSON.parse(read.contents[0].text);
  check(sarif.version === "2.1.0", "the resource is the SARIF report");

  const { resources } = await client.listResources();
  result.resources = resources.length;
  const { resourceTemplates } = await client.listResourceTemplates();
  check(resourceTemplates.length >= 3, "resource templates are listed");

  const { prompts } = await client.listPrompts();
  result.prompts = prompts.length;
  const prompt = await client.getPrompt({ name: "audit_cluster", arguments: { cluster_name: cluster } });
  check(prompt.messages[0].content.text.includes(cluster), "the prompt names the cluster");
  const completion = await client.complete({
    ref: { type: "ref/prompt", name: "compliance_evidence" },
    argument: { name: "compliance_framework", value: "pci" },
  });
  check(completion.completion.values.includes("pci-dss"), "framework completion");

  // A bad argument is a tool error the model can read, not a protocol failure.
  const bad = await call("analyze_cluster_security", { cluster_name: cluster, severity_filter: "urgent" });
  check(bad.isError === true, "a bad severity is a tool error");
} catch (e) {
  failures.push(`exception: ${e?.message ?? e}`);
} finally {
  await client.close().catch(() => {});
}
console.log(JSON.stringify({ ok: failures.length === 0, failures, ...result }));
process.exit(failures.length === 0 ? 0 : 1);
