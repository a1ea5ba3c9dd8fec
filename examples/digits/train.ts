/**
 * `npm start`: trains a 64-128-10 MLP on the UCI handwritten digits with fastoptim doing the
 * optimizer steps, shows progress per epoch, writes the loss, accuracy and learning-rate curves
 * as an SVG, and compares the optimizer step on the native and the JS backend over the same run.
 *
 *   npm start -- --optimizer sgd --schedule onecycle --epochs 20 --seed 3
 *   npm start -- --help
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import cliProgress from 'cli-progress';

import { backendInfo, setBackend, type BackendName } from '../../src/index.js';
import { trainingChart } from './chart.js';
import { random } from '../random.js';
import { CLASSES, FEATURES, loadDigits } from './data.js';
import { MLP } from './mlp.js';
import { OPTIMIZERS, SCHEDULES, describeOptimizers, makeOptimizer, makeSchedule, type OptimizerName, type ScheduleName } from './setup.js';

export interface TrainConfig {
  optimizer: OptimizerName;
  schedule: ScheduleName;
  epochs: number;
  batchSize: number;
  /** Peak learning rate (the optimizer's default for the digits when undefined). */
  lr?: number;
  hidden: number;
  seed: number;
  backend: BackendName;
}

export const DEFAULT_CONFIG: Omit<TrainConfig, 'backend'> = {
  optimizer: 'adamw',
  schedule: 'warmup-cosine',
  epochs: 30,
  batchSize: 32,
  hidden: 128,
  seed: 1,
};

export interface EpochResult {
  epoch: number;
  /** Mean cross-entropy over the epoch's batches (before each batch's step). */
  trainLoss: number;
  /** Accuracy on the training set after the epoch. */
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** The learning rate of the epoch's last step. */
  lr: number;
  /** Time spent inside optimizer.step() during the epoch, in milliseconds. */
  stepMs: number;
  /** Time of the whole epoch (forward, backward, step, evaluation), in milliseconds. */
  epochMs: number;
  steps: number;
}

export interface TrainResult {
  config: TrainConfig;
  epochs: EpochResult[];
  /** The learning rate of every step, in order. */
  lrs: number[];
  testAccuracy: number;
  /** Total time in optimizer.step(), milliseconds. */
  stepMs: number;
  /** The median time of one optimizer.step(), microseconds (robust to a busy machine's pauses). */
  medianStepUs: number;
  steps: number;
  /** Number of trained values (weights and biases). */
  parameters: number;
  isa: string | null;
  /** The trained weights and biases, in `model.parameters()` order. */
  weights: Float32Array[];
}

export interface TrainHooks {
  onEpochStart?(epoch: number, batches: number): void;
  onBatch?(batch: number): void;
  onEpochEnd?(result: EpochResult): void;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Trains the MLP on `config.backend` (and switches back to the previous backend afterwards).
 * Deterministic: the same config and backend give the same numbers, bit for bit.
 */
export function train(config: TrainConfig, hooks: TrainHooks = {}): TrainResult {
  const previous = backendInfo().backend;
  setBackend(config.backend);
  try {
    return trainOn(config, hooks);
  } finally {
    setBackend(previous);
  }
}

function trainOn(config: TrainConfig, hooks: TrainHooks): TrainResult {
  const { train: data, test } = loadDigits(config.seed);
  const model = new MLP(config.hidden, config.seed + 1);
  const batches = Math.ceil(data.count / config.batchSize);
  const totalSteps = batches * config.epochs;
  const { optimizer, peakLr } = makeOptimizer(config.optimizer, model.parameters(), config.lr);
  const schedule = makeSchedule(config.schedule, optimizer, peakLr, totalSteps);
  const rand = random(config.seed + 2);
  const order = Array.from({ length: data.count }, (_, i) => i);
  const xb = new Float32Array(config.batchSize * FEATURES);
  const yb = new Uint8Array(config.batchSize);
  const epochs: EpochResult[] = [];
  const lrs: number[] = [];
  const stepTimes: number[] = [];
  let stepMs = 0;
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const epochStart = now();
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    hooks.onEpochStart?.(epoch, batches);
    let lossSum = 0;
    let epochStepMs = 0;
    for (let b = 0; b < batches; b++) {
      const rows = order.slice(b * config.batchSize, (b + 1) * config.batchSize);
      rows.forEach((r, k) => {
        xb.set(data.x.subarray(r * FEATURES, (r + 1) * FEATURES), k * FEATURES);
        yb[k] = data.y[r];
      });
      model.forward(xb, rows.length);
      lossSum += model.backward(xb, yb, rows.length) * rows.length;
      lrs.push(optimizer.paramGroups[0].lr);
      const t0 = now();
      optimizer.step();
      const dt = now() - t0;
      stepTimes.push(dt);
      epochStepMs += dt;
      schedule.step();
      hooks.onBatch?.(b + 1);
    }
    stepMs += epochStepMs;
    const result: EpochResult = {
      epoch,
      trainLoss: lossSum / data.count,
      trainAccuracy: model.accuracy(data.x, data.y, data.count),
      testLoss: model.loss(test.x, test.y, test.count),
      testAccuracy: model.accuracy(test.x, test.y, test.count),
      lr: lrs[lrs.length - 1],
      stepMs: epochStepMs,
      epochMs: now() - epochStart,
      steps: batches,
    };
    epochs.push(result);
    hooks.onEpochEnd?.(result);
  }
  const weights = model.parameters().map((p) => p.data.slice());
  return {
    config,
    epochs,
    lrs,
    testAccuracy: epochs[epochs.length - 1].testAccuracy,
    stepMs,
    medianStepUs: median(stepTimes) * 1000,
    steps: totalSteps,
    parameters: weights.reduce((n, w) => n + w.length, 0),
    isa: backendInfo().isa,
    weights,
  };
}

const HELP = `Train a 64-${DEFAULT_CONFIG.hidden}-10 MLP on the UCI handwritten digits (1797 images of 8x8 pixels, 20% held
out for testing) with fastoptim doing the optimizer steps.

Usage: npm start -- [options]        (or: npx tsx examples/digits/train.ts [options])

  --optimizer <name>   default ${DEFAULT_CONFIG.optimizer}; one of
${describeOptimizers().map((l) => `                         ${l}`).join('\n')}
  --schedule <name>    default ${DEFAULT_CONFIG.schedule}; one of
                         warmup-cosine  linear warmup over 5% of the steps, cosine decay to 0
                         onecycle       OneCycleLR (up for 30% of the steps, then down)
                         constant       the peak learning rate throughout
  --epochs <n>         default ${DEFAULT_CONFIG.epochs}
  --batch-size <n>     default ${DEFAULT_CONFIG.batchSize}
  --lr <x>             peak learning rate (default: the optimizer's, above)
  --hidden <n>         hidden units (default ${DEFAULT_CONFIG.hidden})
  --seed <n>           data split, initialization and shuffling (default ${DEFAULT_CONFIG.seed})
  --backend <name>     native or js (default: native when the addon loads; FASTOPTIM_BACKEND=js forces js)
  --out <file.svg>     where to write the curves (default digits-training.svg)
  --no-compare         skip the second run on the other backend
  --help               this text

The same options, seed and backend give the same numbers.`;

/** A bad command line. */
export class UsageError extends Error {}

/** Parses the command line; null for --help. Throws a UsageError on a bad option. */
export function parse(argv: string[]): { config: TrainConfig; out: string; compare: boolean } | null {
  try {
    return parseOrThrow(argv);
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError((err as Error).message);
  }
}

function parseOrThrow(argv: string[]): { config: TrainConfig; out: string; compare: boolean } | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      optimizer: { type: 'string', default: DEFAULT_CONFIG.optimizer },
      schedule: { type: 'string', default: DEFAULT_CONFIG.schedule },
      epochs: { type: 'string', default: String(DEFAULT_CONFIG.epochs) },
      'batch-size': { type: 'string', default: String(DEFAULT_CONFIG.batchSize) },
      lr: { type: 'string' },
      hidden: { type: 'string', default: String(DEFAULT_CONFIG.hidden) },
      seed: { type: 'string', default: String(DEFAULT_CONFIG.seed) },
      backend: { type: 'string' },
      out: { type: 'string', default: 'digits-training.svg' },
      'no-compare': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got ${v}`);
    return n;
  };
  const choose = <T extends string>(name: string, v: string, list: readonly T[]): T => {
    if (!list.includes(v as T)) throw new UsageError(`--${name} must be one of ${list.join(', ')}, got ${v}`);
    return v as T;
  };
  const lr = values.lr === undefined ? undefined : Number(values.lr);
  if (lr !== undefined && !(lr > 0 && Number.isFinite(lr))) throw new UsageError(`--lr must be a finite number > 0, got ${values.lr}`);
  const backend = values.backend === undefined ? backendInfo().backend : choose('backend', values.backend, ['native', 'js'] as const);
  if (backend === 'native' && !backendInfo().nativeAvailable) throw new UsageError(`--backend native, but the native addon did not load: ${backendInfo().nativeError}`);
  return {
    config: {
      optimizer: choose('optimizer', values.optimizer!, OPTIMIZERS),
      schedule: choose('schedule', values.schedule!, SCHEDULES),
      epochs: int('epochs', values.epochs!, 1),
      batchSize: int('batch-size', values['batch-size']!, 1),
      lr,
      hidden: int('hidden', values.hidden!, 1),
      seed: int('seed', values.seed!, 0),
      backend,
    },
    out: values.out!,
    compare: !values['no-compare'],
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const backendLabel = (r: TrainResult) => (r.config.backend === 'native' ? `native (${r.isa})` : 'js');

function progressBar(label: string): cliProgress.SingleBar {
  // cli-progress draws on stderr, and only when it is a terminal; a training loop is synchronous,
  // so it redraws from update() (at most every 2 / fps seconds), not from its timer.
  return new cliProgress.SingleBar(
    { format: `${label} {epoch} [{bar}] {value}/{total} batches`, barsize: 30, hideCursor: true, clearOnComplete: true, fps: 60 },
    cliProgress.Presets.shades_classic,
  );
}

/** The optimizer-step comparison of two runs of the same config on the two backends. */
export function comparison(nat: TrainResult, js: TrainResult): string[] {
  const us = (r: TrainResult) => r.medianStepUs.toFixed(1).padStart(9);
  const ms = (r: TrainResult) => r.stepMs.toFixed(1).padStart(9);
  let maxDiff = 0;
  nat.weights.forEach((w, i) => w.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - js.weights[i][j])))));
  const ratio = js.medianStepUs / nat.medianStepUs;
  return [
    `optimizer step, the same run (${nat.steps} steps of ${nat.parameters} parameters) on both backends:`,
    `  backend            median step    all steps   final test accuracy`,
    `  ${backendLabel(nat).padEnd(16)} ${us(nat)} us ${ms(nat)} ms   ${pct(nat.testAccuracy)}`,
    `  ${backendLabel(js).padEnd(16)} ${us(js)} us ${ms(js)} ms   ${pct(js.testAccuracy)}`,
    `  the native step is ${ratio >= 1 ? `${ratio.toFixed(1)}x faster` : `${(1 / ratio).toFixed(1)}x slower`} than the JS step on this model ` +
      `(small tensors: per-call overhead weighs; \`npm run bench\` measures large ones)`,
    `  largest difference between the two runs' trained weights: ${maxDiff.toExponential(2)} (float32 rounding, e.g. fused multiply-adds)`,
  ];
}

/** The SVG of a run: loss, accuracy and learning rate per epoch. */
export function chartOf(result: TrainResult): string {
  const { config } = result;
  const epochsX = result.epochs.map((e) => e.epoch);
  const perStep = result.lrs.map((_, i) => (i + 1) / (result.steps / config.epochs));
  const sig = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 0.01 && Math.abs(v) < 100 ? String(Number(v.toPrecision(3))) : v.toExponential(1));
  return trainingChart(
    `fastoptim: ${config.optimizer} + ${config.schedule}, batch ${config.batchSize}, seed ${config.seed}, ${backendLabel(result)} backend; ` +
      `final test accuracy ${pct(result.testAccuracy)}`,
    [
      {
        title: 'cross-entropy loss',
        yMin: 0,
        format: sig,
        series: [
          { label: 'train', color: '#1f77b4', x: epochsX, y: result.epochs.map((e) => e.trainLoss), dots: true },
          { label: 'test', color: '#ff7f0e', x: epochsX, y: result.epochs.map((e) => e.testLoss), dots: true },
        ],
      },
      {
        title: 'accuracy',
        yMax: 1,
        format: (v) => `${Number((v * 100).toFixed(1))}%`,
        series: [
          { label: 'train', color: '#1f77b4', x: epochsX, y: result.epochs.map((e) => e.trainAccuracy), dots: true, dashed: true },
          { label: 'test', color: '#2ca02c', x: epochsX, y: result.epochs.map((e) => e.testAccuracy), dots: true },
        ],
      },
      {
        title: 'learning rate',
        yMin: 0,
        format: sig,
        series: [{ label: `${config.schedule}, per step`, color: '#9467bd', x: perStep, y: result.lrs }],
      },
    ],
  );
}

/**
 * The command line: parses `argv`, trains, prints an epoch line per epoch, compares the
 * backends and writes the SVG. Returns the run, or null for --help. Throws on a bad option.
 */
export function main(argv: string[], log: (line: string) => void = console.log): TrainResult | null {
  const parsed = parse(argv);
  if (!parsed) {
    log(HELP);
    return null;
  }
  const { config, out, compare } = parsed;
  const info = backendInfo();
  const split = loadDigits(config.seed);
  log(`fastoptim digits: ${config.optimizer}, ${config.schedule} schedule, ${plural(config.epochs, 'epoch')}, batch ${config.batchSize}, seed ${config.seed}`);
  log(
    `MLP ${FEATURES}-${config.hidden}-${CLASSES} (ReLU, softmax cross-entropy) on ${split.train.count} training and ${split.test.count} test images; ` +
      `backend ${config.backend === 'native' ? `native (${info.isa})` : 'js'}\n`,
  );
  const bar = progressBar('epoch');
  const total = String(config.epochs);
  const result = train(config, {
    onEpochStart: (epoch, batches) => bar.start(batches, 0, { epoch: `${String(epoch).padStart(total.length)}/${total}` }),
    onBatch: (b) => bar.update(b),
    onEpochEnd: (e) => {
      bar.stop();
      log(
        `epoch ${String(e.epoch).padStart(total.length)}/${total}  train loss ${e.trainLoss.toFixed(4)}  test accuracy ${pct(e.testAccuracy).padStart(7)}  ` +
          `lr ${e.lr.toExponential(2)}  optimizer step ${e.stepMs.toFixed(1).padStart(5)} ms of ${e.epochMs.toFixed(0).padStart(4)} ms`,
      );
    },
  });
  log(`\nfinal test accuracy: ${pct(result.testAccuracy)} after ${plural(config.epochs, 'epoch')} (${plural(result.steps, 'step')})`);

  if (!compare) {
    log('\nbackend comparison skipped (--no-compare)');
  } else if (!info.nativeAvailable) {
    log(`\nbackend comparison skipped: the native addon is not available (${info.nativeError}), so this run used the JS backend only`);
  } else {
    const other: BackendName = config.backend === 'native' ? 'js' : 'native';
    log(`\nthe same run again on the ${other} backend, to compare the optimizer step...`);
    const otherBar = progressBar(`${other} run, epoch`);
    const again = train(
      { ...config, backend: other },
      {
        onEpochStart: (epoch, batches) => otherBar.start(batches, 0, { epoch: `${epoch}/${total}` }),
        onBatch: (b) => otherBar.update(b),
        onEpochEnd: () => otherBar.stop(),
      },
    );
    const [nat, js] = config.backend === 'native' ? [result, again] : [again, result];
    for (const line of comparison(nat, js)) log(line);
  }
  writeFileSync(out, chartOf(result));
  log(`\ncurves (loss, accuracy, learning rate) written to ${path.resolve(out)}`);
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\nRun with --help for the options.`);
    process.exit(2);
  }
}
