// Copies what the published package reads at run time besides compiled code: each generator's
// and executor's schema.json (and schema.d.ts, for typings) and each generator's files/ templates, from src/ to dist/src/.
const { cpSync, readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const src = join(root, 'src');
const out = join(root, 'dist', 'src');

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name === 'files') cpSync(path, join(out, relative(src, path)), { recursive: true });
      else walk(path);
    } else if (name.endsWith('.json') || name.endsWith('.d.ts')) {
      cpSync(path, join(out, relative(src, path)));
    }
  }
}

walk(src);
