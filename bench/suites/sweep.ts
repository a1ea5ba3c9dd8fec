/**
 * The size sweep: one tensor of N elements, N from 1K to 64M, every optimizer on every
 * instruction set and thread count, the JS backend and TensorFlow.js.
 */
import { M, K, sizeLabel } from '../lib/format.js';
import type { Layout } from '../lib/layout.js';

import type { Suite } from './index.js';

/** Powers of 4 from 1K to 64M: L1-resident up to memory-bound. */
export const SWEEP_SIZES = [K, 4 * K, 16 * K, 64 * K, 256 * K, M, 4 * M, 16 * M, 64 * M];

/** The quick mode's sizes: in L1/L2, in L3, and from memory (4M and 16M: the targets' sizes). */
export const QUICK_SIZES = [4 * K, 256 * K, 4 * M, 16 * M];

export const sweep: Suite = {
  name: 'sweep',
  description: 'one tensor of N elements, every optimizer, instruction set, thread count and reference',
  layouts: ({ sizes }): Layout[] => sizes.map((n) => ({ suite: 'sweep', name: sizeLabel(n), shapes: [[n]], isas: 'all' })),
};
