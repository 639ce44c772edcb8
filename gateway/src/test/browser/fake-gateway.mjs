// A stand-in for the gateway while it is being built: serves the real static page and /api/status,
// and answers /v1/realtime with a scripted OpenAI Realtime GA event sequence, including the
// gateway's agent_mesh.* events for a delegated turn. Development aid only; not a protocol reference.
//
//   node fake-gateway.mjs [port=8089] [--online] [--auth] [--upstream ws://127.0.0.1:8090/v1/realtime]
//
// With --upstream the socket is relayed unchanged to that server (e.g. the realtime-emulator), to
// try the page against a real GA implementation; there are no agents and no agent_mesh events then.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const port = Number(args.find((a) => /^\d+$/.test(a)) || 8089);
const online = args.includes('--online');
const authRequired = args.includes('--auth');
const upstream = args.includes('--upstream') ? args[args.indexOf('--upstream') + 1] : null;
const staticDir = fileURLToPath(new URL('../../main/resources/static/', import.meta.url));
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

const status = {
  offline: !online,
  upstream: online ? 'openai' : 'emulator',
  model: 'gpt-realtime',
  agents: [
    { name: 'weather', description: 'Current weather and forecast for a place' },
    { name: 'news', description: 'Recent headlines about a topic or place' },
    { name: 'chat', description: 'Relates and summarises what the other agents found' },
  ],
  auth_required: authRequired,
};

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/api/status') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status));
    return;
  }
  const path = normalize(url.pathname === '/' ? '/index.html' : url.pathname);
  if (path.includes('..')) { res.writeHead(400).end(); return; }
  try {
    const body = await readFile(join(staticDir, path));
    res.writeHead(200, { 'content-type': types[extname(path)] || 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
});

const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname !== '/v1/realtime') { socket.destroy(); return; }
  if (authRequired && url.searchParams.get('access_token') !== 'letmein') {
    socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => (upstream ? relay(ws) : realtime(ws, url.searchParams.get('agent_events') === 'true')));
});

function relay(client) {
  const target = new URL(upstream);
  if (!target.searchParams.has('model')) target.searchParams.set('model', 'gpt-realtime');
  const up = new WebSocket(target);
  const pending = [];
  up.on('open', () => { for (const m of pending.splice(0)) up.send(m); });
  up.on('message', (data) => client.readyState === client.OPEN && client.send(String(data)));
  client.on('message', (data) => (up.readyState === up.OPEN ? up.send(String(data)) : pending.push(String(data))));
  up.on('close', (code, reason) => client.close(code === 1005 ? 1000 : code, String(reason)));
  up.on('error', (e) => { console.error('upstream:', e.message); client.close(1011, 'upstream unavailable'); });
  client.on('close', () => up.close());
}

let seq = 0;
const id = (prefix) => `${prefix}_${(++seq).toString(36).padStart(4, '0')}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A soft tone standing in for speech, PCM16 mono 24 kHz, base64, in 100 ms chunks. */
function toneChunks(ms = 300) {
  const chunks = [];
  for (let t = 0; t < ms; t += 100) {
    const samples = new Int16Array(2400);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(Math.sin(2 * Math.PI * 440 * (i / 24000)) * 1200);
    chunks.push(Buffer.from(samples.buffer).toString('base64'));
  }
  return chunks;
}

function realtime(ws, agentEvents) {
  const send = (event) => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ event_id: id('event'), ...event }));
  const sessionId = id('sess');
  let session = {
    type: 'realtime', object: 'realtime.session', id: sessionId, model: 'gpt-realtime', output_modalities: ['audio'],
    instructions: '(server-owned)', tools: [{ type: 'function', name: 'ask_agents' }], tool_choice: 'auto',
    audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'server_vad' } }, output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' } },
  };
  let lastUserText = '';
  let lastItemId = null;
  let active = null;
  let appended = 0;       // ms of microphone audio since the last turn
  let speaking = false;
  let interrupt = false;  // set by speech_started: the active response is cancelled (interrupt_response)
  let voiceItem = null;

  send({ type: 'session.created', session });

  async function assistantMessage(responseId, text, modalities) {
    const itemId = id('item');
    const item = { id: itemId, object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    send({ type: 'response.output_item.added', response_id: responseId, output_index: 0, item });
    send({ type: 'conversation.item.added', previous_item_id: lastItemId, item });
    const audio = modalities.includes('audio');
    const ids = { response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 };
    send({ type: 'response.content_part.added', ...ids, part: { type: audio ? 'audio' : 'text', transcript: '' } });
    const words = text.split(/(?<= )/);
    for (let i = 0; i < words.length; i += 3) {
      if (ws.readyState !== ws.OPEN || interrupt) { interrupt = false; return null; }
      const delta = words.slice(i, i + 3).join('');
      send({ type: audio ? 'response.output_audio_transcript.delta' : 'response.output_text.delta', ...ids, delta });
      if (audio) for (const c of toneChunks(200)) send({ type: 'response.output_audio.delta', ...ids, delta: c });
      await sleep(40);
    }
    if (audio) {
      send({ type: 'response.output_audio.done', ...ids });
      send({ type: 'response.output_audio_transcript.done', ...ids, transcript: text });
    } else {
      send({ type: 'response.output_text.done', ...ids, text });
    }
    const content = [audio ? { type: 'output_audio', transcript: text } : { type: 'output_text', text }];
    const done = { ...item, status: 'completed', content };
    send({ type: 'response.content_part.done', ...ids, part: audio ? { type: 'audio', transcript: text } : { type: 'text', text } });
    send({ type: 'conversation.item.done', previous_item_id: lastItemId, item: done });
    send({ type: 'response.output_item.done', response_id: responseId, output_index: 0, item: done });
    lastItemId = itemId;
    return done;
  }

  async function respond(modalities) {
    const responseId = id('resp');
    const base = { object: 'realtime.response', id: responseId, conversation_id: 'conv_fake', output_modalities: modalities };
    active = responseId;
    send({ type: 'response.created', response: { ...base, status: 'in_progress', output: [] } });
    send({ type: 'rate_limits.updated', rate_limits: [{ name: 'requests', limit: 1000, remaining: 999, reset_seconds: 60 }] });
    const wantsAgents = /weather|news|forecast/i.test(lastUserText);
    if (wantsAgents) {
      const callId = id('call');
      const itemId = id('item');
      const args = JSON.stringify({ request: lastUserText });
      const item = { id: itemId, object: 'realtime.item', type: 'function_call', status: 'in_progress', name: 'ask_agents', call_id: callId, arguments: '' };
      send({ type: 'response.output_item.added', response_id: responseId, output_index: 0, item });
      send({ type: 'conversation.item.added', previous_item_id: lastItemId, item });
      send({ type: 'response.function_call_arguments.delta', response_id: responseId, item_id: itemId, output_index: 0, call_id: callId, delta: args });
      send({ type: 'response.function_call_arguments.done', response_id: responseId, item_id: itemId, output_index: 0, call_id: callId, name: 'ask_agents', arguments: args });
      const done = { ...item, status: 'completed', arguments: args };
      send({ type: 'conversation.item.done', previous_item_id: lastItemId, item: done });
      send({ type: 'response.output_item.done', response_id: responseId, output_index: 0, item: done });
      send({ type: 'response.done', response: { ...base, status: 'completed', output: [done] } });
      active = null;
      lastItemId = itemId;
      await delegate(callId, modalities);
      return;
    }
    const text = lastUserText === '(spoken)' ? 'I heard you. This stand-in cannot understand speech, but the real emulator and OpenAI can.'
      : `You said: "${lastUserText}". I can look up the weather and the news for you.`;
    const msg = await assistantMessage(responseId, text, modalities);
    send({ type: 'response.done', response: { ...base, ...(msg ? { status: 'completed', output: [msg] } : { status: 'cancelled', status_details: { type: 'cancelled', reason: 'turn_detected' }, output: [] }) } });
    active = null;
  }

  async function delegate(callId, modalities) {
    const taskId = `task-${Math.random().toString(16).slice(2, 10)}`;
    const started = Date.now();
    if (agentEvents) send({ type: 'agent_mesh.task.started', task_id: taskId, call_id: callId, request: lastUserText });
    await sleep(300);
    if (agentEvents) send({ type: 'agent_mesh.task.planned', task_id: taskId, stages: [['weather', 'news'], ['chat']], planner: 'local' });
    await sleep(1400);
    const outcomes = [
      { agent: 'weather', status: 'answered', answer: 'Paris: 14 °C, light rain, wind 12 km/h from the south-west (sample data).', reason: null, duration_ms: 412, stage: 1 },
      { agent: 'news', status: 'answered', answer: 'France: rail strike talks resume; Paris prepares for the autumn marathon (sample feed).', reason: null, duration_ms: 688, stage: 1 },
      { agent: 'chat', status: 'timed_out', answer: null, reason: 'no reply within the 3000 ms subtask deadline', duration_ms: 3000, stage: 2 },
    ];
    if (/unreachable/i.test(lastUserText)) {
      // What the gateway sends when no result arrives at all.
      if (agentEvents) send({ type: 'agent_mesh.task.completed', task_id: taskId, duration_ms: Date.now() - started, partial: true, outcomes: [], error: 'the agents cannot be reached right now' });
      outcomes.length = 0;
    } else if (agentEvents) {
      send({ type: 'agent_mesh.task.completed', task_id: taskId, duration_ms: Date.now() - started, partial: true, outcomes });
    }
    const outItem = { id: id('item'), object: 'realtime.item', type: 'function_call_output', call_id: callId, output: JSON.stringify({ outcomes }) };
    send({ type: 'conversation.item.added', previous_item_id: lastItemId, item: outItem });
    send({ type: 'conversation.item.done', previous_item_id: lastItemId, item: outItem });
    lastItemId = outItem.id;
    const responseId = id('resp');
    const base = { object: 'realtime.response', id: responseId, conversation_id: 'conv_fake', output_modalities: modalities };
    active = responseId;
    send({ type: 'response.created', response: { ...base, status: 'in_progress', output: [] } });
    const msg = await assistantMessage(responseId, outcomes.length === 0
      ? 'Sorry, I could not reach the agents just now, so I have no live weather or news. Please try again in a moment.' :
      'In Paris it is 14 degrees with light rain and a south-westerly breeze. In France, rail strike talks are resuming, and Paris is getting ready for the autumn marathon. These come from sample data.',
      modalities);
    send({ type: 'response.done', response: { ...base, ...(msg ? { status: 'completed', output: [msg] } : { status: 'cancelled', status_details: { type: 'cancelled', reason: 'turn_detected' }, output: [] }) } });
    active = null;
  }

  ws.on('message', (data) => {
    let ev;
    try { ev = JSON.parse(String(data)); } catch { return; }
    if (process.env.FAKE_GATEWAY_LOG && ev.type !== 'input_audio_buffer.append') console.log('client:', JSON.stringify(ev));
    switch (ev.type) {
      case 'session.update':
        session = { ...session, ...ev.session, tools: session.tools, instructions: session.instructions };
        send({ type: 'session.updated', session });
        break;
      case 'conversation.item.create': {
        const item = { id: id('item'), object: 'realtime.item', status: 'completed', ...ev.item };
        if (item.role === 'user') lastUserText = (item.content || []).map((c) => c.text || '').join(' ');
        if (/please fail/i.test(lastUserText)) {
          send({ type: 'error', error: { type: 'invalid_request_error', code: 'invalid_value', message: 'This is a scripted error for testing.', param: null, event_id: ev.event_id } });
          lastUserText = '';
          return;
        }
        send({ type: 'conversation.item.added', previous_item_id: lastItemId, item });
        send({ type: 'conversation.item.done', previous_item_id: lastItemId, item });
        lastItemId = item.id;
        break;
      }
      case 'response.create':
        if (!lastUserText) return;
        if (active) {
          send({ type: 'error', error: { type: 'invalid_request_error', code: 'conversation_already_has_active_response', message: `Conversation already has an active response in progress: ${active}.`, param: null, event_id: ev.event_id } });
          return;
        }
        respond(ev.response?.output_modalities || session.output_modalities || ['audio']).catch(() => {});
        break;
      case 'conversation.item.truncate':
        send({ type: 'conversation.item.truncated', item_id: ev.item_id, content_index: ev.content_index, audio_end_ms: ev.audio_end_ms });
        break;
      case 'input_audio_buffer.append':
        // Server VAD stand-in: 0.4 s of microphone audio counts as speech starting, 1.2 s as a finished turn.
        appended += Buffer.from(ev.audio || '', 'base64').length / 48;
        if (!speaking && appended >= 400) {
          speaking = true;
          voiceItem = id('item');
          send({ type: 'input_audio_buffer.speech_started', audio_start_ms: 0, item_id: voiceItem });
          if (active) interrupt = true;
        } else if (speaking && appended >= 1200) {
          speaking = false;
          appended = 0;
          send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: 1200, item_id: voiceItem });
          send({ type: 'input_audio_buffer.committed', previous_item_id: lastItemId, item_id: voiceItem });
          const item = { id: voiceItem, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] };
          send({ type: 'conversation.item.added', previous_item_id: lastItemId, item });
          send({ type: 'conversation.item.done', previous_item_id: lastItemId, item });
          lastItemId = voiceItem;
          lastUserText = '(spoken)';
          if (!active) respond(session.output_modalities || ['audio']).catch(() => {});
        }
        break;
      case 'response.cancel':
        break;
      default:
        break;
    }
  });
}

server.listen(port, '127.0.0.1', () => {
  console.log(`fake gateway on http://127.0.0.1:${port}/ (${upstream ? `relaying to ${upstream}` : online ? 'online' : 'offline'}${authRequired ? ', token letmein' : ''})`);
});
