#!/usr/bin/env node
// prebuildify only knows node-gyp: it runs `<this script> rebuild --target=... --release` and then
// collects build/Release/*.node. We ignore node-gyp's arguments and build with cmake-js instead
// (Node-API mode, offline; see "binary" in package.json).
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const result = spawnSync(process.execPath, [cmakeJs, 'build'], {
  cwd: path.join(__dirname, '..'),
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
