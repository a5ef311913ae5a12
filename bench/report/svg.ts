// bench/results.svg: a plain horizontal bar chart of ratios to raw Bun, one block per scenario.
// Hand-written SVG (no chart dependency): the README embeds it as an image.

import type { Row } from "../runner/summary.ts";
import { SCENARIOS } from "../runner/scenarios.ts";

const COLORS = { baseline: "#9aa0a6", bunwire: "#1f6feb", peer: "#f0883e" } as const;
const WIDTH = 760;
const LABEL_W = 250;
const BAR_MAX_W = 400;
const ROW_H = 20;
const HEAD_H = 28;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function renderSvg(rows: Row[], title: string): string {
  const blocks = SCENARIOS.map((sc) => ({ sc, rows: rows.filter((r) => r.scenario === sc.id && r.status === "ok" && Number.isFinite(r.ratio)) })).filter((b) => b.rows.length);
  const maxRatio = Math.min(2, Math.max(1.1, ...blocks.flatMap((b) => b.rows.map((r) => r.ratio))));
  const x = (ratio: number) => LABEL_W + (Math.min(ratio, maxRatio) / maxRatio) * BAR_MAX_W;
  const parts: string[] = [];
  let y = 40;
  for (const { sc, rows: rs } of blocks) {
    parts.push(`<text x="10" y="${y + 18}" font-weight="bold">${esc(sc.title)}${sc.higherIsBetter ? "" : " (lower is better)"}</text>`);
    y += HEAD_H;
    for (const r of rs) {
      const w = Math.max(1, x(r.ratio) - LABEL_W);
      const label = r.variant ? `${r.label} (${r.variant})` : r.label;
      parts.push(
        `<text x="${LABEL_W - 8}" y="${y + 14}" text-anchor="end">${esc(label)}</text>`,
        `<rect x="${LABEL_W}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_H - 6}" fill="${COLORS[r.group]}"/>`,
        `<text x="${(LABEL_W + w + 6).toFixed(1)}" y="${y + 14}">${r.ratio.toFixed(2)}×${r.ratio > maxRatio ? " (clipped)" : ""}</text>`,
      );
      y += ROW_H;
    }
    y += 6;
  }
  const top = 34;
  const oneX = x(1).toFixed(1);
  const height = y + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    ...parts,
    `<line x1="${oneX}" y1="${top}" x2="${oneX}" y2="${y}" stroke="#444" stroke-dasharray="4 3"/>`,
    `<text x="${oneX}" y="${y + 14}" text-anchor="middle">1.0× = raw Bun.serve</text>`,
    `<g transform="translate(10 ${y + 8})"><rect width="10" height="10" fill="${COLORS.bunwire}"/><text x="14" y="9">bunwire</text><rect x="80" width="10" height="10" fill="${COLORS.peer}"/><text x="94" y="9">peers</text><rect x="150" width="10" height="10" fill="${COLORS.baseline}"/><text x="164" y="9">raw Bun</text></g>`,
    `</svg>`,
    "",
  ].join("\n");
}
