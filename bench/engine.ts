/**
 * The performance engine's benchmark (issue 5): threads, async, the multi-tensor path, memory.
 *
 *   npx tsx bench/engine.ts [--quick] [--json path]
 *
 * Sections (each printed as it finishes; all of it written as JSON to bench/results/engine.json
 * or --json's path). Targets are reported, never enforced: the exit code is 0 whatever the
 * numbers are.
 *
 * - handoff: Adam at 8K..512K elements, in cache, on one thread and on all: where threads
 *   start to pay (the engine's threshold, native/engine/pool.cc, is chosen from this).
 * - threads: Adam float32 at 16M elements and a triad at 16M, each on 1..cores threads (and
 *   cores + 1), their batches taking turns (timeTurns); Adam's fraction of the bound = (28 B/element over the triad's bandwidth at the
 *   same thread count) / Adam's time. Target: >= 85% with all threads.
 * - js: native Adam vs the JS backend at 4M elements, one thread. Target: >= 8x.
 * - multi-tensor: Adam over 2000 tensors of 512 elements in a ParameterArena, over 2000
 *   separately allocated tensors, and over one tensor of 1,024,000 elements, all threads,
 *   through opt.step() and at the kernel layer (the optimizer's call with its lists merged
 *   beforehand: the binding and the kernel, without the TypeScript layer). Target: arena
 *   within 1.3x of the one tensor.
 * - event loop: perf_hooks.monitorEventLoopDelay while stepAsync() steps 64M elements (Adam),
 *   and, for contrast, while step() does, while stepAsync() runs on one thread fewer (a core
 *   left to the event loop) and while nothing runs (the machine's own jitter).
 *   Target: max delay under 5 ms during stepAsync on all threads.
 * - memory: JS heap (after a full GC) and RSS over 10,000 steps in five windows (Adam over the
 *   2000 x 512 arena: step() and stepAsync() alternately). Target: no growth after the first
 *   window (the total is reported too).
 * - stores: the kernels' plain stores against non-temporal (streaming) stores and software
 *   prefetch, measured on the triad at 16M (see bench/README.md for what was kept).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';

import { kernels, nativeBinding } from '../src/backend.js';
import { coalesce } from '../src/coalesce.js';
import { Adam, Parameter, ParameterArena, backendInfo, getNumThreads, setBackend, setNumThreads } from '../src/index.js';

const { values: cli } = parseArgs({ options: { quick: { type: 'boolean', default: false }, json: { type: 'string' } } });
const quick = cli.quick!;
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const outFile = cli.json ?? path.join(root, 'bench', 'results', 'engine.json');

const binding = nativeBinding();
if (!binding) {
  console.error(`bench/engine.ts needs the native addon: ${backendInfo().nativeError}`);
  process.exit(0);
}
const cores = binding.availableCores();
const defaultThreads = getNumThreads();
const ADAM_BYTES = 28; // read p, g, m, v; write p, m, v
const TRIAD_BYTES = 16; // read b, c; a read for ownership, then written

// v8's gc, for heap measurements that mean something (no --expose-gc needed).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const log = (...a: unknown[]) => console.error(...a);

type Stats = { median: number; min: number };

/**
 * Median and minimum milliseconds per call of each function, over `samples` batches of `reps`
 * calls each, the functions' batches taking turns (f, g, f, g, ...) so that all of them see the
 * same moments of a shared machine whose bandwidth moves from one minute to the next.
 */
function timeTurns(fs: (() => void)[], reps: number, samples: number): Stats[] {
  for (let i = 0; i < Math.max(2, reps >> 2); i++) for (const f of fs) f();
  const per = fs.map((): number[] => []);
  for (let s = 0; s < samples; s++) {
    fs.forEach((f, k) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < reps; i++) f();
      per[k].push(Number(process.hrtime.bigint() - t0) / 1e6 / reps);
    });
  }
  return per.map((p) => {
    p.sort((a, b) => a - b);
    return { median: p[p.length >> 1], min: p[0] };
  });
}

/** Median and minimum milliseconds per call of f, over `samples` batches of `reps` calls. */
const time = (f: () => void, reps: number, samples: number): Stats => timeTurns([f], reps, samples)[0];

/** A float32 buffer of n elements with values in [-1, 1) (touched, so its pages are real). */
function filled(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    a[i] = x / 2 ** 31 - 1;
  }
  return a;
}

function adamParam(n: number, seed: number): Parameter {
  return new Parameter(filled(n, seed), { grad: filled(n, seed + 1) });
}

const threadCounts = [...new Set([1, ...Array.from({ length: cores }, (_, i) => i + 1), cores + 1])];
const results: Record<string, unknown> = {
  machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores, node: process.version, backend: backendInfo(), loadavg: os.loadavg() },
  mode: quick ? 'quick' : 'full',
};
const targets: { name: string; value: number; target: string; met: boolean }[] = [];

// --- handoff -------------------------------------------------------------------------------
{
  const rows = [];
  for (const n of [8_192, 16_384, 32_768, 65_536, 131_072, 262_144, 524_288]) {
    const p = adamParam(n, 1);
    const opt = new Adam([p]);
    const reps = Math.max(20, Math.round((quick ? 2e6 : 1e7) / n));
    const row: Record<string, number> = { elements: n };
    for (const t of [1, cores]) {
      setNumThreads(t);
      row[`us_${t}t`] = time(() => opt.step(), reps, quick ? 5 : 9).median * 1e3;
    }
    rows.push(row);
    log(`handoff ${n}: ${row.us_1t.toFixed(1)} us on 1 thread, ${row[`us_${cores}t`].toFixed(1)} us on ${cores}`);
  }
  setNumThreads(defaultThreads);
  results.handoff = rows;
}

// --- threads: Adam 16M vs the triad at each thread count --------------------------------------
{
  const n = 16 * 1024 * 1024;
  const p = adamParam(n, 3);
  const opt = new Adam([p]);
  const a = new Float32Array(n);
  const b = filled(n, 5);
  const c = filled(n, 6);
  const triad = { a: [a], b: [b], c: [c], scalar: 0.5 };
  const rows = [];
  for (const t of threadCounts) {
    setNumThreads(t);
    const reps = quick ? 3 : 8;
    const samples = quick ? 3 : 7;
    const [tr, ad] = timeTurns([() => binding.triad(triad), () => opt.step()], reps, samples).map((t) => t.median);
    const triadGBs = (n * TRIAD_BYTES) / tr / 1e6;
    const adamGBs = (n * ADAM_BYTES) / ad / 1e6;
    const boundMs = (n * ADAM_BYTES) / triadGBs / 1e6;
    rows.push({ threads: t, triadMs: tr, triadGBs, adamMs: ad, adamGBs, boundMs, fractionOfBound: boundMs / ad });
    log(`threads ${t}: triad ${tr.toFixed(2)} ms (${triadGBs.toFixed(1)} GB/s), Adam ${ad.toFixed(2)} ms (${adamGBs.toFixed(1)} GB/s) = ${((boundMs / ad) * 100).toFixed(0)}% of the bound`);
  }
  setNumThreads(defaultThreads);
  results.threads = rows;
  const all = rows.find((r) => r.threads === cores)!;
  targets.push({ name: `Adam 16M on ${cores} threads, fraction of the triad bound`, value: all.fractionOfBound, target: '>= 0.85', met: all.fractionOfBound >= 0.85 });
}

// --- native vs JS at 4M, one thread ----------------------------------------------------------
{
  const n = 4 * 1024 * 1024;
  const p = adamParam(n, 7);
  const opt = new Adam([p]);
  setNumThreads(1);
  const native = time(() => opt.step(), quick ? 5 : 20, quick ? 3 : 7).median;
  setBackend('js');
  const js = time(() => opt.step(), 1, quick ? 3 : 5).median;
  setBackend('native');
  setNumThreads(defaultThreads);
  results.js = { elements: n, nativeMs: native, jsMs: js, speedup: js / native };
  log(`js: native ${native.toFixed(2)} ms, JS ${js.toFixed(1)} ms: ${(js / native).toFixed(1)}x`);
  targets.push({ name: 'native Adam vs JS at 4M, one thread', value: js / native, target: '>= 8', met: js / native >= 8 });
}

// --- multi-tensor: 2000 x 512 in an arena, separately, and one tensor ---------------------------
{
  const T = 2000;
  const N = 512;
  const arena = new ParameterArena(Array(T).fill(N));
  arena.data.set(filled(T * N, 9));
  arena.grad.set(filled(T * N, 10));
  const separate = Array.from({ length: T }, (_, i) => adamParam(N, 100 + i));
  const one = adamParam(T * N, 11);
  const opts = { arena: new Adam(arena.parameters), separate: new Adam(separate), one: new Adam([one]) };
  const reps = quick ? 50 : 200;
  const samples = quick ? 5 : 9;
  const row: Record<string, number> = { tensors: T, elementsPerTensor: N, threads: getNumThreads() };
  // Interleaved, so that a noisy moment hits all three.
  const ms: Record<string, number[]> = { arena: [], separate: [], one: [] };
  for (let round = 0; round < 3; round++) {
    for (const [name, opt] of Object.entries(opts)) ms[name].push(time(() => opt.step(), reps, samples).median);
  }
  for (const name of Object.keys(ms)) row[`${name}Us`] = Math.min(...ms[name]) * 1e3;
  row.arenaOverOne = row.arenaUs / row.oneUs;
  row.separateOverOne = row.separateUs / row.oneUs;
  // The same three at the kernel layer: the call opt.step() makes, its lists merged once
  // beforehand (src/coalesce.ts, as a group's step plan does when it is built): the binding and
  // the kernel alone, without the TypeScript layer (validation, the plan's checks, the
  // per-tensor scalars, the step counts).
  const argsOf = (opt: Adam, params: Parameter[]) => {
    const st = params.map((p) => opt.state.get(p)!);
    return {
      params: params.map((p) => p.data), grads: params.map((p) => p.grad!),
      exp_avg: st.map((s) => s.exp_avg as Float32Array), exp_avg_sq: st.map((s) => s.exp_avg_sq as Float32Array), max_exp_avg_sq: null,
      step_size: new Float64Array(params.length).fill(1e-3), bias_correction2_sqrt: new Float64Array(params.length).fill(0.5),
      beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, decay: 1, amsgrad: false, maximize: false,
    };
  };
  const calls = { arena: argsOf(opts.arena, arena.parameters), separate: argsOf(opts.separate, separate), one: argsOf(opts.one, [one]) };
  const merged = Object.fromEntries(Object.entries(calls).map(([name, args]) => [name, coalesce(args)]));
  const kms: Record<string, number[]> = { arena: [], separate: [], one: [] };
  for (let round = 0; round < 3; round++) {
    for (const [name, args] of Object.entries(merged)) kms[name].push(time(() => kernels(true).adam(args), reps, samples).median);
  }
  for (const name of Object.keys(kms)) row[`${name}KernelUs`] = Math.min(...kms[name]) * 1e3;
  row.arenaOverOneKernel = row.arenaKernelUs / row.oneKernelUs;
  results.multiTensor = row;
  log(`multi-tensor, opt.step(): arena ${row.arenaUs.toFixed(0)} us, separate ${row.separateUs.toFixed(0)} us, one tensor ${row.oneUs.toFixed(0)} us: arena ${row.arenaOverOne.toFixed(2)}x`);
  log(`multi-tensor, kernel call (lists merged beforehand): arena ${row.arenaKernelUs.toFixed(0)} us, separate ${row.separateKernelUs.toFixed(0)} us, one tensor ${row.oneKernelUs.toFixed(0)} us: arena ${row.arenaOverOneKernel.toFixed(2)}x`);
  targets.push({ name: '2000 x 512 (arena) over one tensor of 1,024,000, opt.step()', value: row.arenaOverOne, target: '<= 1.3', met: row.arenaOverOne <= 1.3 });
  targets.push({ name: '2000 x 512 (arena) over one tensor of 1,024,000, kernel call', value: row.arenaOverOneKernel, target: '<= 1.3', met: row.arenaOverOneKernel <= 1.3 });

  // The same comparison with tensors 16 times larger (2000 x 8192 = 16M, from memory rather
  // than cache): the optimizer's per-parameter cost is the same, the step's own time is not.
  {
    const big = new ParameterArena(Array(T).fill(16 * N));
    big.data.set(filled(T * 16 * N, 14));
    big.grad.set(filled(T * 16 * N, 15));
    const bigOne = adamParam(T * 16 * N, 16);
    const bigOpts = { arena: new Adam(big.parameters), one: new Adam([bigOne]) };
    const bms: Record<string, number[]> = { arena: [], one: [] };
    for (let round = 0; round < 3; round++) {
      for (const [name, opt] of Object.entries(bigOpts)) bms[name].push(time(() => opt.step(), quick ? 3 : 10, quick ? 3 : 5).median);
    }
    row.arena16MUs = Math.min(...bms.arena) * 1e3;
    row.one16MUs = Math.min(...bms.one) * 1e3;
    row.arenaOverOne16M = row.arena16MUs / row.one16MUs;
    log(`multi-tensor, 2000 x 8192 vs one 16M, opt.step(): arena ${row.arena16MUs.toFixed(0)} us, one ${row.one16MUs.toFixed(0)} us: ${row.arenaOverOne16M.toFixed(2)}x`);
  }

  // --- memory: 10,000 steps over the arena ---------------------------------------------------
  const steps = quick ? 2_000 : 10_000;
  const opt = opts.arena;
  // Warm up both paths first (the first thousand steps compile and tier up code, which the heap
  // counts), then measure from there.
  for (let i = 0; i < 500; i++) {
    opt.step();
    await opt.stepAsync();
  }
  // Heap (after a full GC) and RSS at the start and after each fifth of the steps. A leak grows
  // with the steps; what the first window adds and never again (code tiering up, inline caches,
  // the allocator's pools) is not one. So the target reads the growth from the end of the first
  // window to the end (four fifths of the steps), and the total is reported beside it.
  const windows = 5;
  const sample = () => {
    gc();
    const m = process.memoryUsage();
    return { heapUsed: m.heapUsed, rss: m.rss };
  };
  const memSamples = [sample()];
  for (let w = 0; w < windows; w++) {
    for (let i = 0; i < steps / windows; i += 2) {
      opt.step();
      await opt.stepAsync();
    }
    memSamples.push(sample());
  }
  const [before, first, after] = [memSamples[0], memSamples[1], memSamples[windows]];
  const mem = {
    steps,
    samples: memSamples,
    before,
    after,
    heapGrowthBytes: after.heapUsed - before.heapUsed,
    rssGrowthBytes: after.rss - before.rss,
    steadyHeapGrowthBytes: after.heapUsed - first.heapUsed,
    steadyRssGrowthBytes: after.rss - first.rss,
  };
  results.memory = mem;
  const kib = (b: number) => (b / 1024).toFixed(0);
  log(
    `memory over ${steps} steps: heap ${kib(mem.heapGrowthBytes)} KiB, RSS ${kib(mem.rssGrowthBytes)} KiB; ` +
      `over the last ${(steps * (windows - 1)) / windows}: heap ${kib(mem.steadyHeapGrowthBytes)} KiB, RSS ${kib(mem.steadyRssGrowthBytes)} KiB`,
  );
  // "No growth": allow for the allocator's own noise, 1 MiB of RSS and 256 KiB of heap.
  const grew = mem.steadyHeapGrowthBytes > 256 * 1024 || mem.steadyRssGrowthBytes > 1024 * 1024;
  targets.push({
    name: `heap and RSS growth over ${steps} steps, after the first ${steps / windows} (KiB)`,
    value: Math.max(mem.steadyHeapGrowthBytes, mem.steadyRssGrowthBytes) / 1024,
    target: 'none (< 256 KiB heap, < 1 MiB RSS)',
    met: !grew,
  });
}

// --- event loop during a 64M step ---------------------------------------------------------------
{
  const n = 64 * 1024 * 1024;
  const p = adamParam(n, 13);
  const opt = new Adam([p]);
  opt.step(); // allocates the state
  const monitor = async (run: () => Promise<unknown> | unknown) => {
    const h = monitorEventLoopDelay({ resolution: 1 });
    // A timer keeps the loop turning, so the histogram sees every stall.
    const tick = setInterval(() => {}, 1);
    // Two rounds unmeasured: the first calls compile code and settle the heap.
    for (let i = 0; i < 2; i++) await run();
    await new Promise((r) => setTimeout(r, 20));
    h.enable();
    const t0 = process.hrtime.bigint();
    const rounds = quick ? 3 : 10;
    for (let i = 0; i < rounds; i++) {
      await run();
      await new Promise((r) => setImmediate(r));
    }
    const stepMs = Number(process.hrtime.bigint() - t0) / 1e6 / rounds;
    h.disable();
    clearInterval(tick);
    return { stepMs, maxDelayMs: h.max / 1e6, p99DelayMs: h.percentile(99) / 1e6, meanDelayMs: h.mean / 1e6 };
  };
  const asyncRun = await monitor(() => opt.stepAsync());
  const syncRun = await monitor(() => opt.step());
  let spareCore: Awaited<ReturnType<typeof monitor>> | undefined;
  if (cores > 1) {
    setNumThreads(cores - 1);
    spareCore = await monitor(() => opt.stepAsync());
    setNumThreads(defaultThreads);
  }
  // The same loop with nothing to do but wait as long as a step takes: the machine's own jitter.
  const idle = await monitor(() => new Promise((r) => setTimeout(r, asyncRun.stepMs)));
  results.eventLoop = { elements: n, threads: getNumThreads(), stepAsync: asyncRun, step: syncRun, stepAsyncOneThreadFewer: spareCore, idle };
  log(`event loop, 64M: stepAsync ${asyncRun.stepMs.toFixed(0)} ms/step, max delay ${asyncRun.maxDelayMs.toFixed(2)} ms (p99 ${asyncRun.p99DelayMs.toFixed(2)}); step ${syncRun.stepMs.toFixed(0)} ms/step, max delay ${syncRun.maxDelayMs.toFixed(1)} ms; ${spareCore ? `stepAsync on ${cores - 1} thread(s) ${spareCore.stepMs.toFixed(0)} ms/step, max delay ${spareCore.maxDelayMs.toFixed(2)} ms (p99 ${spareCore.p99DelayMs.toFixed(2)}); ` : ''}idle max ${idle.maxDelayMs.toFixed(2)} ms`);
  targets.push({ name: `max event-loop delay during stepAsync over 64M (ms; idle loop's max in this run ${idle.maxDelayMs.toFixed(2)})`, value: asyncRun.maxDelayMs, target: '< 5', met: asyncRun.maxDelayMs < 5 });
}

results.targets = targets;
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');

console.log(`\nfastoptim engine benchmark (${results.mode}), ${(results.machine as { cpu: string }).cpu}, ${cores} cores, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (const t of targets) console.log(`${t.met ? 'met    ' : 'NOT met'}  ${t.name}: ${t.value.toFixed(3)} (target ${t.target})`);
console.log(`JSON: ${path.relative(process.cwd(), outFile)}`);
