#!/usr/bin/env node
// Regenerates docs/lifecycle-report.png: the lifecycle page of a demo-like charm life, drawn by
// headless Chromium (Debian's `chromium`, driven by puppeteer-core; nothing downloads a browser).
// Run with `npm run report:screenshot`. Options: --html FILE also keeps the page;
// --out FILE writes the PNG elsewhere. Needs /usr/bin/chromium (`apt-get install -y chromium`)
// or CHROMIUM_PATH.
import { existsSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { html: { type: 'string' }, out: { type: 'string' } } });
const out = values.out ?? join(root, 'docs', 'lifecycle-report.png');
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`report-screenshot: no Chromium at ${chromium}: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  process.exit(1);
}

// The report's modules are not in the library's build (dist/src holds what the package exports), so
// the harness and the report are bundled from src/ for this script.
const work = mkdtempSync(join(tmpdir(), 'docker-resource-shot-'));
const { build } = await import('esbuild');
await build({
  absWorkingDir: root,
  stdin: {
    contents: [
      "export { createHarness } from './src/testing/index.ts';",
      "export { readReportModel } from './src/report/read-model.ts';",
      "export { renderReportHtml } from './src/report/render-html.ts';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile: join(work, 'report.mjs'),
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});
const { createHarness, readReportModel, renderReportHtml } = await import(pathToFileURL(join(work, 'report.mjs')).href);

// A charm's first day: db and web auto-fetched at install, db not uploaded yet (failed, retried
// by update-status); db uploaded and fetched by the next update-status; a new web image in the
// afternoon (upgrade-charm). The picture shows the timeline and the first resource, db.
const h = createHarness({
  resources: {
    db: { type: 'oci-image', 'auto-fetch': true },
    web: { type: 'oci-image', 'auto-fetch': true },
    metrics: { type: 'oci-image' },
  },
  images: { web: { registryPath: 'registry.example.com/shop/web:1.4', username: 'deploy-bot', password: 'not-shown' } },
});
/** A clock that starts at `iso` and moves 0.6 s per reading, like a hook fetching for real. */
const clock = (iso) => {
  let t = Date.parse(iso);
  return () => new Date((t += 600));
};
try {
  await h.hook('install', undefined, { now: clock('2024-05-01T09:00:00Z') });
  await h.hook('update-status', undefined, { now: clock('2024-05-01T09:05:00Z') });
  h.attach('db', { registryPath: 'registry.example.com/shop/postgres@sha256:' + 'a1'.repeat(32), username: 'deploy-bot', password: 'not-shown' });
  await h.hook('update-status', undefined, { now: clock('2024-05-01T09:10:00Z') });
  h.attach('web', { registryPath: 'registry.example.com/shop/web:1.5', username: 'deploy-bot', password: 'not-shown' });
  await h.hook('upgrade-charm', undefined, { now: clock('2024-05-01T14:32:00Z') });

  const model = await readReportModel({ charmDir: h.charmDir, now: () => new Date('2024-05-01T14:40:00Z') });
  model.title = 'shop-k8s';
  const html = renderReportHtml(model);
  const page = join(work, 'report.html');
  writeFileSync(page, html);
  if (values.html) copyFileSync(page, values.html);

  const { launch } = await import('puppeteer-core');
  const browser = await launch({
    executablePath: chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-extensions', '--disable-dev-shm-usage',
      `--user-data-dir=${join(work, 'profile')}`],
  });
  try {
    const tab = await browser.newPage();
    await tab.setViewport({ width: 1100, height: 900, deviceScaleFactor: 1 });
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });
    const height = await tab.evaluate(() => {
      const second = document.querySelector('#r-1');
      return Math.ceil(second ? second.getBoundingClientRect().top + window.scrollY - 8 : document.body.scrollHeight);
    });
    await tab.screenshot({ path: out, clip: { x: 0, y: 0, width: 1100, height } });
  } finally {
    await browser.close();
  }
  console.log(`wrote ${out}`);
} finally {
  h.cleanup();
  rmSync(work, { recursive: true, force: true });
}
