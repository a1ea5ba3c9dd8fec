/**
 * The published package: `npm pack`, installed into an empty project with install scripts
 * disabled (nothing is compiled), loads the prebuilt native backend through both CommonJS and
 * ESM; without the prebuilt binary it falls back to the JS backend with the same results, and
 * FASTOPTIM_BACKEND=native then says clearly why it cannot load.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let tmp = '';
let app = '';
let files: string[] = [];

function use(mode: 'cjs' | 'esm', env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(app, 'use-package.cjs'), mode], {
    cwd: app,
    env: { ...process.env, FASTOPTIM_BACKEND: undefined, FASTOPTIM_SIMD: undefined, ...env } as NodeJS.ProcessEnv,
    encoding: 'utf8',
  });
  return { status: r.status, stderr: r.stderr, out: r.status === 0 ? JSON.parse(r.stdout) : null };
}

function expectSameNumbers(a: number[], b: number[]) {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b[i]))));
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'fastoptim-pack-'));
  // What prepack does (build dist/, refuse to pack without a prebuilt addon), then pack without
  // lifecycle scripts: `npm pack` would also run `prepare`, rebuilding build/ under the feet of
  // the other test files.
  execFileSync(npm, ['run', 'prepack'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const packed = JSON.parse(out);
  files = packed[0].files.map((f: { path: string }) => f.path);
  const tarball = path.join(tmp, packed[0].filename);
  app = path.join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  execFileSync(npm, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  copyFileSync(path.join(root, 'test', 'scripts', 'use-package.cjs'), path.join(app, 'use-package.cjs'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the built library, its types and a prebuilt addon, and nothing that builds on install', () => {
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.cjs');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('binding.d.ts');
    expect(files.some((f) => f.startsWith(`prebuilds/${process.platform}-${process.arch}/`) && f.endsWith('.node'))).toBe(true);
    expect(files.some((f) => f.startsWith('build/'))).toBe(false);
    expect(files).not.toContain('binding.gyp');
    const pkg = JSON.parse(readFileSync(path.join(app, 'node_modules', 'fastoptim', 'package.json'), 'utf8'));
    for (const script of ['preinstall', 'install', 'postinstall']) expect(pkg.scripts?.[script]).toBeUndefined();
    expect(Object.keys(pkg.dependencies)).toEqual(['node-gyp-build']);
    expect(existsSync(path.join(app, 'node_modules', 'fastoptim', 'build'))).toBe(false);
  });

  it('loads the native backend through CommonJS and ESM, with the JS backend\'s results', () => {
    const cjs = use('cjs');
    const esm = use('esm');
    const js = use('cjs', { FASTOPTIM_BACKEND: 'js' });
    expect(cjs.stderr).toBe('');
    expect(cjs.out.info).toMatchObject({ backend: 'native', nativeAvailable: true });
    expect(esm.out.info).toEqual(cjs.out.info);
    expect(js.out.info.backend).toBe('js');
    expect(esm.out.adam).toEqual(cjs.out.adam);
    expectSameNumbers(cjs.out.adam, js.out.adam);
    expectSameNumbers(cjs.out.sgd, js.out.sgd);
  });

  it('falls back to JS without the prebuilt addon, and FASTOPTIM_BACKEND=native says why it cannot load', () => {
    const withNative = use('esm');
    const prebuilds = path.join(app, 'node_modules', 'fastoptim', 'prebuilds');
    expect(readdirSync(prebuilds).length).toBeGreaterThan(0);
    rmSync(prebuilds, { recursive: true });
    const fallback = use('esm');
    expect(fallback.out.info).toMatchObject({ backend: 'js', nativeAvailable: false });
    expect(fallback.out.info.nativeError).toMatch(/No native build was found/);
    expectSameNumbers(fallback.out.adam, withNative.out.adam);
    const forced = use('cjs', { FASTOPTIM_BACKEND: 'native' });
    expect(forced.status).not.toBe(0);
    expect(forced.stderr).toContain('FASTOPTIM_BACKEND=native but the native addon could not be loaded: No native build was found');
  });
});
