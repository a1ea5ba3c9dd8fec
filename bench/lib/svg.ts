/**
 * The chart: throughput (GB/s, log scale) against size (elements, log scale), one panel per
 * optimizer of the size sweep, one line per backend, and the triad bound of each thread count
 * as a dashed line. Hand-written SVG, no plotting dependency.
 */
import { sizeLabel } from './format.js';
import type { Row } from './results.js';
import { RUNNER_KINDS } from './runners.js';

const PANEL_W = 380;
const PANEL_H = 260;
const PAD = { left: 52, right: 12, top: 26, bottom: 40 };
const COLUMNS = 3;
const LEGEND_ROW = 18;
const LEGEND_W = 190;
const FOOTNOTE_LINE = 14;

const ISA_COLORS: Record<string, string> = { avx512: '#1f77b4', avx2: '#2ca02c', scalar: '#9467bd' };
const REFERENCE_COLORS: Record<string, string> = { js: '#ff7f0e', 'tfjs-cpu': '#d62728', 'tfjs-wasm': '#8c564b' };

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

/** `hex` mixed with black: darker shades for more threads. */
function darken(hex: string, amount: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const channel = (shift: number): string =>
    Math.round(((n >> shift) & 255) * (1 - amount))
      .toString(16)
      .padStart(2, '0');
  return `#${channel(16)}${channel(8)}${channel(0)}`;
}

interface Series {
  label: string;
  color: string;
  width: number;
  dash: string | null;
  points: { x: number; y: number }[];
}

function styleOf(r: Row, maxThreads: number): Pick<Series, 'color' | 'width' | 'dash'> {
  if (r.kind !== 'native') return { color: REFERENCE_COLORS[r.kind] ?? '#7f7f7f', width: 1.6, dash: null };
  const base = ISA_COLORS[r.isa ?? ''] ?? '#7f7f7f';
  const many = r.threads > 1;
  return { color: many ? darken(base, 0.45 * (r.threads / maxThreads)) : base, width: many ? 2.4 : 1.6, dash: null };
}

/** The SVG document, or null when the rows hold no size sweep. */
export function sweepChart(rows: readonly Row[], triads: readonly Row[], title: string): string | null {
  const sweep = rows.filter((r) => r.suite === 'sweep' && r.gbPerSec > 0);
  if (sweep.length === 0) return null;
  const optimizers = [...new Set(sweep.map((r) => r.optimizer))];
  const sizes = [...new Set(sweep.map((r) => r.elements))].sort((a, b) => a - b);
  const maxThreads = Math.max(...sweep.map((r) => r.threads));
  const bounds = triads.filter((t) => sizes.includes(t.elements));
  const backends = RUNNER_KINDS.flatMap((kind) => [...new Set(sweep.filter((r) => r.kind === kind).map((r) => r.backend))]);
  const threadCounts = [...new Set(bounds.map((t) => t.threads))].sort((a, b) => a - b);

  // Axes shared by every panel.
  const all = [...sweep, ...bounds].map((r) => r.gbPerSec);
  const yMin = Math.floor(Math.log10(Math.min(...all)));
  const yMax = Math.ceil(Math.log10(Math.max(...all)));
  const xMin = Math.log2(sizes[0]);
  const xMax = Math.max(Math.log2(sizes[sizes.length - 1]), xMin + 1);
  const plotW = PANEL_W - PAD.left - PAD.right;
  const plotH = PANEL_H - PAD.top - PAD.bottom;
  const px = (elements: number): number => PAD.left + ((Math.log2(elements) - xMin) / (xMax - xMin)) * plotW;
  const py = (gb: number): number => PAD.top + (1 - (Math.log10(gb) - yMin) / Math.max(yMax - yMin, 1)) * plotH;

  // Legend: backends, then the bounds.
  const legendItems: { label: string; color: string; width: number; dash: string | null }[] = [
    ...backends.map((b) => ({ label: b, ...styleOf(sweep.find((r) => r.backend === b)!, maxThreads) })),
    ...threadCounts.map((n, i) => ({ label: `best triad t${n}`, color: '#444', width: 1.4, dash: i === 0 ? '5 3' : '2 2' })),
  ];
  const columns = Math.min(COLUMNS, optimizers.length);
  const width = columns * PANEL_W;
  const perLegendRow = Math.max(1, Math.floor((width - 10) / LEGEND_W));
  const legendH = Math.ceil(legendItems.length / perLegendRow) * LEGEND_ROW + 8;
  const top = 34 + legendH;
  const height = top + Math.ceil(optimizers.length / columns) * PANEL_H + 2 * FOOTNOTE_LINE + 8;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="10" y="${height - 8 - FOOTNOTE_LINE}" fill="#555">GB/s = elements per second x the optimizer's bytes per element; both axes logarithmic; median time per step.</text>`,
    `<text x="10" y="${height - 8}" fill="#555">Dashed and dotted: the best triad at the same size and thread count.</text>`,
  );
  legendItems.forEach((item, i) => {
    const x = 10 + (i % perLegendRow) * LEGEND_W;
    const y = 40 + Math.floor(i / perLegendRow) * LEGEND_ROW;
    const dash = item.dash ? ` stroke-dasharray="${item.dash}"` : '';
    out.push(
      `<line x1="${x}" y1="${y}" x2="${x + 24}" y2="${y}" stroke="${item.color}" stroke-width="${item.width}"${dash}/>`,
      `<text x="${x + 30}" y="${y + 4}">${escapeXml(item.label)}</text>`,
    );
  });

  optimizers.forEach((optimizer, index) => {
    const ox = (index % columns) * PANEL_W;
    const oy = top + Math.floor(index / columns) * PANEL_H;
    const inPanel = sweep.filter((r) => r.optimizer === optimizer);
    const bytes = inPanel[0].bytesPerElement;
    out.push(`<g transform="translate(${ox},${oy})">`);
    out.push(`<text x="${PAD.left}" y="16" font-size="12" font-weight="bold">${escapeXml(optimizer)} (${bytes} B/element)</text>`);
    // Grid and ticks.
    for (let d = yMin; d <= yMax; d++) {
      const y = py(10 ** d).toFixed(1);
      out.push(
        `<line x1="${PAD.left}" y1="${y}" x2="${PAD.left + plotW}" y2="${y}" stroke="#ddd"/>`,
        `<text x="${PAD.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${10 ** d >= 1 ? 10 ** d : (10 ** d).toFixed(-d)}</text>`,
      );
    }
    for (const n of sizes) {
      const x = px(n).toFixed(1);
      out.push(
        `<line x1="${x}" y1="${PAD.top}" x2="${x}" y2="${PAD.top + plotH}" stroke="#eee"/>`,
        `<text x="${x}" y="${PAD.top + plotH + 14}" text-anchor="middle">${sizeLabel(n)}</text>`,
      );
    }
    out.push(
      `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
      `<text x="${PAD.left + plotW / 2}" y="${PANEL_H - 8}" text-anchor="middle">elements</text>`,
      `<text transform="translate(12,${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">GB/s</text>`,
    );
    // Series: the bounds first (underneath), then the backends.
    const series: Series[] = [
      ...threadCounts.map((n, i) => ({
        label: `triad t${n}`,
        color: '#444',
        width: 1.4,
        dash: i === 0 ? '5 3' : '2 2',
        points: bounds.filter((t) => t.threads === n).map((t) => ({ x: t.elements, y: t.gbPerSec })),
      })),
      ...backends.flatMap((b) => {
        const points = inPanel.filter((r) => r.backend === b).map((r) => ({ x: r.elements, y: r.gbPerSec }));
        return points.length ? [{ label: b, ...styleOf(inPanel.find((r) => r.backend === b)!, maxThreads), points }] : [];
      }),
    ];
    for (const s of series) {
      const pts = [...s.points].sort((a, b) => a.x - b.x);
      const d = pts.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ');
      const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
      out.push(`<polyline points="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width}"${dash}><title>${escapeXml(s.label)}</title></polyline>`);
      if (!s.dash) {
        for (const p of pts) out.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="2" fill="${s.color}"/>`);
      }
    }
    out.push('</g>');
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
