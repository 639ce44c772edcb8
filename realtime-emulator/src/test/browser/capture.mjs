// Records the emulator's own speech as a browser captures it. For each phrase: GET /v1/emulator/speech (WAV,
// 1.5 s of silence each side) becomes Chromium's fake microphone; a page captures it like the gateway's page
// (getUserMedia with echoCancellation/noiseSuppression/autoGainControl as chosen, an AudioContext, the gateway's
// pcm-capture worklet to 24 kHz PCM16) and streams it to the emulator with transcription on. Writes the PCM the
// page sent to <out>/<phrase>.pcm and prints one JSON line per phrase with what the emulator recognised.
//
//   java -jar realtime-emulator/target/realtime-emulator-0.1.0-SNAPSHOT-exec.jar --server.port=18090 &
//   cd realtime-emulator/src/test/browser && npm ci
//   node capture.mjs ena 48000 /tmp/captures "I live in Lyon." "My name is Ana."
//
// processing: any of e (echo cancellation), n (noise suppression), a (auto gain), e.g. "ena" as the page asks;
// rate: the AudioContext sample rate, or "default". The fixtures in src/test/resources/chromium-captures were
// made with "ena 48000" and gzipped.
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const emulator = 'http://127.0.0.1:18090';
const [apm, rate, out, ...phrases] = process.argv.slice(2);
const worklet = readFileSync(new URL('../../../../gateway/src/main/resources/static/pcm-capture-worklet.js', import.meta.url), 'utf8');
const page = `<!doctype html><script type="module">
const results = window.results = [];
const captured = window.captured = [];
const ws = new WebSocket('ws://127.0.0.1:18090/v1/realtime');
ws.onerror = () => console.log('ws error');
ws.onmessage = async (m) => {
  const ev = JSON.parse(m.data);
  if (ev.type === 'session.created') {
    ws.send(JSON.stringify({type: 'session.update', session: {type: 'realtime', audio: {input: {
      transcription: {model: 'gpt-4o-mini-transcribe'},
      turn_detection: {type: 'server_vad', create_response: false}}}}}));
    const stream = await navigator.mediaDevices.getUserMedia({audio: {channelCount: 1,
      echoCancellation: ${apm.includes('e')}, noiseSuppression: ${apm.includes('n')}, autoGainControl: ${apm.includes('a')}}});
    const ctx = new AudioContext(${rate === 'default' ? "{latencyHint: 'interactive'}" : "{latencyHint: 'interactive', sampleRate: " + rate + "}"});
    window.rate = ctx.sampleRate;
    await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([${JSON.stringify(worklet)}], {type: 'text/javascript'})));
    const node = new AudioWorkletNode(ctx, 'pcm-capture', {numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1,
      channelCountMode: 'explicit', processorOptions: {targetRate: 24000, chunkMs: 40}});
    node.port.onmessage = (e) => {
      const bytes = new Uint8Array(e.data); let s = '';
      for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
      captured.push(btoa(s));
      ws.send(JSON.stringify({type: 'input_audio_buffer.append', audio: btoa(s)}));
    };
    ctx.createMediaStreamSource(stream).connect(node);
    await ctx.resume();
  }
  if (ev.type.startsWith('conversation.item.input_audio_transcription.') && ev.type !== 'conversation.item.input_audio_transcription.delta'
      || ev.type.startsWith('input_audio_buffer.speech')) results.push(ev);
};
</script>`;

mkdirSync(out, { recursive: true });
for (const phrase of phrases) {
  const wav = join(mkdtempSync(join(tmpdir(), 'phrase-')), 'phrase.wav');
  const response = await fetch(`${emulator}/v1/emulator/speech?silence_ms=1500&text=${encodeURIComponent(phrase)}`);
  writeFileSync(wav, Buffer.from(await response.arrayBuffer()));
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-')), {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required', '--disable-features=LocalNetworkAccessChecks'],
  });
  await context.grantPermissions(['microphone'], { origin: 'http://127.0.0.1:18090' });
  const tab = context.pages()[0] || await context.newPage();
  await tab.route('http://127.0.0.1:18090/browsercheck/**', (route) => route.request().url().endsWith('.js')
    ? route.fulfill({ contentType: 'text/javascript', body: worklet })
    : route.fulfill({ contentType: 'text/html', body: page }));
  tab.on('console', (m) => console.error('console:', m.text()));
  tab.on('pageerror', (e) => console.error('pageerror:', e.message));
  await tab.goto('http://127.0.0.1:18090/browsercheck/');
  let results = [];
  for (let i = 0; i < 60; i++) {
    results = await tab.evaluate(() => window.results || []);
    if (results.some((e) => e.type.endsWith('.completed') || e.type.endsWith('.failed'))) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const chunks = await tab.evaluate(() => window.captured);
  writeFileSync(join(out, `${phrase.replace(/[^A-Za-z0-9]+/g, '_')}.pcm`), Buffer.concat(chunks.map((c) => Buffer.from(c, 'base64'))));
  const first = results.find((e) => e.type.endsWith('.completed') || e.type.endsWith('.failed'));
  console.log(JSON.stringify({ apm, phrase, rate: await tab.evaluate(() => window.rate),
    vad: results.filter((e) => e.type.startsWith('input_audio_buffer')).map((e) => e.type.split('.').pop()),
    result: first ? (first.transcript ?? first.error.message.split('. ').pop()) : 'nothing' }));
  await context.close();
}
