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

/** Measures the triad once per (element count, thread count) and keeps the rows. */
export class BandwidthProbe {
  /** Every triad measured, in order. */
  readonly rows: Row[] = [];
  private readonly cache = new Map<string, Row>();

  /** `isa` null: no native addon, hence no bound. */
  constructor(
    private readonly isa: Isa | null,
    private readonly control: ThreadControl | null,
    private readonly budget: Budget,
    private readonly log: (line: string) => void,
  ) {}

  /** The triad's GB/s over `elements` with `threads` threads (measured on first use), or null. */
  gbPerSec(elements: number, threads: number): number | null {
    if (this.isa === null || elements === 0) return null;
    const key = `${elements}/${threads}`;
    let row = this.cache.get(key);
    if (!row) {
      row = this.probe(elements, threads, this.isa);
      this.cache.set(key, row);
      this.rows.push(row);
    }
    return row.gbPerSec;
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
