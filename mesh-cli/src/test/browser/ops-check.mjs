// Drives the ops page in headless Debian Chromium against a running `mesh page` and checks what an operator would
// notice: the task is among the recent ones, and choosing it (or typing its id) shows its outcome, each agent's
// status and time, and the entries in order; the agent view lists the given agent as live; users' words are shown
// as text, never as markup.
//
//   node ops-check.mjs <pageUrl> <taskId> <liveAgent> <screenshotPath>
//
// Prints one line of JSON; exit code 0 or 1 (the screenshot is saved either way).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [pageUrl, taskId, liveAgent, screenshotPath] = process.argv.slice(2);
if (!pageUrl || !taskId || !liveAgent || !screenshotPath) {
  console.error('usage: node ops-check.mjs <pageUrl> <taskId> <liveAgent> <screenshotPath>');
  process.exit(2);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'ops-check-chromium-'));
const consoleProblems = [];
const checked = [];
let context;
let page;
let step = 'launching Chromium';

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function main() {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] || await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') consoleProblems.push(m.text()); });
  page.on('pageerror', (e) => consoleProblems.push(`page error: ${e.message}`));

  step = `opening ${pageUrl}`;
  await page.goto(pageUrl, { waitUntil: 'domcontentloaded', timeout: 20_000 });

  step = 'waiting for the agent view';
  await page.waitForSelector(`#agents tr[data-agent="${liveAgent}"]`, { timeout: 30_000 });
  const live = await page.textContent(`#agents tr[data-agent="${liveAgent}"] td:nth-child(2)`);
  expect(live === 'yes', `agent ${liveAgent} shown as live "${live}"`);
  checked.push('agent view');

  step = 'finding the task among the recent ones';
  await page.waitForSelector(`#tasks tr[data-task-id="${taskId}"]`, { timeout: 30_000 });
  const recent = await page.$$eval(`#tasks tr[data-task-id="${taskId}"] td`, (tds) => tds.map((t) => t.textContent));
  expect(recent[2] === 'partial' && recent[3] === '408 ms' && recent[4] === 'weather answered, news failed',
    `recent task row ${JSON.stringify(recent)}`);
  checked.push('recent tasks');

  step = 'opening the timeline from the recent tasks';
  await page.click(`#tasks tr[data-task-id="${taskId}"] button`);
  await page.waitForSelector(`#timeline-tasks .task[data-task-id="${taskId}"]`, { timeout: 30_000 });
  expect(await page.inputValue('#timeline-id') === taskId, 'the id field names the task');
  const title = await page.textContent(`#timeline-tasks .task[data-task-id="${taskId}"] h3`);
  expect(title.includes('partial in 408 ms'), `task title "${title}"`);
  const weather = await page.$$eval('.agents-of-task tr[data-agent="weather"] td', (tds) => tds.map((t) => t.textContent));
  expect(weather[2] === 'answered' && weather[3] === '120 ms', `weather row ${JSON.stringify(weather)}`);
  const news = await page.$$eval('.agents-of-task tr[data-agent="news"] td', (tds) => tds.map((t) => t.textContent));
  expect(news[2] === 'failed' && news[3] === '35 ms', `news row ${JSON.stringify(news)}`);
  checked.push('task summary');

  const whats = await page.$$eval('#timeline-entries tbody tr', (rows) => rows.map((r) => r.dataset.what));
  const expected = ['delegated', 'requested', 'planned', 'asked', 'asked', 'failed', 'answered', 'result',
    'result-delivered'];
  expect(JSON.stringify(whats) === JSON.stringify(expected), `entries ${JSON.stringify(whats)}`);
  checked.push('entries in order');

  const injected = await page.$$('#timeline-tasks b.injected');
  const request = await page.textContent(`#timeline-tasks .task[data-task-id="${taskId}"] p`);
  expect(injected.length === 0 && request.includes('<b class="injected">'), `request shown as "${request}"`);
  checked.push('users\' words as text');

  step = 'reloading with the id in the address';
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.waitForSelector(`#timeline-tasks .task[data-task-id="${taskId}"]`, { timeout: 30_000 });
  checked.push('address keeps the id');

  step = 'asking for an unknown id';
  await page.fill('#timeline-id', 'no-such-task');
  await page.click('#timeline-form button[type="submit"]');
  await page.waitForFunction(() => document.querySelector('#timeline-status').textContent.includes('no task or conversation'),
    null, { timeout: 30_000 });
  checked.push('unknown id explained');
  expect(consoleProblems.filter((p) => !p.includes('404')).length === 0, `console: ${consoleProblems.join(' | ')}`);
}

let ok = false;
let error = null;
try {
  await main();
  step = 'taking the screenshot';
  await page.fill('#timeline-id', taskId);
  await page.click('#timeline-form button[type="submit"]');
  await page.waitForSelector(`#timeline-tasks .task[data-task-id="${taskId}"]`, { timeout: 30_000 });
  ok = true;
} catch (e) {
  error = `${step}: ${e.message}`;
} finally {
  if (page) await page.screenshot({ path: screenshotPath, fullPage: true }).catch(() => {});
  if (context) await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
console.log(JSON.stringify({ ok, checked, error, consoleProblems }));
process.exit(ok ? 0 : 1);
