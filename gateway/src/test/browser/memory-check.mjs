// Drives the real page in headless Debian Chromium against two fake gateways it starts itself (one
// with memory, one without) and checks what a user of settings, memory and resume would notice:
// settings reach the socket as the right session.update and are remembered, a voice change after
// the assistant spoke is explained and applied with the next session, a learned fact shows its
// sentence, editing and forgetting a fact and "forget me" call the right endpoints, the conversation
// comes back after a reload, spoken turns show their transcript (or say they were not transcribed),
// a renewed upstream session is a quiet notice, a shutting-down gateway is reconnected to, and a
// page without memory says so.
//
//   node memory-check.mjs <screenshotPath>
//
// Prints one line of JSON; exit code 0 or 1 (the screenshot is saved either way).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const [screenshotPath] = process.argv.slice(2);
if (!screenshotPath) {
  console.error('usage: node memory-check.mjs <screenshotPath>');
  process.exit(2);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'memory-check-chromium-'));
const fakes = [];
const sockets = [];   // {url, sent: [events], received: [events]}
const requests = [];  // {method, path, headers, body} for /api/me
const consoleProblems = [];
const checked = [];
let context;
let page;
let step = 'starting the fake gateways';

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function startFake(...flags) {
  const port = await freePort();
  const script = fileURLToPath(new URL('./fake-gateway.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, String(port), ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
  fakes.push(child);
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => { if (String(d).includes('fake gateway on')) resolve(); });
    child.on('exit', (code) => reject(new Error(`fake-gateway exited with ${code}`)));
  });
  return `http://127.0.0.1:${port}`;
}

const ok = (what) => checked.push(what);
function expect(condition, message) {
  if (!condition) throw new Error(message);
}
const last = () => sockets.at(-1);
const updates = (socket) => socket.sent.filter((e) => e.type === 'session.update');

async function until(predicate, what, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(100);
  }
}

async function select(id, value) {
  await page.selectOption(`#${id}`, value);
}

/** Waits for the session.update sent after `count` earlier ones on the current socket. */
async function nextUpdate(count) {
  return until(() => updates(last()).length > count && updates(last())[count], 'a session.update');
}

async function ask(text) {
  const before = await page.locator('#transcript li[data-role="assistant"][data-final="true"]').count();
  await page.fill('#message', text);
  await page.press('#message', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('#transcript li[data-role="assistant"][data-final="true"]').length > n,
    before, { timeout: 15_000 });
  return page.locator('#transcript li[data-role="assistant"][data-final="true"] .msg-text').last().textContent();
}

const fact = (field) => page.locator(`#facts li[data-field="${field}"]`);
const control = (base, query) => fetch(`${base}/__fake/control?${query}`).then((r) => r.json());

async function main() {
  const base = await startFake();
  const bare = await startFake('--no-memory');

  step = 'launching Chromium';
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] || await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 503/.test(m.text())) consoleProblems.push(m.text()); });
  page.on('pageerror', (e) => consoleProblems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => d.accept());
  page.on('websocket', (ws) => {
    const record = { url: ws.url(), sent: [], received: [] };
    sockets.push(record);
    const parse = (payload) => { try { return JSON.parse(String(payload)); } catch { return null; } };
    ws.on('framesent', ({ payload }) => { const e = parse(payload); if (e && e.type !== 'input_audio_buffer.append') record.sent.push(e); });
    ws.on('framereceived', ({ payload }) => { const e = parse(payload); if (e && !/audio\.delta$/.test(e.type)) record.received.push(e); });
  });
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/me')) requests.push({ method: r.method(), path: url.pathname, headers: r.headers(), body: r.postData() });
  });

  step = 'connecting';
  await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#status[data-state="connected"]', { timeout: 20_000 });
  const userId = new URL(last().url).searchParams.get('user_id');
  expect(/^[A-Za-z0-9_-]{8,64}$/.test(userId || ''), `the socket URL names no browser user id: ${last().url}`);
  expect(!new URL(last().url).searchParams.has('conversation_id'), 'a first visit asked to resume a conversation');
  const first = (await nextUpdate(0)).session;
  expect(first.audio?.output?.voice === 'marin', `first session.update voice: ${JSON.stringify(first.audio?.output)}`);
  expect(JSON.stringify(first.audio?.input?.turn_detection) === '{"type":"server_vad"}', `first turn_detection: ${JSON.stringify(first.audio?.input)}`);
  expect(JSON.stringify(first.audio?.input?.transcription) === '{"model":"gpt-4o-mini-transcribe"}', `first transcription: ${JSON.stringify(first.audio?.input)}`);
  ok('the first session.update carries voice, server VAD and transcription');

  step = 'changing the settings before the assistant has spoken';
  await select('voice', 'coral');
  let u = (await nextUpdate(1)).session;
  expect(JSON.stringify(u) === '{"type":"realtime","audio":{"output":{"voice":"coral"}}}', `voice update: ${JSON.stringify(u)}`);
  await select('turn-detection', 'semantic_vad');
  u = (await nextUpdate(2)).session;
  expect(JSON.stringify(u.audio) === '{"input":{"turn_detection":{"type":"semantic_vad","eagerness":"auto"}}}', `turn detection update: ${JSON.stringify(u)}`);
  await select('eagerness', 'high');
  u = (await nextUpdate(3)).session;
  expect(JSON.stringify(u.audio) === '{"input":{"turn_detection":{"type":"semantic_vad","eagerness":"high"}}}', `eagerness update: ${JSON.stringify(u)}`);
  await select('language', 'fr');
  u = (await nextUpdate(4)).session;
  expect(JSON.stringify(u.audio) === '{"input":{"transcription":{"model":"gpt-4o-mini-transcribe","language":"fr"}}}', `language update: ${JSON.stringify(u)}`);
  expect(!last().received.some((e) => e.type === 'error'), `the fake refused a settings update: ${JSON.stringify(last().received.filter((e) => e.type === 'error'))}`);
  ok('each setting is sent alone as the GA session.update field it names');

  step = 'telling the assistant where I live';
  await ask('I live in Lyon.');
  await until(async () => (await fact('homeCity').getAttribute('data-source')) === 'learned', 'the learned home city');
  const homeText = await fact('homeCity').textContent();
  expect(/Lyon/.test(homeText) && /learned/.test(homeText), `home city fact: ${homeText}`);
  expect(await fact('homeCity').locator('.fact-from q').textContent() === 'I live in Lyon.', 'the learned fact does not show its sentence');
  const profileGets = requests.filter((r) => r.method === 'GET' && r.path === '/api/me/profile');
  expect(profileGets.length >= 2 && profileGets.every((r) => r.headers['x-agent-mesh-user'] === userId), 'the profile was not re-read with the user header after the turn');
  ok('a learned fact shows with its sentence after the turn');

  step = 'changing the voice after the assistant has spoken';
  const sentBefore = updates(last()).length;
  await select('voice', 'sage');
  await page.waitForSelector('#voice-note:not([hidden])', { timeout: 5000 });
  const note = await page.textContent('#voice-note');
  expect(/next session/.test(note) && /sage/i.test(note), `voice note: ${note}`);
  await page.waitForTimeout(300);
  expect(updates(last()).length === sentBefore, 'a voice update was sent although the session already has assistant audio');
  const resumeId = await page.evaluate((id) => localStorage.getItem(`agentmesh.conversation.browser-${id}`), userId);
  expect(/^conv_/.test(resumeId || ''), `no conversation id kept: ${resumeId}`);
  const socketsBefore = sockets.length;
  await page.click('#voice-switch');
  await until(() => sockets.length > socketsBefore, 'the new socket after "switch now"');
  await page.waitForSelector('#status[data-state="connected"]');
  expect(new URL(last().url).searchParams.get('conversation_id') === resumeId, `the new socket does not resume ${resumeId}: ${last().url}`);
  const second = (await nextUpdate(0)).session;
  expect(second.audio.output.voice === 'sage' && second.audio.input.turn_detection.eagerness === 'high'
    && second.audio.input.transcription.language === 'fr', `the next session's settings: ${JSON.stringify(second.audio)}`);
  await page.waitForSelector('#transcript li[data-role="user"] >> text=I live in Lyon.');
  ok('a voice change after audio is explained and applied by the next session, which resumes the conversation');

  step = 'asking for the weather without naming the city';
  const answer = await ask("What's the weather?");
  expect(/Lyon/.test(answer), `the weather answer is not for the home city: ${answer}`);
  ok('the weather answer uses the home city');

  step = 'speaking (scripted transcription)';
  await control(base, 'speak=ok');
  await page.waitForSelector('#transcript li[data-role="user"].voice .msg-text:text-is("Can you hear me?")', { timeout: 10_000 });
  await control(base, 'speak=fail');
  await page.waitForSelector('#transcript li[data-role="user"].voice .msg-text:text-is("(not transcribed)")', { timeout: 10_000 });
  expect(!(await page.isVisible('#transcript li[data-role="user"] .msg-text:text-is("Voice message")')), 'a spoken turn still shows as "Voice message"');
  ok('a transcribed spoken turn shows its text, a failed one says "(not transcribed)"');
  await page.waitForFunction(() => [...document.querySelectorAll('#transcript li[data-role="assistant"]')].every((li) => li.dataset.final === 'true'), null, { timeout: 15_000 });

  step = 'reloading';
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#status[data-state="connected"]', { timeout: 20_000 });
  expect(new URL(last().url).searchParams.get('conversation_id') === resumeId, 'the reload did not resume the stored conversation');
  await page.waitForSelector('#transcript li[data-role="divider"] >> text=Restored from your history');
  const restored = await page.$$eval('#transcript li[data-role="user"] .msg-text', (ns) => ns.map((n) => n.textContent));
  expect(['I live in Lyon.', "What's the weather?", 'Can you hear me?'].every((t) => restored.includes(t)), `restored user turns: ${JSON.stringify(restored)}`);
  const restoredAnswers = await page.$$eval('#transcript li[data-role="assistant"] .msg-text', (ns) => ns.map((n) => n.textContent));
  expect(restoredAnswers.some((t) => /In Lyon it is 14 degrees/.test(t)), 'the restored conversation lacks the weather answer');
  const shown = await page.evaluate(() => ['voice', 'turn-detection', 'eagerness', 'language'].map((id) => document.getElementById(id).value));
  expect(JSON.stringify(shown) === '["sage","semantic_vad","high","fr"]', `settings after reload: ${shown}`);
  ok('after a reload the conversation and the settings are back');

  step = 'setting a fact by hand';
  await page.click('#facts button[aria-label="Set name"]');
  await page.fill('#fact-input-name', 'Ada');
  await page.press('#fact-input-name', 'Enter');
  await until(async () => (await fact('name').getAttribute('data-source')) === 'user', 'the name set by the user');
  const put = requests.find((r) => r.method === 'PUT');
  expect(put && put.path === '/api/me/profile' && put.body === '{"name":"Ada"}' && put.headers['x-agent-mesh-user'] === userId, `PUT: ${JSON.stringify(put)}`);
  expect(/set by you/.test(await fact('name').textContent()), 'a fact the user set is not marked as such');
  await page.screenshot({ path: screenshotPath, fullPage: true });
  ok('a fact set in the panel is PUT and marked "set by you"');

  step = 'forgetting one fact';
  await page.click('#facts button[aria-label="Forget home city"]');
  await until(async () => (await fact('homeCity').getAttribute('data-source')) === 'none', 'the forgotten home city');
  expect(requests.some((r) => r.method === 'DELETE' && r.path === '/api/me/profile/homeCity'), 'no DELETE /api/me/profile/homeCity');
  ok('forgetting a fact calls DELETE /api/me/profile/{field}');

  step = 'an upstream renewal';
  const beforeRenew = sockets.length;
  await control(base, 'renew=1');
  await page.waitForSelector('.notice-info >> text=session was renewed', { timeout: 5000 });
  expect(sockets.length === beforeRenew && await page.getAttribute('#status', 'data-state') === 'connected', 'a renewal disturbed the connection');
  expect(!(await page.isVisible('.notice-error')), 'a renewal was shown as an error');
  ok('a renewed session is a quiet notice; the socket stays');

  step = 'an upstream error about the voice';
  await control(base, 'error=cannot_update_voice');
  await page.waitForSelector('.notice-error >> text=voice could not be changed', { timeout: 5000 });
  ok('an upstream voice error is explained');

  step = 'the gateway shutting down';
  const beforeShutdown = sockets.length;
  await control(base, 'shutdown=1');
  await until(() => sockets.length > beforeShutdown, 'the reconnect after server_shutting_down', 15_000);
  await page.waitForSelector('#status[data-state="connected"]', { timeout: 15_000 });
  expect(new URL(last().url).searchParams.get('conversation_id') === resumeId, 'the reconnect did not resume the conversation');
  ok('server_shutting_down reconnects with the conversation id');

  step = 'a new conversation';
  await page.click('#new-conversation');
  await page.waitForSelector('#status[data-state="connected"]');
  await until(() => last().received.some((e) => e.type === 'agent_mesh.conversation'), 'the new conversation');
  expect(!new URL(last().url).searchParams.has('conversation_id'), '"New conversation" still resumed the old one');
  expect(await page.locator('#transcript li[data-role="user"]').count() === 0, 'the new conversation still shows old turns');
  ok('"New conversation" reconnects without the stored id');

  step = 'forget me';
  const beforeForget = sockets.length;
  await page.click('#forget-me');
  await page.waitForSelector('.notice >> text=Forgotten', { timeout: 5000 });
  expect(requests.some((r) => r.method === 'DELETE' && r.path === '/api/me' && r.headers['x-agent-mesh-user'] === userId), 'no DELETE /api/me');
  await until(() => sockets.length > beforeForget, 'the new conversation after forget me');
  expect(!new URL(last().url).searchParams.has('conversation_id'), 'after forget me the socket still resumed a conversation');
  expect(await page.locator('#facts li[data-source="none"]').count() === 5, 'after forget me the panel still shows facts');
  ok('"Forget me" confirms, calls DELETE /api/me, empties the panel and starts a new conversation');

  step = 'a gateway without memory';
  await page.goto(`${bare}/`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#status[data-state="connected"]', { timeout: 20_000 });
  await page.waitForSelector('#memory[data-state="unavailable"]', { timeout: 5000 });
  expect(/unavailable/.test(await page.textContent('#memory-status')) && await page.isDisabled('#forget-me'), 'the memory panel does not say memory is unavailable');
  await ask('Hello there');
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#transcript li[data-role="divider"] >> text=could not be restored', { timeout: 10_000 });
  ok('without memory the panel says so and a reload says the conversation could not be restored');

  console.log(JSON.stringify({ ok: true, checked, console_errors: consoleProblems }));
}

let exitCode = 0;
try {
  await main();
} catch (e) {
  exitCode = 1;
  console.log(JSON.stringify({ ok: false, step, error: String(e.message || e).split('\n')[0], passed: checked, console_errors: consoleProblems.slice(0, 5) }));
  try { await page?.screenshot({ path: screenshotPath, fullPage: true }); } catch { /* no page */ }
} finally {
  await context?.close().catch(() => {});
  for (const f of fakes) f.kill();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(exitCode);
