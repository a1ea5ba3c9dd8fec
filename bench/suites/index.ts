/**
 * The suites, in the order a run measures them. Each is a list of parameter layouts that
 * `runLayout` measures.
 */
import type { Layout } from '../lib/layout.js';

import { gpt2 } from './gpt2.js';
import { sweep } from './sweep.js';
import { tensors } from './tensors.js';

export interface Suite {
  /** Its name on the command line (`--suites`). */
  name: string;
  description: string;
  layouts(options: { sizes: readonly number[] }): Layout[];
}

export const SUITES: readonly Suite[] = [sweep, tensors, gpt2];
