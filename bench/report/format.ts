// Number formatting shared by the markdown table and the chart.

export function si(n: number): string {
  if (!Number.isFinite(n)) return "–";
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(0)} k`;
  if (Math.abs(n) >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return n.toFixed(0);
}

export function ratio(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)}×` : "–";
}

export function pct(n: number): string {
  return Number.isFinite(n) ? `${Math.round(n * 100)}%` : "–";
}

export function bytes(n: number): string {
  if (!Number.isFinite(n)) return "–";
  return n >= 10_240 ? `${(n / 1024).toFixed(1)} KiB` : `${Math.round(n)} B`;
}
