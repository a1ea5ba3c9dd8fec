/**
 * Every example in examples/ runs: its exported run() does what its header says, and its
 * command line works as a person would start it (`npx tsx examples/<name>.ts`, `npm start`).
 * tsc --noEmit type-checks them (tsconfig.json includes examples/).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { run as checkpointResume } from '../examples/checkpoint-resume.js';
import { run as customLoop } from '../examples/custom-loop.js';

const root = path.resolve(import.meta.dirname, '..');
const exec = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in the repository root; resolves with its exit code and output. */
async function sh(file: string, args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await exec(file, args, { cwd: root, env: { ...process.env, ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

const tsx = (script: string, args: string[] = [], env: Record<string, string> = {}) => sh(process.execPath, ['--import', 'tsx', script, ...args], env);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fastoptim-examples-'));

// Started at once, awaited by the tests: the subprocesses run side by side.
const cli = {
  customLoop: tsx('examples/custom-loop.ts'),
  checkpoint: tsx('examples/checkpoint-resume.ts'),
  trainer: tsx('examples/digits/train.ts', ['--epochs', '2', '--optimizer', 'lamb', '--schedule', 'onecycle', '--out', path.join(tmp, 'a.svg')]),
  trainerJs: tsx('examples/digits/train.ts', ['--epochs', '1', '--out', path.join(tmp, 'b.svg')], { FASTOPTIM_BACKEND: 'js' }),
  help: tsx('examples/digits/train.ts', ['--help']),
  bad: tsx('examples/digits/train.ts', ['--optimizer', 'nope']),
  npmStart: sh(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['start', '--silent', '--', '--epochs', '1', '--no-compare', '--out', path.join(tmp, 'c.svg')]),
};

describe('examples', () => {
  it('every example file is run by this test', () => {
    const files = readdirSync(path.join(root, 'examples'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).sort();
    // helpers of the examples (no command line of their own)
    const helpers = ['random.ts', 'digits/chart.ts', 'digits/data.ts', 'digits/mlp.ts', 'digits/setup.ts'].map((f) => path.normalize(f));
    expect(files.filter((f) => !helpers.includes(f))).toEqual(['checkpoint-resume.ts', 'custom-loop.ts', path.normalize('digits/train.ts')]);
  });

  it('custom-loop: fits the weights of a noisy linear model', async () => {
    const r = customLoop();
    expect(r.lastLoss).toBeLessThan(r.firstLoss / 1e4);
    expect(r.lastLoss).toBeLessThan(2e-5); // the noise floor is 0.01^2 / 12 = 8.3e-6
    expect(r.weightError).toBeLessThan(5e-3);
    const out = await cli.customLoop;
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^backend native \((avx512|avx2|scalar)\)\n/);
    expect(out.stdout).toContain(`loss ${r.firstLoss.toExponential(3)} -> ${r.lastLoss.toExponential(3)}`);
  });

  it('checkpoint-resume: the resumed run equals the uninterrupted one, bit for bit', async () => {
    const dir = mkdtempSync(path.join(tmp, 'ckpt-'));
    const r = checkpointResume({ dir });
    expect(r.identical).toBe(true);
    expect(r.resumed).toEqual(r.uninterrupted);
    expect(r.uninterrupted.at(-1)!).toBeLessThan(r.uninterrupted[0] / 5);
    expect(r.testAccuracy).toBeGreaterThan(0.9);
    // the checkpoint is plain JSON with the parameters and both state dicts
    const saved = JSON.parse(readFileSync(path.join(dir, 'checkpoint.json'), 'utf8'));
    expect(saved.epoch).toBe(3);
    expect(Object.keys(saved.params)).toEqual(['w1', 'b1', 'w2', 'b2']);
    expect(Object.keys(saved.optimizer.state[0]).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'step']);
    expect(saved.optimizer.param_groups[0]).toMatchObject({ weight_decay: 1e-2, initial_lr: expect.any(Number) });
    expect(saved.scheduler).toMatchObject({ last_epoch: expect.any(Number), total_steps: expect.any(Number), use_beta1: true });
    const out = await cli.checkpoint;
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('identical to the uninterrupted run, bit for bit: true');
  });

  it.each(['optimizer', 'scheduler'] as const)('checkpoint-resume: leaving out the %s state dict changes the run', (forget) => {
    const r = checkpointResume({ epochs: 3, stopAfter: 1, forget });
    expect(r.identical).toBe(false);
    expect(r.resumed[0]).toBe(r.uninterrupted[0]);
    expect(r.resumed[2]).not.toBe(r.uninterrupted[2]);
  });

  it('digits trainer: trains, compares the backends and writes the chart', async () => {
    const out = await cli.trainer;
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toBe('fastoptim digits: lamb, onecycle schedule, 2 epochs, batch 32, seed 1');
    const epochs = lines.filter((l) => l.startsWith('epoch '));
    expect(epochs).toHaveLength(2);
    expect(epochs[1]).toMatch(/^epoch 2\/2 {2}train loss \d\.\d{4} {2}test accuracy +\d+\.\d\d% {2}lr \d\.\d\de[-+]\d {2}optimizer step +\d+\.\d ms of +\d+ ms$/);
    expect(out.stdout).toMatch(/final test accuracy: (9\d|100)\.\d\d% after 2 epochs \(90 steps\)/);
    expect(out.stdout).toMatch(/native \((avx512|avx2|scalar)\) +\d+\.\d us +\d+\.\d ms +\d+\.\d\d%\n {2}js +\d+\.\d us/);
    expect(out.stdout).toMatch(/the native step is \d+\.\dx (faster|slower) than the JS step/);
    expect(readFileSync(path.join(tmp, 'a.svg'), 'utf8')).toContain('lamb + onecycle');
  });

  it('digits trainer on the JS backend alone: says the comparison is skipped', async () => {
    const out = await cli.trainerJs;
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('backend js\n');
    expect(out.stdout).toContain('backend comparison skipped: the native addon is not available (FASTOPTIM_BACKEND=js)');
    expect(existsSync(path.join(tmp, 'b.svg'))).toBe(true);
  });

  it('digits trainer: --help, and a bad option exits 2 with the reason', async () => {
    const help = await cli.help;
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm start -- [options]');
    for (const option of ['--optimizer', '--schedule', '--epochs', '--backend', '--seed', '--out', '--no-compare']) expect(help.stdout).toContain(option);
    const bad = await cli.bad;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--optimizer must be one of adamw, adam, sgd');
  });

  it('npm start runs the digits trainer', async () => {
    const out = await cli.npmStart;
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('fastoptim digits: adamw, warmup-cosine schedule, 1 epoch,');
    expect(out.stdout).toContain('backend comparison skipped (--no-compare)');
    expect(existsSync(path.join(tmp, 'c.svg'))).toBe(true);
  });
});
