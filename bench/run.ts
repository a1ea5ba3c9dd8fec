/**
 * fastoptim benchmark: time one `opt.step()` of each optimizer of OPTIMIZERS (SGD with momentum
 * 0.9, the others with their defaults) over a single parameter of N float32 elements, on every
 * native instruction set and on the JS backend, and compare it with the memory bandwidth of a
 * STREAM triad at the same size.
 *
 *   npx tsx bench/run.ts [--quick] [--sizes 4096,256K,4M] [--json path]
 *
 * Prints an aligned table on stdout (progress goes to stderr) and writes the machine info and
 * every row as JSON to bench/results/latest.json (or --json's path). Targets are reported,
 * never enforced: the exit code is 0 whatever the numbers are.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { nativeBinding } from '../src/backend.js';
import {
  Adadelta,
  Adafactor,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  ASGD,
  NAdam,
  LAMB,
  LARS,
  Lion,
  Parameter,
  RAdam,
  Rprop,
  RMSprop,
  SGD,
  backendInfo,
  setBackend,
  setSimd,
  type BackendInfo,
  type BackendName,
  type Isa,
} from '../src/index.js';

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

const K = 1024;
const M = 1024 * K;
const DEFAULT_SIZES = [4 * K, 256 * K, 4 * M, 16 * M];

/**
 * Bytes a triad moves through memory per element: reads b and c, and writes a, which it never
 * reads, so the CPU first reads each line of a for ownership (write-allocate): 4 + 4 + 4 + 4.
 * The optimizers write only arrays they have just read, so their count (reads + writes) is
 * already their memory traffic, and "of bound" compares like with like.
 */
const TRIAD_BYTES_PER_ELEMENT = 16;

/** The speed-up target reported (not enforced) at the end. */
const TARGET = { optimizer: 'Adam', size: 4 * M, minSpeedup: 8 } as const;

/** How long to measure one (optimizer, size, target) cell. */
interface Budget {
  /** Warm up for at least this many steps (the first one allocates the optimizer state)... */
  warmupMinSteps: number;
  /** ...and for at least this long, so the JIT and the page tables settle. */
  warmupSec: number;
  /** Keep sampling until this much time is spent... */
  budgetSec: number;
  /** ...and at least this many samples are taken. */
  minSamples: number;
  /** Steps are batched so one sample lasts at least this long (small sizes: timer resolution). */
  minSampleSec: number;
}

const BUDGETS: Record<'quick' | 'full', Budget> = {
  quick: { warmupMinSteps: 2, warmupSec: 0.03, budgetSec: 0.15, minSamples: 3, minSampleSec: 0.002 },
  full: { warmupMinSteps: 3, warmupSec: 0.2, budgetSec: 1.0, minSamples: 7, minSampleSec: 0.005 },
};

/** Something with a `step()`: every optimizer. */
interface Steppable {
  step(): unknown;
}

/** One optimizer under test: how to build it over a parameter, and the bytes it moves per element. */
interface OptimizerCase {
  name: string;
  /** Read + written per element per step, without write-allocate. */
  bytesPerElement: number;
  create(param: Parameter): Steppable;
}

const OPTIMIZERS: readonly OptimizerCase[] = [
  // reads p, g, exp_avg, exp_avg_sq (16 B); writes p, exp_avg, exp_avg_sq (12 B)
  { name: 'Adam', bytesPerElement: 28, create: (p) => new Adam([p], { lr: 1e-3 }) },
  { name: 'AdamW', bytesPerElement: 28, create: (p) => new AdamW([p], { lr: 1e-3 }) },
  // reads p, g, momentum_buffer (12 B); writes p, momentum_buffer (8 B)
  { name: 'SGD', bytesPerElement: 20, create: (p) => new SGD([p], { lr: 1e-3, momentum: 0.9 }) },
  // reads p, g, square_avg (12 B); writes p, square_avg (8 B)
  { name: 'RMSprop', bytesPerElement: 20, create: (p) => new RMSprop([p]) },
  // reads p, g, sum (12 B); writes p, sum (8 B)
  { name: 'Adagrad', bytesPerElement: 20, create: (p) => new Adagrad([p]) },
  // reads p, g, square_avg, acc_delta (16 B); writes p, square_avg, acc_delta (12 B)
  { name: 'Adadelta', bytesPerElement: 28, create: (p) => new Adadelta([p]) },
  // reads p, g, exp_avg, exp_inf (16 B); writes p, exp_avg, exp_inf (12 B)
  { name: 'Adamax', bytesPerElement: 28, create: (p) => new Adamax([p]) },
  // reads p, g, exp_avg, exp_avg_sq (16 B); writes p, exp_avg, exp_avg_sq (12 B)
  { name: 'NAdam', bytesPerElement: 28, create: (p) => new NAdam([p]) },
  // as Adam (while unrectified, the first steps, exp_avg_sq is still read and written)
  { name: 'RAdam', bytesPerElement: 28, create: (p) => new RAdam([p]) },
  // reads p, g, prev, step_size (16 B); writes p, prev, step_size (12 B)
  { name: 'Rprop', bytesPerElement: 28, create: (p) => new Rprop([p]) },
  // reads p, g (8 B); writes p, ax (8 B): ax is a copy, not read, until t0 (1e6 steps)
  { name: 'ASGD', bytesPerElement: 16, create: (p) => new ASGD([p]) },
  // reads p, g, exp_avg (12 B); writes p, exp_avg (8 B)
  { name: 'Lion', bytesPerElement: 20, create: (p) => new Lion([p]) },
  // pass 1 reads p, g, exp_avg, exp_avg_sq (16 B), writes exp_avg, exp_avg_sq (8 B);
  // pass 2 reads p, exp_avg, exp_avg_sq (12 B), writes p (4 B)
  { name: 'LAMB', bytesPerElement: 40, create: (p) => new LAMB([p]) },
  // pass 1 reads p, g (8 B); pass 2 reads p, g, momentum_buffer (12 B), writes p, momentum_buffer (8 B)
  { name: 'LARS', bytesPerElement: 28, create: (p) => new LARS([p]) },
  // as a matrix of 1024 columns (factored): pass 1 reads g (4 B); pass 2 reads p, g (8 B);
  // pass 3 reads p, g (8 B), writes p (4 B); the row and column factors are negligible
  { name: 'Adafactor', bytesPerElement: 24, create: (p) => new Adafactor([new Parameter(p.data, { grad: p.grad!, shape: p.data.length % 1024 ? [p.data.length] : [p.data.length / 1024, 1024] })]) },
];

/** A backend (and instruction set) to run the optimizers on. */
interface Target {
  label: string;
  backend: BackendName;
  isa: Isa | null;
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

interface CliOptions {
  mode: 'quick' | 'full';
  sizes: number[];
  jsonPath: string;
}

const USAGE = 'usage: tsx bench/run.ts [--quick] [--sizes 4096,256K,4M] [--json <path>]';
const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

/** Parses `4096`, `256K` or `4M` (binary multiples) into a positive element count. */
function parseSize(text: string): number {
  const match = /^(\d+)([kKmM]?)$/.exec(text.trim());
  const unit = match?.[2].toUpperCase();
  const n = match ? Number(match[1]) * (unit === 'K' ? K : unit === 'M' ? M : 1) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`invalid size '${text}' in --sizes`);
  return n;
}

function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return {
    mode: values.quick ? 'quick' : 'full',
    sizes: values.sizes ? values.sizes.split(',').map(parseSize) : DEFAULT_SIZES,
    jsonPath: values.json ? path.resolve(values.json) : path.join(BENCH_DIR, 'results', 'latest.json'),
  };
}

// ---------------------------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------------------------

/** Seconds elapsed since `start` (a `process.hrtime.bigint()` reading). */
function since(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Timing {
  /** Median seconds per step over the samples. */
  medianSec: number;
  /** Fastest sample, seconds per step. */
  minSec: number;
  samples: number;
  /** Steps per sample. */
  batch: number;
  /** Steps timed in all (warm-up excluded). */
  steps: number;
}

/**
 * Warms `step` up, then times batches of steps until the budget is spent (and at least
 * `minSamples` batches are taken); each batch gives one seconds-per-step sample.
 */
function measure(step: () => void, budget: Budget): Timing {
  // Warm-up: the first step allocates the optimizer state and faults its pages in; the fastest
  // warm-up step (the first one excluded when there are others) sizes the batches.
  const warmStart = process.hrtime.bigint();
  let fastest = Infinity;
  for (let i = 0; i < budget.warmupMinSteps || since(warmStart) < budget.warmupSec; i++) {
    const t0 = process.hrtime.bigint();
    step();
    if (i > 0 || budget.warmupMinSteps === 1) fastest = Math.min(fastest, since(t0));
  }
  const batch = Math.max(1, Math.ceil(budget.minSampleSec / Math.max(fastest, 1e-9)));

  const perStep: number[] = [];
  const start = process.hrtime.bigint();
  while (perStep.length < budget.minSamples || since(start) < budget.budgetSec) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) step();
    perStep.push(since(t0) / batch);
  }
  return {
    medianSec: median(perStep),
    minSec: Math.min(...perStep),
    samples: perStep.length,
    batch,
    steps: perStep.length * batch,
  };
}

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so every run steps the same numbers. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` uniform values in [-scale, scale). Writing every element also faults the pages in. */
function randomArray(n: number, next: () => number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (2 * next() - 1) * scale;
  return a;
}

// ---------------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------------

/** One measured (optimizer or triad, size, target). */
interface Row {
  optimizer: string;
  size: number;
  target: string;
  backend: BackendName;
  isa: Isa | null;
  msPerStep: number;
  minMsPerStep: number;
  melemPerSec: number;
  gbPerSec: number;
  bytesPerElement: number;
  /** GB/s over the native triad's GB/s at this size; null without the probe. */
  fractionOfBound: number | null;
  samples: number;
  stepsPerSample: number;
  stepsTimed: number;
}

function toRow(
  optimizer: string,
  size: number,
  target: Target,
  bytesPerElement: number,
  timing: Timing,
  boundGbPerSec: number | null,
): Row {
  const gbPerSec = (size * bytesPerElement) / timing.medianSec / 1e9;
  return {
    optimizer,
    size,
    target: target.label,
    backend: target.backend,
    isa: target.isa,
    msPerStep: timing.medianSec * 1e3,
    minMsPerStep: timing.minSec * 1e3,
    melemPerSec: size / timing.medianSec / 1e6,
    gbPerSec,
    bytesPerElement,
    fractionOfBound: boundGbPerSec ? gbPerSec / boundGbPerSec : null,
    samples: timing.samples,
    stepsPerSample: timing.batch,
    stepsTimed: timing.steps,
  };
}

/** Selects a target's backend and instruction set for every optimizer. */
function activate(target: Target): void {
  setBackend(target.backend);
  if (target.isa) setSimd(target.isa);
}

/** The native instruction sets, best first, then the JS backend. */
function listTargets(info: BackendInfo): Target[] {
  const native: Target[] = info.nativeAvailable
    ? info.supportedIsas.map((isa) => ({ label: `native/${isa}`, backend: 'native', isa }))
    : [];
  return [...native, { label: 'js', backend: 'js', isa: null }];
}

/** The bandwidth bound: the native triad a = b + s*c at `size` on the best instruction set. */
function probeTriad(size: number, target: Target, budget: Budget, next: () => number): Row {
  const binding = nativeBinding()!;
  activate(target);
  const args = {
    a: [new Float32Array(size).fill(0)] as [Float32Array],
    b: [randomArray(size, next, 1)] as [Float32Array],
    c: [randomArray(size, next, 1)] as [Float32Array],
    scalar: 0.5,
  };
  const timing = measure(() => binding.triad(args), budget);
  return toRow('triad', size, target, TRIAD_BYTES_PER_ELEMENT, timing, null);
}

/** Every optimizer on every target at one size, over one parameter with a fixed random gradient. */
function benchSize(size: number, targets: Target[], budget: Budget, next: () => number): Row[] {
  const best = targets[0].backend === 'native' ? targets[0] : null;
  const triad = best ? probeTriad(size, best, budget, next) : null;
  const bound = triad?.gbPerSec ?? null;
  const rows: Row[] = triad ? [triad] : [];

  // Allocated once per size; the gradient never changes. The optimizers' state is allocated by
  // their first step, inside the first target's warm-up, and reused by the following targets.
  const param = new Parameter(randomArray(size, next, 1), { grad: randomArray(size, next, 1) });
  for (const opt of OPTIMIZERS) {
    const optimizer = opt.create(param);
    const step = (): void => void optimizer.step();
    for (const target of targets) {
      process.stderr.write(`  ${sizeLabel(size).padStart(4)} ${opt.name.padEnd(5)} ${target.label}\n`);
      activate(target);
      rows.push(toRow(opt.name, size, target, opt.bytesPerElement, measure(step, budget), bound));
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Machine
// ---------------------------------------------------------------------------------------------

interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  arch: string;
  node: string;
  backend: BackendInfo;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux: fall through to os.cpus()
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function machineInfo(): MachineInfo {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: os.totalmem() / 2 ** 30,
    platform: os.platform(),
    arch: os.arch(),
    node: process.version,
    backend: backendInfo(),
  };
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

/** 4096 -> "4K", 16777216 -> "16M"; other counts as they are. */
function sizeLabel(n: number): string {
  if (n % M === 0) return `${n / M}M`;
  if (n % K === 0) return `${n / K}K`;
  return String(n);
}

/** `x` with about `digits` significant digits, never in exponent notation. */
function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(decimals, 6));
}

/** An aligned text table: text columns left-aligned, the others right-aligned. */
function table(headers: string[], rows: string[][], leftColumns: number): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string =>
    cells.map((cell, c) => (c < leftColumns ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

function resultsTable(rows: Row[]): string {
  const headers = ['size', 'optimizer', 'target', 'ms/step', 'Melem/s', 'GB/s', 'of bound'];
  const cells = rows.map((r) => [
    sizeLabel(r.size),
    r.optimizer === 'triad' ? 'triad (bound)' : r.optimizer,
    r.target,
    fmt(r.msPerStep),
    fmt(r.melemPerSec),
    fmt(r.gbPerSec, 3),
    r.fractionOfBound === null ? '' : `${(r.fractionOfBound * 100).toFixed(0)}%`,
  ]);
  return table(headers, cells, 3);
}

interface Speedup {
  optimizer: string;
  size: number;
  native: string;
  nativeMs: number;
  jsMs: number;
  speedup: number;
}

/** Native best instruction set vs JS, per optimizer and size, from this run's rows. */
function speedups(rows: Row[], best: Target | null): Speedup[] {
  if (!best) return [];
  const find = (o: string, s: number, t: string): Row | undefined =>
    rows.find((r) => r.optimizer === o && r.size === s && r.target === t);
  const sizes = [...new Set(rows.map((r) => r.size))];
  return OPTIMIZERS.flatMap((opt) =>
    sizes.flatMap((size) => {
      const nat = find(opt.name, size, best.label);
      const js = find(opt.name, size, 'js');
      if (!nat || !js) return [];
      return [{ optimizer: opt.name, size, native: best.label, nativeMs: nat.msPerStep, jsMs: js.msPerStep, speedup: js.msPerStep / nat.msPerStep }];
    }),
  );
}

function speedupTable(list: Speedup[]): string {
  const headers = ['optimizer', 'size', 'native', 'native ms', 'js ms', 'speed-up'];
  const cells = list.map((s) => [s.optimizer, sizeLabel(s.size), s.native, fmt(s.nativeMs), fmt(s.jsMs), `${s.speedup.toFixed(2)}x`]);
  return table(headers, cells, 3);
}

interface TargetCheck {
  description: string;
  measured: number | null;
  status: 'PASS' | 'MISS' | 'not measured';
}

function checkTarget(list: Speedup[]): TargetCheck {
  const description = `native ${TARGET.optimizer} at ${sizeLabel(TARGET.size)} elements >= ${TARGET.minSpeedup}x the JS backend`;
  const hit = list.find((s) => s.optimizer === TARGET.optimizer && s.size === TARGET.size);
  if (!hit) return { description, measured: null, status: 'not measured' };
  return { description, measured: hit.speedup, status: hit.speedup >= TARGET.minSpeedup ? 'PASS' : 'MISS' };
}

function printHeader(machine: MachineInfo, cli: CliOptions, budget: Budget, targets: Target[]): void {
  const b = machine.backend;
  console.log('fastoptim benchmark');
  console.log(`  cpu      ${machine.cpu} (${machine.cores} cores available, ${machine.memoryGiB.toFixed(1)} GiB)`);
  console.log(`  node     ${machine.node} ${machine.platform}-${machine.arch}`);
  console.log(
    `  backend  default ${b.backend}${b.isa ? `/${b.isa}` : ''}; native ${b.nativeAvailable ? `available, ISAs ${b.supportedIsas.join(', ')}` : `UNAVAILABLE (${b.nativeError})`}`,
  );
  if (!b.nativeAvailable) console.log('           running the JS backend only; no bandwidth probe, so no fraction of bound');
  console.log(`  targets  ${targets.map((t) => t.label).join(', ')}`);
  console.log(
    `  mode     ${cli.mode}: sizes ${cli.sizes.map(sizeLabel).join(', ')}; per cell warm-up >= ${budget.warmupMinSteps} steps/${budget.warmupSec} s, ` +
      `then >= ${budget.minSamples} samples/${budget.budgetSec} s; median time per step`,
  );
  console.log(`  bytes    per element (reads + writes): ${OPTIMIZERS.map((o) => `${o.name} ${o.bytesPerElement}`).join(', ')};`);
  console.log('           triad 16 (reads b, c; a is read for ownership, then written); bound = native triad GB/s at the same size');
  console.log('');
}

function writeJson(file: string, data: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

function main(): void {
  let cli: CliOptions;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(2);
  }
  const budget = BUDGETS[cli.mode];
  const machine = machineInfo();
  const targets = listTargets(machine.backend);
  const best = targets[0].backend === 'native' ? targets[0] : null;
  printHeader(machine, cli, budget, targets);

  const started = process.hrtime.bigint();
  const next = rng(0x5eed);
  const rows: Row[] = [];
  for (const size of cli.sizes) {
    process.stderr.write(`size ${sizeLabel(size)}\n`);
    rows.push(...benchSize(size, targets, budget, next));
    // The size's buffers are unreachable now; collect them before the next size if allowed.
    (globalThis as { gc?: () => void }).gc?.();
  }
  const wallSec = since(started);

  // Leave the process as found: the default backend and instruction set.
  if (machine.backend.isa) setSimd(machine.backend.isa);
  setBackend(machine.backend.backend);

  const list = speedups(rows, best);
  const target = checkTarget(list);
  console.log(resultsTable(rows));
  console.log('');
  if (list.length > 0) {
    console.log(`Native (${best!.label}) vs JS, same run:`);
    console.log(speedupTable(list));
  } else {
    console.log('Native vs JS: not measured (native backend unavailable)');
  }
  console.log('');
  const measured = target.measured === null ? 'n/a' : `${target.measured.toFixed(2)}x`;
  console.log(`Target: ${target.description}: measured ${measured} -> ${target.status}`);
  console.log(`Benchmark time ${wallSec.toFixed(1)} s`);

  writeJson(cli.jsonPath, {
    date: new Date().toISOString(),
    mode: cli.mode,
    sizes: cli.sizes,
    budget,
    machine,
    wallSec,
    rows,
    speedups: list,
    target,
  });
  const shown = path.relative(process.cwd(), cli.jsonPath);
  console.log(`JSON written to ${shown.startsWith('..') || path.isAbsolute(shown) ? cli.jsonPath : shown}`);
}

main();
