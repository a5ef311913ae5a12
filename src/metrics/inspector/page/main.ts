// The inspector page's script, bundled for the browser by `Bun.build` with bunwire/client and uPlot: it connects
// to the inspector's WebSocket route (the session cookie admits it), asks for an overview of the cluster every two
// seconds, and runs searches and the opt-in tail on demand.

import { connect } from "../../../client/index.ts";
import { inspectorProtocol } from "../protocol.ts";
import { RateChart } from "./chart.ts";
import { count, el, fillTable, setText, shortId, time } from "./dom.ts";
import { renderOverview } from "./render.ts";

const POLL_MS = 2000;
const base = document.body.dataset.base ?? location.pathname;
const client = connect<typeof inspectorProtocol>(`${base}/ws`, { reconnect: { initialDelay: 250, maxDelay: 5000 } });
const chart = new RateChart(document.getElementById("chart")!);

client.onState((state) => {
  setText("state", state);
  document.body.dataset.state = state;
});

let polls = 0;
async function poll(): Promise<void> {
  try {
    const overview = await client.request("overview", {});
    renderOverview(overview);
    const rates = chart.add(overview.instances);
    setText("rates", `${count(rates.received)} received/s, ${count(rates.sent)} sent/s, ${count(rates.publishes)} publishes/s`);
    setText("updated", time(Date.now()));
    document.getElementById("tail-form")!.hidden = !overview.tail;
    document.getElementById("tail-off")!.hidden = overview.tail;
    document.body.dataset.polls = String(++polls);
  } catch (error) {
    setText("problem", `overview failed: ${(error as Error).message}`);
  }
}

async function loop(): Promise<void> {
  await poll();
  setTimeout(loop, POLL_MS);
}
void loop();

document.getElementById("search-form")!.addEventListener("submit", async (event) => {
  event.preventDefault();
  const query = (document.getElementById("search-query") as HTMLInputElement).value.trim();
  if (query === "") return;
  setText("search-status", "searching…");
  try {
    const result = await client.request("search", { query });
    fillTable(
      "search-results",
      result.connections.map((c) => [shortId(c.instance), el("code", {}, c.id), c.user ?? "", el("code", {}, c.route), c.ip, time(c.openedAt), c.topics.join(", ")]),
      `no connection matches "${query}"`,
    );
    const missing = result.missing.length > 0 ? `; ${result.missing.length} instance(s) did not answer` : "";
    setText("search-status", `${result.connections.length}${result.truncated ? "+" : ""} connection(s)${missing}`);
  } catch (error) {
    setText("search-status", `search failed: ${(error as Error).message}`);
  }
});

let tailTopic: string | undefined;
let tailTimer: ReturnType<typeof setTimeout> | undefined;
const seen: Record<string, number> = {};

async function pollTail(): Promise<void> {
  const topic = tailTopic;
  if (topic === undefined) return;
  try {
    const result = await client.request("tail", { topic, after: seen });
    if (topic !== tailTopic) return;
    const list = document.getElementById("tail-entries")!;
    for (const entry of result.entries) {
      seen[entry.instance] = Math.max(seen[entry.instance] ?? 0, entry.seq);
      list.prepend(el("li", {}, `${time(entry.at)} ${shortId(entry.instance)} (${entry.size}) `, el("code", {}, entry.text)));
    }
    while (list.children.length > 200) list.lastElementChild!.remove();
  } catch (error) {
    setText("tail-status", `tail failed: ${(error as Error).message}`);
  }
  tailTimer = setTimeout(pollTail, 1000);
}

document.getElementById("tail-form")!.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(tailTimer);
  const topic = (document.getElementById("tail-topic") as HTMLInputElement).value.trim();
  document.getElementById("tail-entries")!.replaceChildren();
  for (const key of Object.keys(seen)) delete seen[key];
  tailTopic = topic === "" || topic === tailTopic ? undefined : topic;
  setText("tail-status", tailTopic === undefined ? "stopped" : `tailing ${tailTopic}`);
  (document.getElementById("tail-button") as HTMLButtonElement).textContent = tailTopic === undefined ? "tail" : "stop";
  void pollTail();
});
