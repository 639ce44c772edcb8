// Checks the voice path of the page in headless Chromium with its fake microphone: the mic toggle
// streams PCM16 24 kHz input_audio_buffer.append events every ~40 ms, and a barge-in
// (input_audio_buffer.speech_started while the assistant is speaking) stops playback and sends
// conversation.item.truncate with the milliseconds actually played.
//
//   node voice-check.mjs <baseUrl> <screenshotPath>
//
// Needs a server whose VAD reacts to the fake microphone's tone: fake-gateway.mjs does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [baseUrl, screenshotPath] = process.argv.slice(2);
if (!baseUrl || !screenshotPath) {
  console.error('usage: node voice-check.mjs <baseUrl> <screenshotPath>');
  process.exit(2);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'voice-check-chromium-'));
const sent = [];      // {at, event} for every client event except the audio payloads
const appends = [];   // {at, bytes}
let context;
let page;
let step = 'launching Chromium';

async function main() {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    viewport: { width: 1280, height: 860 },
  });
  const origin = new URL(baseUrl).origin;
  await context.grantPermissions(['microphone'], { origin });
  page = context.pages()[0] || await context.newPage();
  page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
    let event;
    try { event = JSON.parse(String(payload)); } catch { return; }
    if (event.type === 'input_audio_buffer.append') appends.push({ at: Date.now(), bytes: Buffer.from(event.audio, 'base64').length });
    else sent.push({ at: Date.now(), event });
  }));

  step = 'waiting for the connected status';
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#status[data-state="connected"]', { timeout: 20_000 });

  step = 'asking by text so the assistant starts speaking';
  await page.fill('#message', 'Hello there');
  await page.press('#message', 'Enter');
  await page.waitForSelector('#transcript li[data-role="assistant"].streaming .msg-text:not(.placeholder)', { timeout: 10_000 });

  step = 'turning the microphone on';
  await page.click('#mic');
  await page.waitForSelector('#mic[aria-pressed="true"]', { timeout: 10_000 });

  step = 'waiting for the barge-in truncate';
  const deadline = Date.now() + 15_000;
  while (!sent.some((s) => s.event.type === 'conversation.item.truncate') && Date.now() < deadline) await page.waitForTimeout(100);
  const truncate = sent.find((s) => s.event.type === 'conversation.item.truncate')?.event;
  if (!truncate) throw new Error('no conversation.item.truncate was sent after speech_started');
  if (!(truncate.audio_end_ms > 0) || truncate.content_index !== 0 || !truncate.item_id) {
    throw new Error(`unexpected truncate: ${JSON.stringify(truncate)}`);
  }

  step = 'waiting for the reply to the spoken turn';
  await page.waitForSelector('#transcript li[data-role="user"].voice', { timeout: 15_000 });
  await page.waitForFunction(() => [...document.querySelectorAll('#transcript li[data-role="assistant"]')]
    .some((li) => li.dataset.final === 'true' && li.textContent.includes('I heard you')), null, { timeout: 15_000 });

  step = 'turning the microphone off';
  await page.click('#mic');
  await page.waitForSelector('#mic[aria-pressed="false"]');

  if (appends.length < 10) throw new Error(`only ${appends.length} input_audio_buffer.append events were sent`);
  const sizes = [...new Set(appends.map((a) => a.bytes))];
  const gaps = appends.slice(1).map((a, i) => a.at - appends[i].at);
  const meanGap = Math.round(gaps.reduce((x, y) => x + y, 0) / gaps.length);
  if (sizes.length !== 1 || sizes[0] !== 1920) throw new Error(`append chunks should be 40 ms of PCM16 at 24 kHz (1920 bytes), got ${sizes}`);
  const interrupted = await page.isVisible('#transcript li[data-role="assistant"] .msg-note');
  if (!interrupted) throw new Error('the interrupted assistant message is not marked as interrupted');

  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log(JSON.stringify({
    ok: true,
    appends: appends.length,
    append_bytes: sizes[0],
    mean_gap_ms: meanGap,
    truncate: { item_id: truncate.item_id, audio_end_ms: truncate.audio_end_ms },
  }));
}

let exitCode = 0;
try {
  await main();
} catch (e) {
  exitCode = 1;
  console.log(JSON.stringify({ ok: false, step, error: String(e.message || e).split('\n')[0], appends: appends.length, sent: sent.map((s) => s.event.type) }));
  try { await page?.screenshot({ path: screenshotPath, fullPage: true }); } catch { /* ignore */ }
} finally {
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(exitCode);
