/**
 * The bandwidth bound: the native STREAM triad `a = b + s*c` (`nativeBinding().triad`, through
 * the same lane types and loop as the update rules) at the same element count and with the same
 * thread count as the step it bounds, on the best instruction set of the run.
 */
import { nativeBinding } from '../../src/backend.js';
import type { Isa } from '../../src/index.js';

import { sizeLabel } from './format.js';
import { toRow, type Row } from './results.js';
import { activate, type Runner } from './runners.js';
import type { ThreadControl } from './threads.js';
import { measure, type Budget, type Timing } from './timing.js';

/**
 * Bytes a triad moves per element: it reads b and c, and writes a, which it never reads, so the
 * CPU first reads each line of a for ownership (write-allocate): 4 + 4 + 4 + 4. The optimizers
 * write only buffers they have just read, so their reads + writes are already their traffic.
 */
export const TRIAD_BYTES_PER_ELEMENT = 16;

/**
 * The triad per (element count, thread count). A native step is rated against a triad timed
 * beside it (its samples interleaved with the step's, `measurePaired`), so both see the same
 * machine; the references (JS, TensorFlow.js, one thread) against the best triad probed for the
 * layout (on first use and again at its end). Every triad timed is kept (`all`), and the best
 * per (element count, thread count) too (`rows`, the report's triad lines).
 */
export class BandwidthProbe {
  /** The best triad per (element count, thread count), in the order first measured. */
  readonly rows: Row[] = [];
  /** Every probe, in order. */
  readonly all: Row[] = [];
  private readonly best = new Map<string, Row>();

  /** `isa` null: no native addon, hence no bound. */
  constructor(
    private readonly isa: Isa | null,
    private readonly control: ThreadControl | null,
    private readonly budget: Budget,
    private readonly log: (line: string) => void,
  ) {}

  /** The triad's best GB/s so far over `elements` with `threads` threads (measured on first use), or null. */
  gbPerSec(elements: number, threads: number): number | null {
    if (this.isa === null || elements === 0) return null;
    return (this.best.get(`${elements}/${threads}`) ?? this.reprobe(elements, threads, this.isa)).gbPerSec;
  }

  /** Measures the triad again, when it was measured before. */
  remeasure(elements: number, threads: number): void {
    if (this.isa !== null && this.best.has(`${elements}/${threads}`)) this.reprobe(elements, threads, this.isa);
  }

  /**
   * A triad over `elements` elements, for timing beside a step (`measurePaired`). The buffers are
   * kept for the last element count asked for (filled once: that faults the pages in).
   */
  triadStep(elements: number): () => void {
    if (this.buffers?.elements !== elements) {
      this.buffers = null; // let the previous ones go first
      this.buffers = {
        elements,
        args: {
          a: [new Float32Array(elements).fill(0)],
          b: [new Float32Array(elements).fill(1)],
          c: [new Float32Array(elements).fill(2)],
          scalar: 0.5,
        },
      };
    }
    const binding = nativeBinding()!;
    const args = this.buffers.args;
    return () => binding.triad(args);
  }

  /** Records a triad timed with `threads` threads (a probe, or one paired with a step); returns its row. */
  record(elements: number, threads: number, timing: Timing): Row {
    const isa = this.isa!;
    const cell = {
      suite: 'triad',
      layout: sizeLabel(elements),
      optimizer: 'triad',
      backend: `native/${isa}/t${threads}`,
      kind: 'native' as const,
      isa,
      threads,
      elements,
      tensors: 1,
      bytesPerStep: elements * TRIAD_BYTES_PER_ELEMENT,
    };
    const row = toRow(cell, timing, null);
    this.all.push(row);
    const key = `${elements}/${threads}`;
    const old = this.best.get(key);
    if (!old) {
      this.best.set(key, row);
      this.rows.push(row);
    } else if (row.gbPerSec > old.gbPerSec) {
      this.best.set(key, row);
      this.rows[this.rows.indexOf(old)] = row;
    }
    return row;
  }

  private buffers: { elements: number; args: { a: [Float32Array]; b: [Float32Array]; c: [Float32Array]; scalar: number } } | null = null;

  private reprobe(elements: number, threads: number, isa: Isa): Row {
    const runner: Runner = { label: `native/${isa}/t${threads}`, kind: 'native', isa, threads };
    this.log(`  triad ${sizeLabel(elements)} ${runner.label}`);
    activate(runner, this.control);
    this.record(elements, threads, measure(this.triadStep(elements), this.budget));
    return this.best.get(`${elements}/${threads}`)!;
  }
}
