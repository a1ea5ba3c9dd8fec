#!/usr/bin/env node
// Run by `npm pack` / `npm publish` (prepack): a package without a prebuilt addon for this
// platform would silently fall back to pure JS for its users, so refuse to pack one.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(__dirname, '..', 'prebuilds', `${process.platform}-${process.arch}`);
const found = fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.endsWith('.node'));
if (!found) {
  console.error(`prepack: no prebuilt addon in ${path.relative(process.cwd(), dir)}; run \`npm run prebuild\` first`);
  process.exit(1);
}
