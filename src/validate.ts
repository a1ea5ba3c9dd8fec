/**
 * The one place hyperparameters are checked. Every message has one shape:
 * `Expected <what> for <name> but received <value>` (for example
 * `Expected a finite number >= 0 for lr but received -1`).
 */

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Float32Array).length})`;
  if (typeof value === 'object') return `an object of type ${value.constructor?.name ?? 'Object'}`;
  return typeof value;
}

/**
 * The error every validation throws: a TypeError for a wrong type, a RangeError for a wrong
 * (numeric) value, with the message `Expected <expected> for <name> but received <value>`.
 * Exported for code that checks its own options the same way (custom schedulers, say).
 *
 * @example
 * ```ts
 * const err = invalidParameterError('lr', 'a finite number >= 0', -1);
 * console.log(err instanceof RangeError, err.message); // true Expected a finite number >= 0 for lr but received -1
 * try {
 *   new SGD([new Parameter(2)], { lr: -1 });
 * } catch (e) {
 *   console.log((e as Error).message);               // the same message
 * }
 * ```
 */
export function invalidParameterError(name: string, expected: string, value: unknown): TypeError | RangeError {
  const message = `Expected ${expected} for ${name} but received ${describe(value)}`;
  return typeof value === 'number' ? new RangeError(message) : new TypeError(message);
}

/** A numeric interval; `minOpen`/`maxOpen` exclude the bound. */
export interface Interval {
  min?: number;
  max?: number;
  minOpen?: boolean;
  maxOpen?: boolean;
}

function intervalText({ min, max, minOpen, maxOpen }: Interval): string {
  if (min !== undefined && max !== undefined) return ` in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}`;
  if (min !== undefined) return ` ${minOpen ? '>' : '>='} ${min}`;
  if (max !== undefined) return ` ${maxOpen ? '<' : '<='} ${max}`;
  return '';
}

function inInterval(x: number, { min, max, minOpen, maxOpen }: Interval): boolean {
  if (min !== undefined && (minOpen ? !(x > min) : !(x >= min))) return false;
  if (max !== undefined && (maxOpen ? !(x < max) : !(x <= max))) return false;
  return true;
}

/** Checks a finite number in `interval` and returns it. */
export function number(name: string, value: unknown, interval: Interval = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !inInterval(value, interval)) {
    throw invalidParameterError(name, `a finite number${intervalText(interval)}`, value);
  }
  return value;
}

/** Checks a boolean and returns it. */
export function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidParameterError(name, 'a boolean', value);
  return value;
}

/** Checks a pair of finite numbers, each in `interval`, and returns it. */
export function pair(name: string, value: unknown, interval: Interval = {}): [number, number] {
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((x) => typeof x === 'number' && Number.isFinite(x) && inInterval(x, interval));
  if (!ok) throw invalidParameterError(name, `a pair of finite numbers${intervalText(interval)}`, value);
  return value as [number, number];
}

/**
 * Checks a pair of finite numbers that satisfies `holds` (a relation between the two, such as
 * `0 < a < 1 < b`, described by `what`) and returns it.
 */
export function pairWhere(name: string, value: unknown, what: string, holds: (a: number, b: number) => boolean): [number, number] {
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((x) => typeof x === 'number' && Number.isFinite(x)) &&
    holds(value[0] as number, value[1] as number);
  if (!ok) throw invalidParameterError(name, `a pair of finite numbers with ${what}`, value);
  return value as [number, number];
}

/** Checks that `value` is one of `choices`. */
export function oneOf<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw invalidParameterError(name, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, value);
  }
  return value as T;
}

/** Checks an integer in `interval` and returns it. */
export function integer(name: string, value: unknown, interval: Interval = {}): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || !inInterval(value, interval)) {
    throw invalidParameterError(name, `an integer${intervalText(interval)}`, value);
  }
  return value;
}

/** Checks a number, or a list of numbers with one per param group, each in `interval`; returns one per group. */
export function perGroup(name: string, value: unknown, groups: number, interval: Interval = {}): number[] {
  if (Array.isArray(value)) {
    if (value.length !== groups) throw invalidParameterError(name, `a number or a list of ${groups} numbers (one per param group)`, value);
    return value.map((v, i) => number(`${name}[${i}]`, v, interval));
  }
  return new Array<number>(groups).fill(number(name, value, interval));
}
