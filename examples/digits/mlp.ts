/**
 * A two-layer perceptron, 64 -> hidden (ReLU) -> 10, with softmax cross-entropy, forward and
 * backward in plain TypeScript. Its weights and biases are fastoptim Parameters: backward()
 * writes their gradients, and any fastoptim optimizer steps them.
 */
import { Parameter } from '../../src/index.js';
import { random } from '../random.js';
import { CLASSES as DATA_CLASSES, FEATURES as DATA_FEATURES } from './data.js';

// Local copies for the hot loops: a test runner (vitest) turns imported bindings into property
// reads of a module object, which made these loops ten times slower under it.
const FEATURES = DATA_FEATURES;
const CLASSES = DATA_CLASSES;

export class MLP {
  readonly w1: Parameter; // hidden x 64
  readonly b1: Parameter; // hidden
  readonly w2: Parameter; // 10 x hidden
  readonly b2: Parameter; // 10
  private hidden = new Float32Array(0);
  private logits = new Float32Array(0);

  constructor(readonly hiddenSize: number, seed: number) {
    const rand = random(seed);
    // He initialization for the ReLU layer, Glorot-style scale for the output layer.
    const normal = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
    const init = (n: number, scale: number) => Float32Array.from({ length: n }, () => normal() * scale);
    this.w1 = new Parameter(init(hiddenSize * FEATURES, Math.sqrt(2 / FEATURES)), { shape: [hiddenSize, FEATURES], name: 'w1' });
    this.b1 = new Parameter(hiddenSize, { name: 'b1' });
    this.w2 = new Parameter(init(CLASSES * hiddenSize, Math.sqrt(1 / hiddenSize)), { shape: [CLASSES, hiddenSize], name: 'w2' });
    this.b2 = new Parameter(CLASSES, { name: 'b2' });
  }

  parameters(): Parameter[] {
    return [this.w1, this.b1, this.w2, this.b2];
  }

  /** Logits for `n` rows of `x` (row-major, n x 64), kept for backward(). */
  forward(x: Float32Array, n: number): Float32Array {
    const h = this.hiddenSize;
    if (this.hidden.length < n * h) this.hidden = new Float32Array(n * h);
    if (this.logits.length < n * CLASSES) this.logits = new Float32Array(n * CLASSES);
    const [w1, b1, w2, b2] = [this.w1.data, this.b1.data, this.w2.data, this.b2.data];
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < h; j++) {
        let s = b1[j];
        for (let f = 0; f < FEATURES; f++) s += w1[j * FEATURES + f] * x[r * FEATURES + f];
        this.hidden[r * h + j] = s > 0 ? s : 0; // ReLU
      }
      for (let c = 0; c < CLASSES; c++) {
        let s = b2[c];
        for (let j = 0; j < h; j++) s += w2[c * h + j] * this.hidden[r * h + j];
        this.logits[r * CLASSES + c] = s;
      }
    }
    return this.logits.subarray(0, n * CLASSES);
  }

  /**
   * Mean softmax cross-entropy of the last forward() against `y`, and its gradient with
   * respect to every parameter, written into the parameters' grad buffers.
   */
  backward(x: Float32Array, y: Uint8Array, n: number): number {
    const h = this.hiddenSize;
    const [w2] = [this.w2.data];
    const [gw1, gb1, gw2, gb2] = [this.w1.grad!, this.b1.grad!, this.w2.grad!, this.b2.grad!];
    gw1.fill(0);
    gb1.fill(0);
    gw2.fill(0);
    gb2.fill(0);
    const dlogits = new Float64Array(CLASSES);
    const dhidden = new Float64Array(h);
    let loss = 0;
    for (let r = 0; r < n; r++) {
      // softmax, stable: subtract the largest logit
      let max = -Infinity;
      for (let c = 0; c < CLASSES; c++) max = Math.max(max, this.logits[r * CLASSES + c]);
      let sum = 0;
      for (let c = 0; c < CLASSES; c++) sum += Math.exp(this.logits[r * CLASSES + c] - max);
      loss += Math.log(sum) + max - this.logits[r * CLASSES + y[r]];
      for (let c = 0; c < CLASSES; c++) {
        // d loss / d logit = softmax - onehot, averaged over the batch
        dlogits[c] = (Math.exp(this.logits[r * CLASSES + c] - max) / sum - (c === y[r] ? 1 : 0)) / n;
        gb2[c] += dlogits[c];
      }
      dhidden.fill(0);
      for (let c = 0; c < CLASSES; c++) {
        for (let j = 0; j < h; j++) {
          gw2[c * h + j] += dlogits[c] * this.hidden[r * h + j];
          dhidden[j] += dlogits[c] * w2[c * h + j];
        }
      }
      for (let j = 0; j < h; j++) {
        if (this.hidden[r * h + j] <= 0) continue; // ReLU passes gradient only where active
        gb1[j] += dhidden[j];
        for (let f = 0; f < FEATURES; f++) gw1[j * FEATURES + f] += dhidden[j] * x[r * FEATURES + f];
      }
    }
    return loss / n;
  }

  /** Fraction of rows whose largest logit is the label. */
  accuracy(x: Float32Array, y: Uint8Array, n: number): number {
    const logits = this.forward(x, n);
    let correct = 0;
    for (let r = 0; r < n; r++) {
      let best = 0;
      for (let c = 1; c < CLASSES; c++) if (logits[r * CLASSES + c] > logits[r * CLASSES + best]) best = c;
      if (best === y[r]) correct++;
    }
    return correct / n;
  }

  /** Mean cross-entropy over n rows, without touching the gradients. */
  loss(x: Float32Array, y: Uint8Array, n: number): number {
    const logits = this.forward(x, n);
    let total = 0;
    for (let r = 0; r < n; r++) {
      let max = -Infinity;
      for (let c = 0; c < CLASSES; c++) max = Math.max(max, logits[r * CLASSES + c]);
      let sum = 0;
      for (let c = 0; c < CLASSES; c++) sum += Math.exp(logits[r * CLASSES + c] - max);
      total += Math.log(sum) + max - logits[r * CLASSES + y[r]];
    }
    return total / n;
  }
}
