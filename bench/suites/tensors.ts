/**
 * Many small tensors against one large one: 2000 tensors of 512 elements in a ParameterArena
 * (parameters, gradients and optimizer state in one buffer: the library's multi-tensor path),
 * the same 2000 tensors separately allocated, and one tensor of the same 1,024,000 elements,
 * each stepped as one parameter group (one native call), on the best instruction set at every
 * thread count and on the references. The ratio of the arena's time to the one tensor's is the
 * per-tensor overhead of a group step; the separate buffers show what the arena saves.
 */
import { ParameterArena } from '../../src/index.js';
import { makeParams } from '../lib/data.js';
import type { Layout } from '../lib/layout.js';
import { OPTIMIZERS } from '../optimizers.js';

import type { Suite } from './index.js';

export const MANY_TENSORS = 2000;
export const SMALL_TENSOR = 512;

/** The layout names, as the targets look them up. */
export const MANY_LAYOUT = `${MANY_TENSORS}x${SMALL_TENSOR}`;
export const ARENA_LAYOUT = `${MANY_LAYOUT}-arena`;
export const ONE_LAYOUT = `1x${MANY_TENSORS * SMALL_TENSOR}`;

export const tensors: Suite = {
  name: 'tensors',
  description: `${MANY_TENSORS} tensors of ${SMALL_TENSOR} elements vs one tensor of the same total size`,
  layouts: (): Layout[] => [
    {
      suite: 'tensors',
      name: ARENA_LAYOUT,
      shapes: Array.from({ length: MANY_TENSORS }, () => [SMALL_TENSOR]),
      isas: 'best',
      build: () => {
        // Room for every optimizer's state (at most three buffers each): each optimizer of the
        // run is built once over these parameters and keeps its own state regions.
        const arena = new ParameterArena(Array.from({ length: MANY_TENSORS }, () => [SMALL_TENSOR]), { stateBuffers: 3 * OPTIMIZERS.length });
        // The same values, in the same order, as the separately allocated layouts.
        const values = makeParams([[MANY_TENSORS * SMALL_TENSOR]])[0];
        arena.data.set(values.data);
        arena.grad.set(values.grad!);
        return arena.parameters;
      },
    },
    {
      suite: 'tensors',
      name: MANY_LAYOUT,
      shapes: Array.from({ length: MANY_TENSORS }, () => [SMALL_TENSOR]),
      isas: 'best',
    },
    { suite: 'tensors', name: ONE_LAYOUT, shapes: [[MANY_TENSORS * SMALL_TENSOR]], isas: 'best' },
  ],
};
