/** A small seeded generator (mulberry32 + Box-Muller), so every test sees the same numbers. */
export function rng(seed: number): {
  uniform(): number;
  normal(): number;
  normals(n: number, scale?: number): Float32Array;
  uniforms(n: number): Float32Array;
} {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  const normals = (n: number, scale = 1) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = normal() * scale;
    return out;
  };
  /** n values in [-1, 1): cheaper than normals for large buffers. */
  const uniforms = (n: number) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = 2 * uniform() - 1;
    return out;
  };
  return { uniform, normal, normals, uniforms };
}
