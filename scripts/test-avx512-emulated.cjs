#!/usr/bin/env node
// Runs the kernel tests on the AVX-512 code path on any AVX2 CPU: builds the addon a second
// time into build-emu/ with the AVX-512 intrinsics emulated by SIMDe (Debian: libsimde-dev),
// then runs the oracle, PyTorch-parity and bad-input tests against that build, requiring that
// they cover avx512. Machines with real AVX-512 also test it natively in the main run.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const run = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!fs.existsSync('/usr/include/simde/x86/avx512.h')) {
  console.error('test:avx512-emulated needs SIMDe headers: apt-get install libsimde-dev');
  process.exit(1);
}
run(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'build', '--out', 'build-emu', '--CDFASTOPTIM_AVX512_EMULATION=ON']);
run(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/native-vs-js.test.ts', 'test/torch-parity.test.ts', 'test/bad-input.test.ts', 'test/grad-utils.test.ts', 'test/lion-lamb-lars-adafactor.test.ts', 'test/threads.test.ts', 'test/async.test.ts'], {
  FASTOPTIM_ADDON: path.join(root, 'build-emu', 'Release', 'fastoptim.node'),
  FASTOPTIM_EXPECT_ISA: 'avx512',
});
