// Drives the real page in headless Debian Chromium through one delegated turn, then checks what a
// reload shows: the conversation restored by the gateway when its memory is up, else a note that it
// could not be restored (the page keeps no history of its own).
//
//   node ui-check.mjs <baseUrl> <screenshotPath>
//
// Prints one line of JSON and exits 0 when everything a user would notice is there; otherwise
// prints why, still saves the screenshot, and exits 1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [baseUrl, screenshotPath] = process.argv.slice(2);
if (!baseUrl || !screenshotPath) {
  console.error('usage: node ui-check.mjs <baseUrl> <screenshotPath>');
  process.exit(2);
}

const QUESTION = "What's the weather in Paris and any news about France?";
const TURN_TIMEOUT_MS = 45_000;

const userDataDir = mkdtempSync(join(tmpdir(), 'ui-check-chromium-'));
const consoleProblems = [];
let context;
let page;
let step = 'launching Chromium';

async function main() {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
    viewport: { width: 1280, height: 860 },
  });
  page = context.pages()[0] || await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') consoleProblems.push(m.text()); });
  page.on('pageerror', (e) => consoleProblems.push(`page error: ${e.message}`));

  step = `opening ${baseUrl}`;
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded', timeout: 20_000 });

  step = 'waiting for the connected status';
  await page.waitForSelector('#status[data-state="connected"]', { timeout: 20_000 });
  const offline = await page.isVisible('#offline-banner');

  step = 'sending the question';
  const sentAt = Date.now();
  await page.fill('#message', QUESTION);
  await page.press('#message', 'Enter');

  step = 'waiting for weather and news to answer and for the assistant to reply';
  const handle = await page.waitForFunction(() => {
    const card = document.querySelector('#tasks .task[data-state="completed"]');
    if (!card) return null;
    const status = (name) => card.querySelector(`.agent-row[data-agent="${name}"]`)?.dataset.status;
    if (status('weather') !== 'answered' || status('news') !== 'answered') return null;
    // The answer is the assistant message that follows the agents' result in the transcript.
    const items = [...document.querySelectorAll('#transcript > li')];
    const chip = items.findIndex((li) => li.dataset.key === card.dataset.key);
    const answer = items.slice(chip + 1).find((li) => li.dataset.role === 'assistant'
      && li.dataset.final === 'true' && li.querySelector('.msg-text').textContent.trim());
    if (!answer) return null;
    return {
      agents: [...card.querySelectorAll('.agent-row')].map((r) => ({
        agent: r.dataset.agent,
        status: r.dataset.status,
        time: r.querySelector('.agent-time')?.textContent || '',
      })),
      total: card.querySelector('.task-total')?.textContent || '',
      answer: answer.querySelector('.msg-text').textContent.trim(),
    };
  }, null, { timeout: TURN_TIMEOUT_MS, polling: 200 });
  const turn = await handle.jsonValue();
  const turnMs = Date.now() - sentAt;

  if (!/paris/i.test(turn.answer)) throw new Error(`the assistant's answer does not mention Paris: "${turn.answer}"`);
  const rawJson = await page.evaluate(() => /"(call_id|arguments|task_id)"/.test(document.body.innerText));
  if (rawJson) throw new Error('raw function-call JSON is visible on the page');

  step = 'saving the screenshot';
  await page.screenshot({ path: screenshotPath, fullPage: true });

  step = 'waiting for the memory store to hold the turn (when there is memory)';
  await page.waitForFunction(async () => {
    if (document.querySelector('#memory')?.dataset.state !== 'available') return true;
    const token = new URLSearchParams(location.search).get('token');
    const headers = token ? { Authorization: `Bearer ${token}` } : { 'X-Agent-Mesh-User': localStorage.getItem('agentmesh.user-id') };
    const res = await fetch('/api/me/conversations', { headers });
    return res.ok && (await res.json()).some((c) => c.turns >= 2);
  }, null, { timeout: 20_000, polling: 500 });

  step = 'reloading to check what the page restores';
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#status[data-state="connected"]', { timeout: 20_000 });
  await page.waitForFunction(() => document.querySelector('#memory')?.dataset.state !== 'loading', null, { timeout: 10_000 });
  const restored = await page.evaluate(() => ({
    memory: document.querySelector('#memory').dataset.state,
    memoryStatus: document.querySelector('#memory-status').textContent,
    user: [...document.querySelectorAll('#transcript li[data-role="user"] .msg-text')].map((n) => n.textContent),
    assistant: [...document.querySelectorAll('#transcript li[data-role="assistant"] .msg-text')].map((n) => n.textContent),
    dividers: [...document.querySelectorAll('#transcript li[data-role="divider"]')].map((n) => n.textContent),
  }));
  let history;
  if (restored.memory === 'available') {
    if (!restored.user.includes(QUESTION)) throw new Error('after reload the question is missing from the restored conversation');
    if (!restored.assistant.includes(turn.answer)) throw new Error('after reload the assistant answer is missing from the restored conversation');
    history = 'restored';
  } else {
    if (!/unavailable/i.test(restored.memoryStatus)) throw new Error(`memory is off but the panel does not say so: "${restored.memoryStatus}"`);
    if (restored.user.length || !restored.dividers.some((d) => /could not be restored/.test(d))) {
      throw new Error(`without memory the reload should say the conversation could not be restored: ${JSON.stringify(restored)}`);
    }
    history = 'not restored (memory unavailable), and the page says so';
  }

  console.log(JSON.stringify({
    ok: true,
    offline,
    agents: turn.agents,
    total: turn.total,
    turn_ms: turnMs,
    answer: turn.answer.length > 160 ? `${turn.answer.slice(0, 157)}...` : turn.answer,
    history,
    console_errors: consoleProblems,
  }));
}

let exitCode = 0;
try {
  await main();
} catch (e) {
  exitCode = 1;
  console.log(JSON.stringify({ ok: false, step, error: String(e.message || e).split('\n')[0], console_errors: consoleProblems.slice(0, 5) }));
  if (page) {
    try {
      const visible = await page.evaluate(() => ({
        status: document.querySelector('#status')?.textContent,
        notices: [...document.querySelectorAll('.notice')].map((n) => n.textContent),
        transcript: [...document.querySelectorAll('#transcript > li')].map((li) => `${li.dataset.role}: ${li.textContent.slice(0, 120)}`),
        agents: [...document.querySelectorAll('#tasks .agent-row')].map((r) => `${r.dataset.agent}=${r.dataset.status}`),
      }));
      console.error('page state:', JSON.stringify(visible));
    } catch { /* e.g. a browser error page instead of ours */ }
    try {
      await page.screenshot({ path: screenshotPath, fullPage: true });
    } catch (shotError) {
      console.error(`could not save the screenshot: ${shotError.message}`);
    }
  }
} finally {
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(exitCode);
