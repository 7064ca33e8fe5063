#!/usr/bin/env node
// `npm run bench:plugin`: what @om/nx/plugin costs `nx show projects` in a workspace of 200
// projects, with the daemon off. The same generated workspace is measured without the plugin,
// with it, and with a plugin that infers nothing (what Nx charges for any plugin: it runs each
// in a worker process of its own), cold (no .nx folder: no project graph, no file hashes, no
// plugin cache) and warm (the second run), several rounds; the medians are printed with their
// ratios to the run without a plugin. Wall times: on a busy machine, run more rounds.
//
// Needs `npm run build` first (the plugin is loaded from packages/nx/dist, through the
// repository's node_modules). Environment: BENCH_PROJECTS (default 200), BENCH_ROUNDS (default 5).
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const EMPTY_PLUGIN = 'om-bench-empty-plugin';
const VARIANTS = { without: [], empty: [EMPTY_PLUGIN], with: ['@om/nx/plugin'] };

if (!existsSync(join(ROOT, 'packages/nx/dist/plugin.js'))) {
  console.error('Build first: npm run build');
  process.exit(1);
}

const ws = mkdtempSync(join(tmpdir(), 'om-bench-plugin-'));
const write = (path, content) => {
  mkdirSync(dirname(join(ws, path)), { recursive: true });
  writeFileSync(join(ws, path), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
};

/**
 * A workspace as the plugin meets it: a quarter of the projects with data migrations, a quarter
 * with models (schema targets), a quarter with both, a quarter with neither (no targets).
 */
function generateWorkspace() {
  write('package.json', { name: 'om-bench-plugin', private: true });
  write('.gitignore', 'node_modules\n.nx\n');
  // The repository's packages, one link each, beside the empty plugin.
  mkdirSync(join(ws, 'node_modules'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    symlinkSync(join(ROOT, 'node_modules', name), join(ws, 'node_modules', name));
  }
  write(`node_modules/${EMPTY_PLUGIN}/package.json`, { name: EMPTY_PLUGIN, version: '0.0.0', main: 'index.js' });
  write(
    `node_modules/${EMPTY_PLUGIN}/index.js`,
    "exports.createNodesV2 = ['**/{project.json,package.json}', async () => []];\n",
  );
  for (let i = 0; i < PROJECTS; i++) {
    const name = `p${String(i).padStart(3, '0')}`;
    const root = `apps/${name}`;
    const kind = i % 4;
    const om =
      kind === 1 || kind === 3 ? { metadata: { om: { models: 'src/models.ts', redisUrlEnv: 'APP_REDIS_URL' } } } : {};
    write(`${root}/project.json`, { name, ...om });
    write(`${root}/src/index.ts`, `export const ${name} = ${i};\n`);
    write(`${root}/src/models.ts`, 'export const models = [];\n');
    if (kind === 2 || kind === 3) {
      write(`${root}/migrations/data-migrations/20250101_000000_seed.ts`, 'export default {};\n');
    }
  }
}

function setPlugins(variant) {
  write('nx.json', { plugins: VARIANTS[variant] });
}

const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NX_'))),
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  CI: 'true',
};

/** Wall time of one `nx show projects`, in milliseconds. */
function showProjects() {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [join(ws, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], {
    cwd: ws,
    env,
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const projects = result.stdout.split('\n').filter(Boolean).length;
  if (result.status !== 0 || projects !== PROJECTS) {
    throw new Error(
      `nx show projects failed (exit ${result.status}, ${projects} projects):\n${result.stdout}${result.stderr}`,
    );
  }
  return ms;
}

/** Cold: no workspace data at all. Warm: the run right after, with everything Nx and the plugin cached. */
function measure(variant) {
  setPlugins(variant);
  rmSync(join(ws, '.nx'), { recursive: true, force: true });
  const cold = showProjects();
  const warm = showProjects();
  return { cold, warm };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

try {
  generateWorkspace();
  // One unmeasured pass of each, so that the first measured run does not pay for the OS file cache.
  for (const variant of Object.keys(VARIANTS)) measure(variant);
  const samples = Object.fromEntries(Object.keys(VARIANTS).map((variant) => [variant, { cold: [], warm: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotating the order, so that a slow moment of a shared machine hits every variant.
    const order = Object.keys(VARIANTS);
    for (let i = 0; i < round % order.length; i++) order.push(order.shift());
    for (const variant of order) {
      const { cold, warm } = measure(variant);
      samples[variant].cold.push(cold);
      samples[variant].warm.push(warm);
    }
  }
  const row = (label, key) => {
    const [without, empty, withPlugin] = ['without', 'empty', 'with'].map((v) => median(samples[v][key]));
    const cells = [without, empty, withPlugin].map((v) => `${v.toFixed(0).padStart(8)} ms`).join(' ');
    const ratio = (v) => `${(v / without).toFixed(2)}x`.padStart(8);
    return `${label.padEnd(10)} ${cells} ${ratio(empty)} ${ratio(withPlugin)}`;
  };
  console.log(`nx show projects, ${PROJECTS} projects, NX_DAEMON=false, median of ${ROUNDS} rounds`);
  console.log(
    `${''.padEnd(10)} ${'no plugin'.padStart(11)} ${'empty'.padStart(11)} ${'@om/nx'.padStart(11)} ${'empty/no'.padStart(8)} ${'om/no'.padStart(8)}`,
  );
  console.log(row('cold', 'cold'));
  console.log(row('warm', 'warm'));
} finally {
  rmSync(ws, { recursive: true, force: true });
}
