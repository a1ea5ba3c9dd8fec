/**
 * Many small tensors against one large one: 2000 separately allocated tensors of 512 elements
 * beside one tensor of the same 1,024,000 elements, each stepped as one parameter group (one
 * native call), on the best instruction set at every thread count and on the references. The
 * ratio of the two times is the per-tensor overhead of a group step.
 */
import type { Layout } from '../lib/layout.js';

import type { Suite } from './index.js';

export const MANY_TENSORS = 2000;
export const SMALL_TENSOR = 512;

/** The layout names, as the targets look them up. */
export const MANY_LAYOUT = `${MANY_TENSORS}x${SMALL_TENSOR}`;
export const ONE_LAYOUT = `1x${MANY_TENSORS * SMALL_TENSOR}`;

export const tensors: Suite = {
  name: 'tensors',
  description: `${MANY_TENSORS} tensors of ${SMALL_TENSOR} elements vs one tensor of the same total size`,
  layouts: (): Layout[] => [
    {
      suite: 'tensors',
      name: MANY_LAYOUT,
      shapes: Array.from({ length: MANY_TENSORS }, () => [SMALL_TENSOR]),
      isas: 'best',
    },
    { suite: 'tensors', name: ONE_LAYOUT, shapes: [[MANY_TENSORS * SMALL_TENSOR]], isas: 'best' },
  ],
};
