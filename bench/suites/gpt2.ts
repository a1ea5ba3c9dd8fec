/**
 * GPT-2 small's parameters in their real tensor shapes (Radford et al. 2019, the 124M model as
 * Hugging Face's `gpt2` checkpoint stores it; the output projection is tied to `wte`, so it adds
 * no parameters): 148 tensors, 124,439,808 parameters. Adam's state over it (two float32 buffers
 * per parameter, plus the parameters and gradients) needs about 2 GB.
 *
 * Every optimizer runs on the best instruction set at every thread count; Adam also on the JS
 * backend and TensorFlow.js (cpu only up to its size limit, so not by default: a cpu step takes
 * tens of seconds).
 */
import { totalElements } from '../lib/data.js';
import type { Layout } from '../lib/layout.js';

import type { Suite } from './index.js';

const D_MODEL = 768;
const N_LAYER = 12;
const VOCAB = 50257;
const N_CTX = 1024;

/** The shapes in the checkpoint's order (Conv1D weights are [in, out]). */
export function gpt2SmallShapes(): number[][] {
  const block = (): number[][] => [
    [D_MODEL], // ln_1.weight
    [D_MODEL], // ln_1.bias
    [D_MODEL, 3 * D_MODEL], // attn.c_attn.weight
    [3 * D_MODEL], // attn.c_attn.bias
    [D_MODEL, D_MODEL], // attn.c_proj.weight
    [D_MODEL], // attn.c_proj.bias
    [D_MODEL], // ln_2.weight
    [D_MODEL], // ln_2.bias
    [D_MODEL, 4 * D_MODEL], // mlp.c_fc.weight
    [4 * D_MODEL], // mlp.c_fc.bias
    [4 * D_MODEL, D_MODEL], // mlp.c_proj.weight
    [D_MODEL], // mlp.c_proj.bias
  ];
  return [
    [VOCAB, D_MODEL], // wte
    [N_CTX, D_MODEL], // wpe
    ...Array.from({ length: N_LAYER }, block).flat(),
    [D_MODEL], // ln_f.weight
    [D_MODEL], // ln_f.bias
  ];
}

/** 124,439,808: checked when the layout is built. */
export const GPT2_SMALL_PARAMETERS = 124_439_808;

export const gpt2: Suite = {
  name: 'gpt2',
  description: 'GPT-2 small: 148 tensors, 124,439,808 parameters in their real shapes',
  layouts: (): Layout[] => {
    const shapes = gpt2SmallShapes();
    const total = totalElements(shapes);
    if (total !== GPT2_SMALL_PARAMETERS) throw new Error(`GPT-2 small layout has ${total} parameters, expected ${GPT2_SMALL_PARAMETERS}`);
    return [{ suite: 'gpt2', name: 'gpt2-small', shapes, isas: 'best', referenceOptimizers: ['Adam'] }];
  },
};
