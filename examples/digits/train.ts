/**
 * `npm start`: trains a 64-128-10 MLP on the UCI handwritten digits with fastoptim doing the
 * optimizer steps, shows progress per epoch, writes the loss and accuracy curves as an SVG, and
 * compares the optimizer step on the native and the JS backend over the same run.
 *
 *   npm start -- --optimizer sgd --schedule onecycle --epochs 20 --seed 3
 *   npm start -- --help
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import cliProgress from 'cli-progress';

import { backendInfo, setBackend, type BackendName } from '../../src/index.js';
import { trainingChart } from './chart.js';
import { loadDigits, random } from './data.js';
import { MLP } from './mlp.js';
import { OPTIMIZERS, SCHEDULES, makeOptimizer, makeSchedule, type OptimizerName, type ScheduleName } from './setup.js';

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

export interface EpochResult {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
  /** The learning rate at the end of the epoch. */
  lr: number;
  /** Time spent inside optimizer.step() during the epoch, in milliseconds. */
  stepMs: number;
  steps: number;
}

export interface TrainResult {
  config: TrainConfig;
  epochs: EpochResult[];
  testAccuracy: number;
  /** Total time in optimizer.step(), milliseconds. */
  stepMs: number;
  steps: number;
  isa: string | null;
}

export interface TrainHooks {
  onEpochStart?(epoch: number, batches: number): void;
  onBatch?(batch: number): void;
  onEpochEnd?(result: EpochResult): void;
}

/** Trains the MLP: the same config and backend give the same numbers. */
export function train(config: TrainConfig, hooks: TrainHooks = {}): TrainResult {
  setBackend(config.backend);
  const { train: data, test } = loadDigits(config.seed);
  const model = new MLP(config.hidden, config.seed + 1);
  const batches = Math.ceil(data.count / config.batchSize);
  const totalSteps = batches * config.epochs;
  const { optimizer, peakLr } = makeOptimizer(config.optimizer, model.parameters(), config.lr);
  const schedule = makeSchedule(config.schedule, optimizer, peakLr, totalSteps);
  const rand = random(config.seed + 2);
  const order = Array.from({ length: data.count }, (_, i) => i);
  const xb = new Float32Array(config.batchSize * 64);
  const yb = new Uint8Array(config.batchSize);
  const epochs: EpochResult[] = [];
  let stepMs = 0;
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    hooks.onEpochStart?.(epoch, batches);
    let lossSum = 0;
    let epochMs = 0;
    for (let b = 0; b < batches; b++) {
      const rows = order.slice(b * config.batchSize, (b + 1) * config.batchSize);
      rows.forEach((r, k) => {
        xb.set(data.x.subarray(r * 64, r * 64 + 64), k * 64);
        yb[k] = data.y[r];
      });
      model.forward(xb, rows.length);
      lossSum += model.backward(xb, yb, rows.length) * rows.length;
      const t0 = process.hrtime.bigint();
      optimizer.step();
      epochMs += Number(process.hrtime.bigint() - t0) / 1e6;
      schedule.step();
      hooks.onBatch?.(b + 1);
    }
    stepMs += epochMs;
    const result: EpochResult = {
      epoch,
      trainLoss: lossSum / data.count,
      testLoss: model.loss(test.x, test.y, test.count),
      testAccuracy: model.accuracy(test.x, test.y, test.count),
      lr: optimizer.paramGroups[0].lr,
      stepMs: epochMs,
      steps: batches,
    };
    epochs.push(result);
    hooks.onEpochEnd?.(result);
  }
  return { config, epochs, testAccuracy: epochs[epochs.length - 1].testAccuracy, stepMs, steps: totalSteps, isa: backendInfo().isa };
}

const HELP = `Train a 64-128-10 MLP on the UCI handwritten digits with fastoptim.

Usage: npm start -- [options]

  --optimizer <name>   ${OPTIMIZERS.join(', ')} (default adamw)
  --schedule <name>    ${SCHEDULES.join(', ')} (default warmup-cosine)
  --epochs <n>         default 30
  --batch-size <n>     default 32
  --lr <x>             peak learning rate (default: per optimizer)
  --hidden <n>         hidden units (default 128)
  --seed <n>           data split, initialization and shuffling (default 1)
  --backend <name>     native or js (default: native when it loads)
  --out <file.svg>     the curves (default digits-training.svg)
  --no-compare         skip the second run on the other backend
  --help               this text

Same seed and backend: same numbers.`;

function parse(argv: string[]): { config: TrainConfig; out: string; compare: boolean } | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      optimizer: { type: 'string', default: 'adamw' },
      schedule: { type: 'string', default: 'warmup-cosine' },
      epochs: { type: 'string', default: '30' },
      'batch-size': { type: 'string', default: '32' },
      lr: { type: 'string' },
      hidden: { type: 'string', default: '128' },
      seed: { type: 'string', default: '1' },
      backend: { type: 'string' },
      out: { type: 'string', default: 'digits-training.svg' },
      'no-compare': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
    return n;
  };
  const choose = <T extends string>(name: string, v: string, list: readonly T[]): T => {
    if (!list.includes(v as T)) throw new Error(`--${name} must be one of ${list.join(', ')}, got ${v}`);
    return v as T;
  };
  const lr = values.lr === undefined ? undefined : Number(values.lr);
  if (lr !== undefined && !(lr > 0)) throw new Error(`--lr must be a number > 0, got ${values.lr}`);
  const backend = values.backend === undefined ? backendInfo().backend : choose('backend', values.backend, ['native', 'js'] as const);
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

function main(): void {
  let parsed;
  try {
    parsed = parse(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (!parsed) {
    console.log(HELP);
    return;
  }
  const { config, out, compare } = parsed;
  const info = backendInfo();
  console.log(`fastoptim digits: ${config.optimizer}, ${config.schedule}, ${config.epochs} epochs, batch ${config.batchSize}, seed ${config.seed}`);
  console.log(`backend ${config.backend}${config.backend === 'native' ? ` (${info.isa})` : ''}; 1437 training and 360 test images of 8x8 pixels\n`);
  const bar = new cliProgress.SingleBar(
    { format: 'epoch {epoch} [{bar}] {value}/{total} batches', barsize: 30, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  const result = train(config, {
    onEpochStart: (epoch, batches) => bar.start(batches, 0, { epoch: String(epoch).padStart(3) }),
    onBatch: (b) => bar.update(b),
    onEpochEnd: (e) => {
      bar.stop();
      console.log(
        `epoch ${String(e.epoch).padStart(3)}  train loss ${e.trainLoss.toFixed(4)}  test loss ${e.testLoss.toFixed(4)}  ` +
          `test accuracy ${(e.testAccuracy * 100).toFixed(2)}%  lr ${e.lr.toExponential(3)}  optimizer step ${e.stepMs.toFixed(1)} ms`,
      );
    },
  });
  console.log(`\nfinal test accuracy: ${(result.testAccuracy * 100).toFixed(2)}% (${config.epochs} epochs)`);

  const series = [{ label: `${config.backend}`, result }];
  if (compare && info.nativeAvailable) {
    const other: BackendName = config.backend === 'native' ? 'js' : 'native';
    console.log(`\nthe same run on the ${other} backend, to compare the optimizer step...`);
    const again = train({ ...config, backend: other });
    series.push({ label: other, result: again });
    const [nat, js] = config.backend === 'native' ? [result, again] : [again, result];
    const us = (r: TrainResult) => ((r.stepMs / r.steps) * 1000).toFixed(1);
    console.log(`optimizer step, ${result.steps} steps over ${model(result)} parameters:`);
    console.log(`  native (${nat.isa}): ${nat.stepMs.toFixed(1)} ms in all, ${us(nat)} us per step`);
    console.log(`  js:               ${js.stepMs.toFixed(1)} ms in all, ${us(js)} us per step`);
    console.log(`  native is ${(js.stepMs / nat.stepMs).toFixed(1)}x faster; test accuracy native ${(nat.testAccuracy * 100).toFixed(2)}%, js ${(js.testAccuracy * 100).toFixed(2)}%`);
  }
  writeFileSync(
    out,
    trainingChart(
      `fastoptim: ${config.optimizer} + ${config.schedule} on the UCI digits, seed ${config.seed}`,
      [
        { label: 'train loss', color: '#1f77b4', values: result.epochs.map((e) => e.trainLoss) },
        { label: 'test loss', color: '#ff7f0e', values: result.epochs.map((e) => e.testLoss) },
      ],
      [{ label: 'test accuracy', color: '#2ca02c', values: result.epochs.map((e) => e.testAccuracy) }],
    ),
  );
  console.log(`\ncurves written to ${out}`);
}

function model(r: TrainResult): number {
  return 64 * r.config.hidden + r.config.hidden + 10 * r.config.hidden + 10;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) main();
