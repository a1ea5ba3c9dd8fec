/**
 * The addon must run on any x86-64 CPU: every translation unit is compiled for baseline x86-64
 * (no -march=native, no -mavx in the common flags), and only native/isa/avx2.cc and
 * native/isa/avx512.cc get wider instruction sets, which dispatch.cc calls only after CPUID
 * says the CPU has them. This reads the objects of the source build (build/, made by
 * `npm install`) with objdump and looks for VEX/EVEX-encoded instructions (AVX and later),
 * ymm/zmm registers and AVX-512 mask registers where they must not be.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const objectsDir = path.join(root, 'build', 'CMakeFiles', 'fastoptim.dir', 'native');
const hasObjdump = spawnSync('objdump', ['--version']).status === 0;

function objects(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.o'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

/** The instructions of an object file that need more than baseline x86-64 (SSE2). */
function wideInstructions(file: string, allow: 'none' | 'avx2'): string[] {
  const out = spawnSync('objdump', ['-d', '--no-show-raw-insn', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(out.status, `objdump ${file}`).toBe(0);
  return out.stdout.split('\n').filter((line) => {
    const m = /^\s*[0-9a-f]+:\s+(\S+)(.*)$/.exec(line);
    if (!m) return false;
    const [, mnemonic, operands] = m;
    if (allow === 'avx2') return /%zmm\d|%k[1-7]/.test(operands);
    return mnemonic.startsWith('v') || /%[yz]mm\d|%k[1-7]/.test(operands);
  });
}

const files = objects(objectsDir);

describe.runIf(hasObjdump && files.length > 0 && process.arch === 'x64')('the addon is built for baseline x86-64', () => {
  it('finds the objects of every translation unit, the two ISA units among them', () => {
    const names = files.map((f) => path.relative(objectsDir, f));
    expect(names).toContain(path.join('isa', 'avx2.cc.o'));
    expect(names).toContain(path.join('isa', 'avx512.cc.o'));
    expect(names).toContain('dispatch.cc.o');
  });

  it.each(files.map((f) => [path.relative(objectsDir, f), f] as const))('%s', (name, file) => {
    if (name === path.join('isa', 'avx512.cc.o')) {
      // The one unit allowed AVX-512: it must have some (else the avx512 path is not built).
      expect(wideInstructions(file, 'none').length).toBeGreaterThan(0);
      return;
    }
    if (name === path.join('isa', 'avx2.cc.o')) {
      expect(wideInstructions(file, 'none').length).toBeGreaterThan(0);
      expect(wideInstructions(file, 'avx2').slice(0, 5)).toEqual([]);
      return;
    }
    expect(wideInstructions(file, 'none').slice(0, 5)).toEqual([]);
  });
});
