// Tiny DOM helpers for the inspector page. Everything shown comes from the server (topics, user ids, error messages
// are user-controlled): text goes in through `textContent` only, never as HTML.

export type Cell = string | number | Node;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Cell[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

/** Replaces the rows of table `id` (its header row stays), or shows `empty` in one row when there are none. */
export function fillTable(id: string, rows: Cell[][], empty: string): void {
  const table = document.getElementById(id) as HTMLTableElement | null;
  if (table === null) return;
  const body = table.tBodies[0] ?? table.appendChild(document.createElement("tbody"));
  const columns = table.tHead?.rows[0]?.cells.length ?? 1;
  const fresh = rows.length === 0
    ? [el("tr", { class: "empty" }, el("td", { colspan: String(columns) }, empty))]
    : rows.map((row) => el("tr", {}, ...row.map((cell) => el("td", {}, cell))));
  body.replaceChildren(...fresh);
}

export function setText(id: string, text: string): void {
  const node = document.getElementById(id);
  if (node !== null) node.textContent = text;
}

export function time(at: number): string {
  return new Date(at).toLocaleTimeString();
}

export function duration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h ${minutes % 60}m` : `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export function count(value: number): string {
  return value >= 1e6 ? `${(value / 1e6).toFixed(1)}M` : value >= 1e4 ? `${(value / 1e3).toFixed(1)}k` : String(Math.round(value));
}

/** A short instance name: the first 8 hex digits. */
export function shortId(instance: string): string {
  return instance.length > 8 ? instance.slice(0, 8) : instance;
}
