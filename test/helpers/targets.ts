/**
 * Every backend and instruction set a test runs over: the JS oracle, and the native backend
 * once per instruction set this CPU supports. `use()` switches the whole library to it.
 */
import { backendInfo, setBackend, setSimd, type Isa } from '../../src/index.js';

export interface Target {
  name: string;
  use(): void;
}

export const jsTarget: Target = { name: 'js', use: () => setBackend('js') };

const info = backendInfo();

export const nativeTargets: Target[] = info.supportedIsas.map((isa: Isa) => ({
  name: `native/${isa}`,
  use: () => {
    setBackend('native');
    setSimd(isa);
  },
}));

export const allTargets: Target[] = [jsTarget, ...nativeTargets];

/** Restores the default: native with its best instruction set when available. */
export function useDefault(): void {
  if (info.nativeAvailable) {
    setBackend('native');
    setSimd(info.supportedIsas[0]);
  } else {
    setBackend('js');
  }
}
