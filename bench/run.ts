/**
 * fastoptim benchmark: times `opt.step()` of every optimizer of bench/optimizers.ts over the
 * layouts of each suite (bench/suites: a size sweep from 1K to 64M elements, 2000 tensors of
 * 512 against one tensor, GPT-2 small's 148 tensors), on every native instruction set with 1
 * and all threads, on the JS backend and with TensorFlow.js's own optimizers (cpu and wasm),
 * each beside a triad bandwidth probe at the same size and thread count, and reports the
 * targets of issue 5 as ratios measured in this one run.
 *
 *   npx tsx --expose-gc bench/run.ts [--quick] [--suites ...] [--optimizers ...] [--sizes ...]
 *
 * Prints the tables on stdout (progress on stderr), writes every row, the machine and the
 * targets as JSON and the sweep as an SVG chart (bench/results/, git-ignored). Targets are
 * reported, never enforced: the exit code is 0 whatever the numbers are. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { setBackend, setSimd, type Isa } from '../src/index.js';

import { parseCli, USAGE, type CliOptions } from './lib/cli.js';
import { fmt, sizeLabel } from './lib/format.js';
import { runLayout, type Bench } from './lib/layout.js';
import { machineInfo, sourceRevision, type MachineInfo } from './lib/machine.js';
import { failuresText, ratiosTable, targetsTable, timesTable } from './lib/report.js';
import type { Row } from './lib/results.js';
import { nativeRunners, referenceRunner, type Runner } from './lib/runners.js';
import { sweepChart } from './lib/svg.js';
import { evaluateTargets } from './lib/targets.js';
import { loadTfjs, type TfjsInfo, type TfjsSession } from './lib/tfjs.js';
import { defaultThreadCounts, threadControl } from './lib/threads.js';
import { since } from './lib/timing.js';
import { TRIAD_BYTES_PER_ELEMENT, BandwidthProbe } from './lib/triad.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** The native instruction sets to run, best first. */
function selectIsas(cli: CliOptions, supported: readonly Isa[]): Isa[] {
  if (cli.isas === 'all') return [...supported];
  if (cli.isas === 'best') return supported.slice(0, 1);
  const missing = cli.isas.filter((i) => !supported.includes(i));
  if (missing.length) fail(`this CPU does not support ${missing.join(', ')} (supported: ${supported.join(', ')})`);
  return supported.filter((i) => (cli.isas as Isa[]).includes(i));
}

function writeFile(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  const shown = path.relative(process.cwd(), file);
  return shown.startsWith('..') || path.isAbsolute(shown) ? file : shown;
}

function printHeader(revision: string | null, machine: MachineInfo, cli: CliOptions, threads: number[], runners: Runner[], tfjs: TfjsInfo | null, tfjsError: string | null): void {
  const b = machine.backend;
  const lines = [
    `fastoptim benchmark${revision ? ` at ${revision}` : ''}`,
    `  cpu       ${machine.cpu}, ${machine.cores} logical CPUs, ${machine.caches.join(' ')}, ${machine.memoryGiB.toFixed(1)} GiB; load ${machine.loadAtStart.toFixed(2)}`,
    `  node      ${machine.node} ${machine.platform}-${machine.arch}`,
    `  native    ${b.nativeAvailable ? `ISAs ${b.supportedIsas.join(', ')} (default ${b.isa})` : `UNAVAILABLE (${b.nativeError}): no bandwidth probe, no fraction of bound`}`,
    `  threads   ${threads.join(', ')}${machine.threadPool ? '' : ' (this build has no thread pool: setNumThreads is absent)'}`,
    `  tfjs      ${tfjs ? `@tensorflow/tfjs ${tfjs.version}, backends ${tfjs.backends.join(', ') || 'none'}${tfjs.wasm ? `; wasm ${tfjs.wasm.simd ? 'SIMD' : 'no SIMD'}, ${tfjs.wasm.threads ? 'multi-threaded' : 'single-threaded'}` : ''}` : tfjsError ?? 'not used'}`,
    ...(tfjs?.errors ?? []).map((e) => `            ${e}`),
    `  runners   ${runners.map((r) => r.label).join(', ')}`,
    `  suites    ${cli.suites.map((s) => s.name).join(', ')}; sweep sizes ${cli.sizes.map(sizeLabel).join(', ')}`,
    `  tfjs for  ${[...cli.tfjsOptimizers].join(', ') || 'none'}; layouts up to ${sizeLabel(cli.tfjsMaxElements['tfjs-cpu'])} elements on cpu, ${sizeLabel(cli.tfjsMaxElements['tfjs-wasm'])} on wasm`,
    `  mode      ${cli.mode}: per cell warm-up >= ${cli.budget.warmupMinSteps} steps/${cli.budget.warmupSec} s, then >= ${cli.budget.minSamples} samples/${cli.budget.budgetSec} s ` +
      `(>= 3 samples/${cli.budget.maxCellSec} s when slow); median time per step`,
    `  bytes     per element (reads + writes): ${cli.optimizers.map((o) => `${o.name} ${typeof o.bytesPerElement === 'number' ? o.bytesPerElement : 'by shape'}`).join(', ')};`,
    `            triad ${TRIAD_BYTES_PER_ELEMENT} (reads b, c; a read for ownership, then written); bound: for a native cell, a triad of the same size and thread count timed beside it (their samples take turns); for the references, the best triad of the layout (probed before and after it)`,
    '',
  ];
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(process.argv.slice(2), BENCH_DIR);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (parsed === 'help') {
    console.log(USAGE);
    return;
  }
  const cli = parsed;
  const machine = machineInfo();
  const control = threadControl();
  const threads = cli.threads ?? defaultThreadCounts(control);
  if (!control && threads.some((n) => n !== 1)) fail('--threads: this build has no thread pool (setNumThreads), so only 1 thread can be measured');
  const defaultThreads = control?.get() ?? 1;

  const isas = machine.backend.nativeAvailable && cli.backends.includes('native') ? selectIsas(cli, machine.backend.supportedIsas) : [];
  const native = nativeRunners(isas, threads);
  let tfjs: TfjsSession | null = null;
  let tfjsError: string | null = null;
  const wantedTfjs = (['cpu', 'wasm'] as const).filter((b) => cli.backends.includes(`tfjs-${b}`));
  if (wantedTfjs.length && cli.tfjsOptimizers.size) {
    const loaded = await loadTfjs(wantedTfjs);
    if ('error' in loaded) tfjsError = loaded.error;
    else tfjs = loaded;
  }
  const references: Runner[] = [
    ...(cli.backends.includes('js') ? [referenceRunner('js')] : []),
    ...(tfjs?.info.backends ?? []).map((b) => referenceRunner(`tfjs-${b}`)),
  ];
  const revision = sourceRevision(BENCH_DIR);
  printHeader(revision, machine, cli, threads, [...native, ...references], tfjs?.info ?? null, tfjsError);

  const started = process.hrtime.bigint();
  const log = (line: string): void => void process.stderr.write(`[${since(started).toFixed(0).padStart(4)} s] ${line}\n`);
  const bench: Bench = {
    budget: cli.budget,
    optimizers: cli.optimizers,
    native,
    references,
    tfjs,
    tfjsOptimizers: cli.tfjsOptimizers,
    tfjsMaxElements: cli.tfjsMaxElements,
    control,
    probe: new BandwidthProbe(isas[0] ?? null, control, cli.budget, log),
    failures: [],
    brokenTfjs: new Set(),
    log,
  };

  const rows: Row[] = [];
  for (const suite of cli.suites) {
    for (const layout of suite.layouts({ sizes: cli.sizes })) rows.push(...(await runLayout(bench, layout)));
  }
  const wallSec = since(started);
  const loadAtEnd = os.loadavg()[0];

  // Leave the process as found: the default backend, instruction set and thread count.
  if (machine.backend.isa) setSimd(machine.backend.isa);
  setBackend(machine.backend.backend);
  control?.set(defaultThreads);

  const triads = bench.probe.rows;
  for (const suite of cli.suites) {
    const inSuite = rows.filter((r) => r.suite === suite.name);
    if (inSuite.length === 0) continue;
    console.log(`== ${suite.name}: ${suite.description}`);
    console.log('   median ms per step (fraction of the bandwidth bound: native rows against a triad timed beside them, same thread count; the references against the best triad); triad rows: the best triad of the layout in GB/s\n');
    console.log(timesTable(inSuite, triads));
    const ratios = ratiosTable(inSuite);
    if (ratios) {
      console.log('\n   native speed-up over one thread, and each reference\'s time over native on one thread\n');
      console.log(ratios);
    }
    console.log('');
  }
  if (bench.failures.length) console.log(`Cells that failed:\n${failuresText(bench.failures)}\n`);

  const targets = evaluateTargets(rows, { bestIsa: isas[0] ?? null, threads, cores: machine.cores });
  console.log('== targets (issue 5), ratios from this run; reported, not enforced\n');
  console.log(targetsTable(targets));
  console.log(`\nBenchmark time ${fmt(wallSec)} s; load average ${machine.loadAtStart.toFixed(2)} at start, ${loadAtEnd.toFixed(2)} at end`);

  const json = {
    schema: 1,
    date: new Date().toISOString(),
    argv: process.argv.slice(2),
    revision,
    mode: cli.mode,
    budget: cli.budget,
    machine: { ...machine, loadAtEnd },
    tfjs: tfjs?.info ?? (tfjsError ? { error: tfjsError } : null),
    plan: {
      suites: cli.suites.map((s) => s.name),
      sizes: cli.sizes,
      threads,
      runners: [...native, ...references].map((r) => r.label),
      optimizers: cli.optimizers.map((o) => ({
        name: o.name,
        bytesPerElement: typeof o.bytesPerElement === 'number' ? o.bytesPerElement : 'by shape',
        tfjs: cli.tfjsOptimizers.has(o.name) && o.tfjs !== undefined,
      })),
      tfjsMaxElements: cli.tfjsMaxElements,
    },
    wallSec,
    rows,
    triads,
    triadProbes: bench.probe.all,
    failures: bench.failures,
    targets,
  };
  console.log(`JSON written to ${writeFile(cli.jsonPath, `${JSON.stringify(json, null, 2)}\n`)}`);
  const title = `fastoptim step throughput vs size: ${machine.cpu}, ${machine.cores} CPUs, Node ${machine.node}, ${json.date.slice(0, 10)}`;
  const svg = sweepChart(rows, triads, title);
  if (svg) console.log(`Chart written to ${writeFile(cli.svgPath, svg)}`);
}

await main();
