/**
 * One measured cell of the benchmark, as printed and written to the JSON.
 */
import type { Isa } from '../../src/index.js';

import type { RunnerKind } from './runners.js';
import type { Timing } from './timing.js';

/** Where a row was measured. */
export interface Cell {
  /** The suite that measured it (`sweep`, `tensors`, `gpt2`; `triad` for the probe). */
  suite: string;
  /** The parameter layout: a size (`4M`), `2000x512`, `1x1024000`, `gpt2-small`. */
  layout: string;
  /** The optimizer, or `triad` for the bandwidth probe. */
  optimizer: string;
  /** The runner's label (`native/avx512/t2`, `js`, `tfjs-cpu`, `tfjs-wasm`). */
  backend: string;
  kind: RunnerKind;
  isa: Isa | null;
  threads: number;
  /** Elements stepped (all tensors together). */
  elements: number;
  tensors: number;
  /** Bytes one step moves (reads + writes; the triad's include write-allocate). */
  bytesPerStep: number;
}

/** One measured cell, as printed and written to the JSON. */
export interface Row extends Omit<Cell, 'bytesPerStep'> {
  /** Bytes moved per element per step. */
  bytesPerElement: number;
  /** Median milliseconds per step. */
  msPerStep: number;
  /** Fastest sample, milliseconds per step. */
  minMsPerStep: number;
  /** Millions of elements per second at the median. */
  melemPerSec: number;
  /** elements x bytesPerElement / median time, in GB/s (1e9 B). */
  gbPerSec: number;
  /**
   * The triad's GB/s at the same element count and thread count: for a native row, the triad
   * timed beside it (`paired`); for the references, the best triad of the layout. Null without
   * the native addon.
   */
  boundGbPerSec: number | null;
  /** Whether the bound was timed beside this row (its samples interleaved with the row's). */
  paired?: boolean;
  /** gbPerSec / boundGbPerSec: the step's speed as a fraction of the bandwidth bound. */
  fractionOfBound: number | null;
  samples: number;
  stepsPerSample: number;
  stepsTimed: number;
}

/** The row of a measured cell, rated against `boundGbPerSec` (null: no bound). */
export function toRow(cell: Cell, timing: Timing, boundGbPerSec: number | null): Row {
  const { bytesPerStep, ...where } = cell;
  const row: Row = {
    ...where,
    bytesPerElement: cell.elements > 0 ? bytesPerStep / cell.elements : 0,
    msPerStep: timing.medianSec * 1e3,
    minMsPerStep: timing.minSec * 1e3,
    melemPerSec: cell.elements / timing.medianSec / 1e6,
    gbPerSec: bytesPerStep / timing.medianSec / 1e9,
    boundGbPerSec: null,
    fractionOfBound: null,
    samples: timing.samples,
    stepsPerSample: timing.batch,
    stepsTimed: timing.steps,
  };
  return rated(row, boundGbPerSec);
}

/** `row` against another bound. */
export function rated(row: Row, boundGbPerSec: number | null): Row {
  return { ...row, boundGbPerSec, fractionOfBound: boundGbPerSec ? row.gbPerSec / boundGbPerSec : null };
}
