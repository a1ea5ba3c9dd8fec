/**
 * The API reference's examples are real programs: every ```ts block in an `@example` of a TSDoc
 * comment in src/ is type-checked with the project's strict options and run, against the public
 * index, and every public class and function has at least one.
 */
import { pathToFileURL } from 'node:url';

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { backendInfo, setBackend, setSimd } from '../src/index.js';
import { collectExamples, examplesOfComment, publicExports, readmeQuickStart, typeCheck, writeExampleModules, type DocExample } from './helpers/doc-examples.js';

const all = collectExamples();
const quickStart = readmeQuickStart();
// The README's quick start runs with them (last), and must print what its comment says.
const runnable = [...all.filter((e): e is DocExample & { code: string } => e.code !== null), quickStart];
const files = writeExampleModules(runnable);
let diagnostics = new Map<string, string[]>();

describe('TSDoc @example blocks', () => {
  beforeAll(() => {
    diagnostics = typeCheck(files);
  }, 120_000);

  it('there are examples, each in a ```ts block', () => {
    expect(runnable.length).toBeGreaterThan(50);
    expect(all.filter((e) => e.code === null).map((e) => e.where)).toEqual([]);
  });

  it('every public class and function has an @example', () => {
    const missing = publicExports()
      .filter((e) => e.kind !== 'other' && !e.hasExample)
      .map((e) => `${e.name} (${e.where})`);
    expect(missing).toEqual([]);
  });

  const before = backendInfo();
  afterEach(() => {
    // An example may switch the backend or the instruction set: put them back.
    setBackend(before.backend);
    if (before.isa) setSimd(before.isa);
    vi.restoreAllMocks();
  });

  it.each(runnable.map((e, i) => [e.where, i] as const))('%s (#%i) type-checks and runs', async (_where, i) => {
    expect(diagnostics.get(files[i]) ?? [], `${files[i]}:\n${runnable[i].code}`).toEqual([]);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import(pathToFileURL(files[i]).href);
    if (runnable[i] === quickStart) {
      // `console.log(backendInfo().backend, ...); // native 0.841 0.841`: the backend in use, then the values.
      const promised = /\/\/\s*(\S+)\s+(.*)$/.exec(quickStart.code.split('\n').at(-1)!)!;
      expect(log.mock.calls.map((c) => c.join(' '))).toEqual([`${backendInfo().backend} ${promised[2]}`]);
    }
  });
});

describe('example extraction', () => {
  it('finds the ```ts blocks of each @example section, and only those', () => {
    const comment = [
      '/**',
      ' * Text with a block that is not an example:',
      ' * ```ts',
      ' * notAnExample();',
      ' * ```',
      ' * @param x - a parameter',
      ' * @example',
      ' * ```ts',
      ' * const a = 1;',
      ' *   const indented = a;',
      ' * ```',
      ' * ```text',
      ' * not code',
      ' * ```',
      ' * @example',
      ' * unfenced();',
      ' * @returns nothing',
      ' */',
    ].join('\n');
    expect(examplesOfComment(comment)).toEqual([['const a = 1;\n  const indented = a;'], []]);
  });
});
