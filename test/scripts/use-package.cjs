// Run inside a project that installed the packed tarball: loads fastoptim through CommonJS or
// ESM (argv[2]), steps Adam and SGD, and prints backendInfo() and the results as JSON.
'use strict';

async function main() {
  const mode = process.argv[2];
  const lib = mode === 'esm' ? await import('fastoptim') : require('fastoptim');
  const { Adam, SGD, Parameter, backendInfo } = lib;
  const values = Array.from({ length: 37 }, (_, i) => Math.sin(i + 1));
  const a = Parameter.from(values);
  const b = Parameter.from(values);
  const adam = new Adam([a], { lr: 0.05, amsgrad: true });
  const sgd = new SGD([b], { lr: 0.05, momentum: 0.9, nesterov: true });
  for (let t = 0; t < 5; t++) {
    for (const p of [a, b]) p.grad.set(values.map((v, i) => Math.cos(v * (t + 1) + i)));
    adam.step();
    sgd.step();
  }
  console.log(JSON.stringify({ info: backendInfo(), adam: Array.from(a.data), sgd: Array.from(b.data) }));
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
