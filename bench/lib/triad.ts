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
import { measure, type Budget } from './timing.js';

/**
 * Bytes a triad moves per element: it reads b and c, and writes a, which it never reads, so the
 * CPU first reads each line of a for ownership (write-allocate): 4 + 4 + 4 + 4. The optimizers
 * write only buffers they have just read, so their reads + writes are already their traffic.
 */
export const TRIAD_BYTES_PER_ELEMENT = 16;

/**
 * Measures the triad per (element count, thread count): on first use, and again whenever a
 * suite asks (`reprobe`, at the end of each layout). The bound is the best of the probes, so a
 * probe that ran while other processes held the cores does not lower it.
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

  private reprobe(elements: number, threads: number, isa: Isa): Row {
    const key = `${elements}/${threads}`;
    const row = this.probe(elements, threads, isa);
    this.all.push(row);
    const old = this.best.get(key);
    if (!old) {
      this.best.set(key, row);
      this.rows.push(row);
      return row;
    }
    if (row.gbPerSec > old.gbPerSec) {
      this.best.set(key, row);
      this.rows[this.rows.indexOf(old)] = row;
      return row;
    }
    return old;
  }

  private probe(elements: number, threads: number, isa: Isa): Row {
    const runner: Runner = { label: `native/${isa}/t${threads}`, kind: 'native', isa, threads };
    this.log(`  triad ${sizeLabel(elements)} ${runner.label}`);
    activate(runner, this.control);
    const binding = nativeBinding()!;
    // Filling faults the pages in before timing; the values do not matter to the triad.
    const args = {
      a: [new Float32Array(elements).fill(0)] as [Float32Array],
      b: [new Float32Array(elements).fill(1)] as [Float32Array],
      c: [new Float32Array(elements).fill(2)] as [Float32Array],
      scalar: 0.5,
    };
    const timing = measure(() => binding.triad(args), this.budget);
    const cell = {
      suite: 'triad',
      layout: sizeLabel(elements),
      optimizer: 'triad',
      backend: runner.label,
      kind: runner.kind,
      isa,
      threads,
      elements,
      tensors: 1,
      bytesPerStep: elements * TRIAD_BYTES_PER_ELEMENT,
    };
    return toRow(cell, timing, null);
  }
}
