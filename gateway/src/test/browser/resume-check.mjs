// Against a real gateway with its memory store (deploy/local/up.sh, or the in-process mesh of
// DelegatedTurnIT): choose a voice, say where you live, see the learned fact with its sentence in
// the memory panel, reload, see the conversation and the voice come back, and get the weather for
// the home city without naming it.
//
//   node resume-check.mjs <baseUrl> <screenshotPath>
//
// Prints one line of JSON; exit code 0 or 1 (the screenshot is saved either way).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [baseUrl, screenshotPath] = process.argv.slice(2);
if (!baseUrl || !screenshotPath) {
  console.error('usage: node resume-check.mjs <baseUrl> <screenshotPath>');
  process.exit(2);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'resume-check-chromium-'));
const sockets = [];
let context;
let page;
let step = 'launching Chromium';

async function main() {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] || await context.newPage();
  page.on('websocket', (ws) => {
    const record = { url: ws.url(), sent: [], errors: [] };
    sockets.push(record);
    ws.on('framesent', ({ payload }) => { try { const e = JSON.parse(String(payload)); if (e.type === 'session.update') record.sent.push(e); } catch { /* not JSON */ } });
    ws.on('framereceived', ({ payload }) => { try { const e = JSON.parse(String(payload)); if (e.type === 'error') record.errors.push(e.error); } catch { /* not JSON */ } });
  });

  step = 'connecting';
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded', timeout: 20_000 });
  await page.waitForSelector('#status[data-state="connected"]', { timeout: 20_000 });
  await page.waitForSelector('#memory[data-state="available"]', { timeout: 10_000 });

  step = 'choosing a voice before the assistant has spoken';
  await page.selectOption('#voice', 'cedar');
  const deadline = Date.now() + 5000;
  while (!sockets[0].sent.some((e) => e.session?.audio?.output?.voice === 'cedar') && Date.now() < deadline) await page.waitForTimeout(100);
  if (!sockets[0].sent.some((e) => e.session?.audio?.output?.voice === 'cedar')) throw new Error('no session.update with the chosen voice');

  step = 'saying where I live';
  await page.fill('#message', 'I live in Lyon.');
  await page.press('#message', 'Enter');
  await page.waitForSelector('#transcript li[data-role="assistant"][data-final="true"] .msg-text:not(:empty)', { timeout: 30_000 });

  step = 'waiting for the memory panel to show the learned home city';
  await page.waitForSelector('#facts li[data-field="homeCity"][data-source="learned"]', { timeout: 20_000 });
  const from = await page.textContent('#facts li[data-field="homeCity"] .fact-from q');
  if (from !== 'I live in Lyon.') throw new Error(`the learned fact shows "${from}" as its sentence`);
  const errors = sockets[0].errors.filter((e) => e.code !== 'conversation_already_has_active_response');
  if (errors.length) throw new Error(`the session reported errors: ${JSON.stringify(errors)}`);

  step = 'waiting for the memory store to hold both turns';
  await page.waitForFunction(async () => {
    const token = new URLSearchParams(location.search).get('token');
    const headers = token ? { Authorization: `Bearer ${token}` } : { 'X-Agent-Mesh-User': localStorage.getItem('agentmesh.user-id') };
    const res = await fetch('/api/me/conversations', { headers });
    return res.ok && (await res.json()).some((c) => c.turns >= 2);
  }, null, { timeout: 20_000, polling: 500 });

  step = 'reloading';
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#status[data-state="connected"]', { timeout: 20_000 });
  await page.waitForSelector('#transcript li[data-role="divider"] >> text=Restored from your history', { timeout: 10_000 });
  const users = await page.$$eval('#transcript li[data-role="user"] .msg-text', (ns) => ns.map((n) => n.textContent));
  if (!users.includes('I live in Lyon.')) throw new Error(`after reload the conversation is not there: ${JSON.stringify(users)}`);
  if (!new URL(sockets.at(-1).url).searchParams.get('conversation_id')) throw new Error('the reload did not ask to resume');
  const voice = sockets.at(-1).sent[0]?.session?.audio?.output?.voice;
  if (voice !== 'cedar' || await page.inputValue('#voice') !== 'cedar') throw new Error(`after reload the voice is ${voice}`);

  step = 'asking for the weather without naming the city';
  const before = await page.$$eval('#transcript li[data-role="assistant"][data-final="true"]', (ns) => ns.length);
  await page.fill('#message', "What's the weather like today?");
  await page.press('#message', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('#transcript li[data-role="assistant"][data-final="true"]').length > n
      && /Lyon/.test([...document.querySelectorAll('#transcript li[data-role="assistant"][data-final="true"] .msg-text')].at(-1).textContent),
    before, { timeout: 45_000, polling: 250 });
  const weather = await page.$$eval('#transcript li[data-role="assistant"][data-final="true"] .msg-text', (ns) => ns.at(-1).textContent);
  await page.screenshot({ path: screenshotPath, fullPage: true });

  console.log(JSON.stringify({ ok: true, voice, learned: from, restored_user_turns: users, weather: weather.slice(0, 120) }));
}

let exitCode = 0;
try {
  await main();
} catch (e) {
  exitCode = 1;
  console.log(JSON.stringify({ ok: false, step, error: String(e.message || e).split('\n')[0] }));
  try { await page?.screenshot({ path: screenshotPath, fullPage: true }); } catch { /* no page */ }
} finally {
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(exitCode);
