// The page's script, bundled by Bun.build when the server starts (src/app.ts) and served as /page.js.
import { connect, type Client } from "bunwire/client";
import type { chat } from "./protocol.ts"; // types only: the schemas stay on the server

const joinForm = element<HTMLFormElement>("#join");
const chatForm = element<HTMLFormElement>("#chat");
const log = element<HTMLUListElement>("#log");
const state = element<HTMLElement>("#state");

joinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = element<HTMLInputElement>("#name").value.trim();
  if (name === "") return;
  joinForm.hidden = true;
  chatForm.hidden = false;
  start(name);
});

function start(name: string): void {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const client: Client<typeof chat> = connect<typeof chat>(`${scheme}://${location.host}/chat?name=${encodeURIComponent(name)}`);
  client.onState((next) => {
    state.textContent = next; // connecting, open, reconnecting (it retries by itself), closed
  });
  client.on("said", ({ from, text }) => add(`${from}: ${text}`, "theirs"));

  chatForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = element<HTMLInputElement>("#text");
    const text = input.value.trim();
    if (text === "") return;
    input.value = "";
    const line = add(`${name}: ${text}`, "mine sending");
    try {
      const ack = await client.request("say", { text }); // resolves with the server's { at }
      line.className = "mine";
      line.title = `delivered at ${new Date(ack.at).toLocaleTimeString()}`;
    } catch (error) {
      line.className = "mine failed";
      line.title = String(error);
    }
  });
}

function add(text: string, className: string): HTMLLIElement {
  const line = document.createElement("li");
  line.textContent = text;
  line.className = className;
  log.append(line);
  return line;
}

function element<T extends Element>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (found === null) throw new Error(`index.html has no ${selector}`);
  return found;
}
