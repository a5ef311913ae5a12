// The inspector's HTML: the page itself (its script is page/main.ts, bundled once per process by `Bun.build` with
// bunwire/client and uPlot) and the sign-in page every unauthenticated request gets with its 401.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BunwireError } from "../../engine/errors.ts";

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
};

const STYLE = `
body{font:14px system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:10px 18px;display:flex;gap:18px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:16px;margin:0}main{padding:12px 18px;display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:14px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:10px 12px;overflow:auto}section.wide{grid-column:1/-1}
h2{font-size:14px;margin:0 0 8px}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 8px 3px 0;border-bottom:1px solid #eef0f3;vertical-align:top}
th{font-weight:600;color:#5a6272}tr.empty td{color:#8a92a2}code{font:12px ui-monospace,monospace}ul.routes{margin:0;padding:0;list-style:none}
#tail-entries{font:12px ui-monospace,monospace;max-height:260px;overflow:auto;padding-left:0;list-style:none}input{padding:4px 6px;min-width:260px}
#problem{color:#b00020}form.login{max-width:360px;margin:12vh auto;background:#fff;padding:24px;border:1px solid #dde1e7;border-radius:6px}`;

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

let chartStyle: string | undefined;
/** uPlot's stylesheet, inlined (the page loads nothing else but its own script). */
function uplotStyle(): string {
  return (chartStyle ??= readFileSync(Bun.resolveSync("uplot/dist/uPlot.min.css", import.meta.dir), "utf8"));
}

function table(id: string, ...columns: string[]): string {
  return `<table id="${id}"><thead><tr>${columns.map((c) => `<th>${c}</th>`).join("")}</tr></thead><tbody></tbody></table>`;
}

export function inspectorPage(base: string): Response {
  const html = `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>bunwire inspector</title><style>${uplotStyle()}${STYLE}</style>
<body data-base="${escape(base)}"><header><h1>bunwire inspector</h1><span id="summary">…</span><span>connection: <b id="state">connecting</b></span><span>updated <span id="updated">never</span></span><span id="problem"></span></header>
<main>
<section class="wide"><h2>Instances</h2>${table("instances", "instance", "status", "uptime", "connections", "per route")}</section>
<section class="wide"><h2>Message rates <small id="rates"></small></h2><div id="chart"></div></section>
<section><h2>Hottest topics</h2>${table("topics", "topic", "subscribers", "publishes")}</section>
<section><h2>Refused upgrades</h2>${table("refusals", "route", "status", "code", "count")}</section>
<section class="wide"><h2>Recent handler errors</h2>${table("errors", "time", "instance", "route", "event", "code", "connection", "user", "message")}</section>
<section class="wide"><h2>Bus</h2>${table("bus", "instance", "state", "members", "published / received", "buffered / dropped", "outages", "lag", "round trip")}</section>
<section><h2>Presence</h2>${table("presence", "room", "members", "some of them")}</section>
<section><h2>Find connections</h2><form id="search-form"><input id="search-query" placeholder="user id, connection id or topic"> <button>search</button> <span id="search-status"></span></form>
${table("search-results", "instance", "connection", "user", "route", "address", "since", "topics")}</section>
<section class="wide"><h2>Tail a topic</h2><p id="tail-off" hidden>The tail is off on this server: <code>observe({ inspector: { tail: true } })</code> turns it on.</p>
<form id="tail-form" hidden><input id="tail-topic" placeholder="topic"> <button id="tail-button">tail</button> <span id="tail-status"></span></form><ul id="tail-entries"></ul></section>
</main><script type="module" src="${escape(base)}/app.js"></script></body></html>`;
  return new Response(html, { headers: PAGE_HEADERS });
}

export function signInPage(base: string, status: number, problem?: string): Response {
  const html = `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>bunwire inspector: sign in</title><style>${STYLE}</style><body>
<form class="login" method="post" action="${escape(base)}"><h1>bunwire inspector</h1><p>${escape(problem ?? "This page needs the inspector token.")}</p>
<p><input id="token" name="token" type="password" autocomplete="current-password" placeholder="token" autofocus></p><button>open</button></form></body></html>`;
  return new Response(html, { status, headers: { ...PAGE_HEADERS, "www-authenticate": 'Bearer realm="bunwire inspector"' } });
}

/** The page script's entry: the TypeScript source in a checkout, the compiled JavaScript in the package. */
function entry(): string {
  const source = join(import.meta.dir, "page", "main.ts");
  return existsSync(source) ? source : join(import.meta.dir, "page", "main.js");
}

// One bundle per process: it depends on nothing but bunwire's and uPlot's files, so every mount shares it.
let bundle: Promise<string> | undefined;

export function pageScript(): Promise<string> {
  bundle ??= Bun.build({ entrypoints: [entry()], target: "browser", format: "esm", minify: true, sourcemap: "none" }).then(async (result) => {
    if (!result.success || result.outputs[0] === undefined) {
      bundle = undefined;
      throw new BunwireError("INSPECTOR_BUNDLE_FAILED", `the inspector page failed to bundle:\n${result.logs.map(String).join("\n")}`);
    }
    return result.outputs[0].text();
  });
  return bundle;
}
