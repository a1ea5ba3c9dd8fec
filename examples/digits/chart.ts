/**
 * A dependency-free SVG line chart: training loss and test accuracy per epoch, side by side,
 * for a person to open in a browser.
 */

export interface Series {
  label: string;
  color: string;
  values: number[];
}

interface Panel {
  title: string;
  series: Series[];
  yMin?: number;
  yMax?: number;
  format: (v: number) => string;
}

const W = 420;
const H = 280;
const M = { left: 56, right: 16, top: 36, bottom: 40 };

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function panel(p: Panel, dx: number): string {
  const all = p.series.flatMap((s) => s.values).filter(Number.isFinite);
  const lo = p.yMin ?? Math.min(...all);
  const hi = p.yMax ?? Math.max(...all);
  const span = hi - lo || 1;
  const n = Math.max(...p.series.map((s) => s.values.length));
  const x = (i: number) => dx + M.left + ((W - M.left - M.right) * (n > 1 ? i / (n - 1) : 0.5));
  const y = (v: number) => M.top + (H - M.top - M.bottom) * (1 - (v - lo) / span);
  const parts: string[] = [];
  parts.push(`<text x="${dx + W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escape(p.title)}</text>`);
  for (let k = 0; k <= 4; k++) {
    const v = lo + (span * k) / 4;
    parts.push(`<line x1="${dx + M.left}" x2="${dx + W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${dx + M.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${escape(p.format(v))}</text>`);
  }
  const ticks = Math.min(n, 6);
  for (let k = 0; k < ticks; k++) {
    const i = Math.round(((n - 1) * k) / Math.max(ticks - 1, 1));
    parts.push(`<text x="${x(i)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11">${i + 1}</text>`);
  }
  parts.push(`<text x="${dx + W / 2}" y="${H - 6}" text-anchor="middle" font-size="12">epoch</text>`);
  p.series.forEach((s, k) => {
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points}"/>`);
    parts.push(`<text x="${dx + W - M.right}" y="${M.top + 14 * k + 4}" text-anchor="end" font-size="12" fill="${s.color}">${escape(s.label)}</text>`);
  });
  return parts.join('\n');
}

/** An SVG with the loss panel and the accuracy panel. */
export function trainingChart(title: string, loss: Series[], accuracy: Series[]): string {
  const body = [
    panel({ title: 'loss', series: loss, yMin: 0, format: (v) => v.toFixed(2) }, 0),
    panel({ title: 'accuracy', series: accuracy, yMax: 1, format: (v) => `${(v * 100).toFixed(0)}%` }, W),
  ].join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 24}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${W}" y="${H + 18}" text-anchor="middle" font-size="12" fill="#555">${escape(title)}</text>
${body}
</svg>
`;
}
