/**
 * What an optimizer updates: a flat float32 buffer and its gradient. Any object with these two
 * fields works (for example a view into a model's weights); `Parameter` is a convenience that
 * builds one.
 */
export interface ParamLike {
  /** The values the optimizer updates in place. */
  data: Float32Array;
  /** The gradient of the loss with respect to `data`, or null: a parameter whose grad is null is skipped by `step()`. */
  grad: Float32Array | null;
  /** Optional logical shape (row-major), for optimizers that treat matrices differently (Adafactor, LARS). */
  readonly shape?: readonly number[];
}

/** `new Parameter(data, options)`'s options. */
export interface ParameterOptions {
  /** The gradient buffer: `true` (default) allocates zeros of the same length, `false` leaves it null. */
  grad?: Float32Array | boolean;
  /** An optional logical shape (row-major); its product must equal the length. */
  shape?: readonly number[];
  /** An optional name, for error messages and your own bookkeeping. */
  name?: string;
}

/**
 * Assignments to any Parameter's `data` or `grad`, counted: a step plan (src/optim/plan.ts) over
 * Parameters tells with one compare that none of them was given another buffer since it last
 * looked, instead of reading every parameter's two fields at every step.
 */
let writes = 0;

/** @internal How many times a Parameter's `data` or `grad` has been assigned. */
export function parameterWrites(): number {
  return writes;
}

/**
 * A parameter: `data` plus `grad`, with an optional shape and name. The optimizers update
 * `data` in place from `grad`; your backward pass writes `grad` (zeroed by
 * `optimizer.zeroGrad()`). Assigning `data` or `grad` another buffer is fine at any time
 * between steps (both are accessors: the optimizers' step plans learn of it from a counter).
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array([0.5, -1]));  // grad: zeros(2)
 * const b = new Parameter(10);                            // data: zeros(10)
 * const x = Parameter.from([1, 2, 3, 4], { shape: [2, 2], name: 'x' });
 * const frozen = new Parameter(3, { grad: false });       // grad: null, skipped by step()
 * console.log(w.numel, b.numel, x.shape, frozen.grad);   // 2 10 [2, 2] null
 * ```
 */
export class Parameter implements ParamLike {
  #data: Float32Array;
  #grad: Float32Array | null;
  /** The logical shape (row-major): `options.shape`, or `[length]`. */
  readonly shape: readonly number[];
  /** `options.name`, if given. */
  readonly name: string | undefined;

  /** `data` is used as is (not copied); a number allocates that many zeros. */
  constructor(data: Float32Array | number, options: ParameterOptions = {}) {
    if (typeof data === 'number') {
      if (!Number.isInteger(data) || data < 0) {
        throw new RangeError(`Expected a non-negative integer length for Parameter but received ${data}`);
      }
      data = new Float32Array(data);
    } else if (!(data instanceof Float32Array)) {
      throw new TypeError('Expected a Float32Array or a length for Parameter');
    }
    this.#data = data;
    const grad = options.grad ?? true;
    if (grad instanceof Float32Array) {
      if (grad.length !== data.length) {
        throw new RangeError(`Expected a grad of length ${data.length} for Parameter but received ${grad.length}`);
      }
      this.#grad = grad;
    } else {
      this.#grad = grad ? new Float32Array(data.length) : null;
    }
    this.shape = options.shape ? [...options.shape] : [data.length];
    if (this.shape.reduce((a, b) => a * b, 1) !== data.length) {
      throw new RangeError(`Expected a shape with ${data.length} elements for Parameter but received [${this.shape.join(', ')}]`);
    }
    this.name = options.name;
  }

  /** The values the optimizer updates in place. */
  get data(): Float32Array {
    return this.#data;
  }

  set data(data: Float32Array) {
    this.#data = data;
    writes++;
  }

  /** The gradient, or null (the parameter is then skipped by `step()`). */
  get grad(): Float32Array | null {
    return this.#grad;
  }

  set grad(grad: Float32Array | null) {
    this.#grad = grad;
    writes++;
  }

  /** How `console.log` and `util.inspect` show it: its fields, data and grad included. */
  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return `Parameter ${inspect({ data: this.#data, grad: this.#grad, shape: this.shape, name: this.name }, options)}`;
  }

  /** A parameter holding a float32 copy of `values`. */
  static from(values: ArrayLike<number>, options: ParameterOptions = {}): Parameter {
    return new Parameter(Float32Array.from(values), options);
  }

  /** The number of elements. */
  get numel(): number {
    return this.data.length;
  }
}
