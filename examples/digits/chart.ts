/**
 * A dependency-free SVG line chart of a training run, for a person to open in a browser: panels
 * side by side (loss, accuracy, learning rate), each with its own y axis, epochs on the x axis.
 */

export interface Series {
  label: string;
  color: string;
  /** x of each point, in epochs (1 = the end of the first epoch). */
  x: number[];
  y: number[];
  /** Draw a dot at each point (for per-epoch values; off for per-step curves). */
  dots?: boolean;
  dashed?: boolean;
}

export interface Panel {
  title: string;
  series: Series[];
  /** Fixed ends of the y axis; otherwise the data's range, rounded to nice ticks. */
  yMin?: number;
  yMax?: number;
  format: (v: number) => string;
}

const W = 380;
const H = 300;
const M = { left: 62, right: 14, top: 48, bottom: 44 };

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.floor(lo / step + 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[0] > lo) ticks.unshift(Number((ticks[0] - step).toPrecision(12)));
  if (ticks[ticks.length - 1] < hi) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

function panel(p: Panel, dx: number): string {
  const ys = p.series.flatMap((s) => s.y).filter(Number.isFinite);
  const xs = p.series.flatMap((s) => s.x);
  const ticks = niceTicks(p.yMin ?? Math.min(...ys), p.yMax ?? Math.max(...ys));
  const [lo, hi] = [ticks[0], ticks[ticks.length - 1]];
  const xMax = Math.max(1, ...xs);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (v: number) => dx + M.left + (plotW * v) / xMax;
  const y = (v: number) => M.top + plotH * (1 - (v - lo) / (hi - lo || 1));
  const out: string[] = [];
  out.push(`<text x="${dx + M.left + plotW / 2}" y="18" text-anchor="middle" font-size="15" font-weight="bold">${escape(p.title)}</text>`);
  for (const v of ticks) {
    out.push(`<line x1="${dx + M.left}" x2="${dx + W - M.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${dx + M.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#444">${escape(p.format(v))}</text>`);
  }
  for (const v of niceTicks(0, xMax, 6).filter((t) => t <= xMax && Number.isInteger(t))) {
    out.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${M.top + plotH}" y2="${M.top + plotH + 4}" stroke="#888"/>`);
    out.push(`<text x="${x(v).toFixed(1)}" y="${M.top + plotH + 17}" text-anchor="middle" font-size="11" fill="#444">${v}</text>`);
  }
  out.push(`<rect x="${dx + M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${dx + M.left + plotW / 2}" y="${H - 8}" text-anchor="middle" font-size="12" fill="#444">epoch</text>`);
  p.series.forEach((s, k) => {
    const points = s.x.map((xv, i) => `${x(xv).toFixed(1)},${y(s.y[i]).toFixed(1)}`).join(' ');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} stroke-linejoin="round" points="${points}"/>`);
    if (s.dots) for (const [i, xv] of s.x.entries()) out.push(`<circle cx="${x(xv).toFixed(1)}" cy="${y(s.y[i]).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
    // the legend, above the plot
    const lx = dx + M.left + k * 130;
    out.push(`<line x1="${lx}" x2="${lx + 22}" y1="36" y2="36" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${lx + 27}" y="40" font-size="12">${escape(s.label)}</text>`);
  });
  return out.join('\n');
}

/** An SVG with the panels side by side and a caption under them. */
export function trainingChart(caption: string, panels: Panel[]): string {
  const body = panels.map((p, i) => panel(p, i * W)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${panels.length * W}" height="${H + 26}" viewBox="0 0 ${panels.length * W} ${H + 26}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="white"/>
${body}
<text x="${(panels.length * W) / 2}" y="${H + 16}" text-anchor="middle" font-size="12" fill="#555">${escape(caption)}</text>
</svg>
`;
}
