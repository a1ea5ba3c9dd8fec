/**
 * Backend selection: the native addon loads here (CI builds it), FASTOPTIM_BACKEND and
 * FASTOPTIM_SIMD force a backend or instruction set (read once when the library loads, so each
 * case runs in a child process), FASTOPTIM_NUM_THREADS sets the thread count, and a forced
 * choice that cannot be honoured throws clearly.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { backendInfo, setBackend, setSimd } from '../src/index.js';
import { useDefault } from './helpers/targets.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

function runChild(env: Record<string, string>) {
  const childEnv: Record<string, string | undefined> = { ...process.env, FASTOPTIM_BACKEND: undefined, FASTOPTIM_SIMD: undefined, FASTOPTIM_NUM_THREADS: undefined, ...env };
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/scripts/backend-info.ts'], { cwd: root, env: childEnv as NodeJS.ProcessEnv, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, result: r.status === 0 ? JSON.parse(r.stdout) : null };
}

describe('in this process', () => {
  it('loads the native addon and picks the best instruction set', () => {
    const info = backendInfo();
    expect(info.nativeAvailable, info.nativeError ?? '').toBe(true);
    expect(info.backend).toBe('native');
    expect(info.supportedIsas).toContain('scalar');
    expect(info.supportedIsas[info.supportedIsas.length - 1]).toBe('scalar');
    expect(info.isa).toBe(info.supportedIsas[0]);
  });

  it('switches backend and instruction set, and refuses what the CPU lacks', () => {
    try {
      setBackend('js');
      expect(backendInfo()).toMatchObject({ backend: 'js', isa: null });
      setBackend('native');
      setSimd('scalar');
      expect(backendInfo().isa).toBe('scalar');
      for (const isa of ['avx512', 'avx2'] as const) {
        if (!backendInfo().supportedIsas.includes(isa)) {
          expect(() => setSimd(isa)).toThrow(/not supported by this CPU/);
        }
      }
      expect(() => setSimd('sse9' as never)).toThrow(/unknown instruction set 'sse9'/);
      expect(() => setBackend('gpu' as never)).toThrow('Expected one of "native", "js" for backend but received "gpu"');
    } finally {
      useDefault();
    }
  });
});

describe('environment overrides (child processes)', () => {
  const baseline = runChild({ FASTOPTIM_BACKEND: 'js' });

  it('FASTOPTIM_BACKEND=js uses the JS backend', () => {
    expect(baseline.stderr).toBe('');
    expect(baseline.result.info).toMatchObject({ backend: 'js', isa: null, nativeAvailable: false });
  });

  it.each(['scalar', 'avx2', 'avx512'])('FASTOPTIM_SIMD=%s forces that instruction set when the CPU has it', (isa) => {
    const r = runChild({ FASTOPTIM_SIMD: isa });
    if (backendInfo().supportedIsas.includes(isa as never)) {
      expect(r.result.info).toMatchObject({ backend: 'native', isa });
      r.result.data.forEach((x: number, i: number) => expect(x).toBeCloseTo(baseline.result.data[i], 6));
    } else {
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(`FASTOPTIM_SIMD=${isa} but the native addon could not be loaded`);
      expect(r.stderr).toContain('not supported by this CPU');
    }
  });

  it('FASTOPTIM_BACKEND=native loads the addon; an unknown FASTOPTIM_SIMD or backend throws', () => {
    expect(runChild({ FASTOPTIM_BACKEND: 'native' }).result.info.backend).toBe('native');
    const bad = runChild({ FASTOPTIM_SIMD: 'avx9000' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("unknown instruction set 'avx9000'");
    const badBackend = runChild({ FASTOPTIM_BACKEND: 'cuda' });
    expect(badBackend.status).not.toBe(0);
    expect(badBackend.stderr).toContain('Expected one of "native", "js" for FASTOPTIM_BACKEND but received "cuda"');
  });

  it('FASTOPTIM_NUM_THREADS sets the thread count on both backends; a bad value throws', () => {
    const three = runChild({ FASTOPTIM_NUM_THREADS: '3' });
    expect(three.result.info).toMatchObject({ backend: 'native', numThreads: 3 });
    expect(runChild({ FASTOPTIM_NUM_THREADS: '1', FASTOPTIM_BACKEND: 'js' }).result.info).toMatchObject({ backend: 'js', numThreads: 1 });
    expect(runChild({}).result.info.numThreads).toBe(os.availableParallelism());
    for (const value of ['0', 'two', '1.5', '300']) {
      const bad = runChild({ FASTOPTIM_NUM_THREADS: value });
      expect(bad.status, value).not.toBe(0);
      expect(bad.stderr).toContain('Expected an integer in [1, 256] for FASTOPTIM_NUM_THREADS but received');
    }
  });
});
