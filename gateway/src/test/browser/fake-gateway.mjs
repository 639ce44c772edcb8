// A stand-in for the gateway while it is being built: serves the real static page and /api/status,
// and answers /v1/realtime with a scripted OpenAI Realtime GA event sequence, including the
// gateway's agent_mesh.* events for a delegated turn. Development aid only; not a protocol reference.
//
//   node fake-gateway.mjs [port=8089] [--online] [--auth] [--no-memory] [--upstream ws://127.0.0.1:8090/v1/realtime]
//
// Memory as the gateway offers it (in this process only): ?user_id= and ?conversation_id= on the socket,
// agent_mesh.conversation with the restored turns, /api/me (profile, conversations, forget me; 503 with
// --no-memory), and facts learned from "I live in X", "my name is X", "I follow X". Test controls:
// GET /__fake/control?speak=ok|fail (a spoken turn, transcribed or not), ?renew=1, ?shutdown=1,
// ?error=<code> (an upstream error event), sent to every open socket.
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
const memoryOn = !args.includes('--no-memory');
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

// ---- memory: users by id, each {profile, conversations: Map(id -> [{role, text, at}])}
const users = new Map();
const FIELDS = ['name', 'homeCity', 'units', 'interests', 'language'];
const sessions = new Set(); // open scripted sessions, for the test controls

function user(id) {
  if (!users.has(id)) users.set(id, { profile: Object.fromEntries(FIELDS.map((f) => [f, null])), conversations: new Map(), updatedAt: null });
  return users.get(id);
}

function profileOf(id) {
  const u = user(id);
  return { userId: id, ...u.profile, updatedAt: u.updatedAt };
}

function setFact(id, field, value, source, learnedFrom = null) {
  const u = user(id);
  if (source === 'learned' && u.profile[field]?.source === 'user') return; // never replaces what the user set
  const at = new Date().toISOString();
  u.profile[field] = { value, source, learnedFrom, at };
  u.updatedAt = at;
}

/** The memory store's rules, much reduced: enough for the page's tests. */
function learn(id, sentence) {
  const city = /\bI (?:live in|am from|'m from|moved to) ([A-Z][\p{L}' -]*?)\s*(?:[.!,]|$)/u.exec(sentence);
  if (city) setFact(id, 'homeCity', city[1], 'learned', sentence);
  const name = /\bmy name is ([A-Z][\p{L}-]*)/iu.exec(sentence);
  if (name) setFact(id, 'name', name[1], 'learned', sentence);
  const follows = /\bI follow (.+?)\s*(?:[.!]|$)/i.exec(sentence);
  if (follows) setFact(id, 'interests', [follows[1]], 'learned', sentence);
}

function record(userId, conversationId, role, text) {
  if (!memoryOn || !userId || !text) return;
  const u = user(userId);
  if (!u.conversations.has(conversationId)) u.conversations.set(conversationId, []);
  u.conversations.get(conversationId).push({ role, text, at: new Date().toISOString() });
  if (role === 'user') learn(userId, text);
}

function json(res, code, body) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

async function bodyOf(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  try { return JSON.parse(text || '{}'); } catch { return null; }
}

async function me(req, res, path) {
  if (!memoryOn) return json(res, 503, { error: 'memory is not configured (MEMORY_STORE_URL)' });
  const id = authRequired ? 'token:letmein' : req.headers['x-agent-mesh-user'];
  if (!id || (!authRequired && !/^[A-Za-z0-9_-]{8,64}$/.test(id))) return json(res, 401, { error: 'name the browser user in X-Agent-Mesh-User' });
  if (authRequired && req.headers.authorization !== 'Bearer letmein') return json(res, 401, { error: 'a valid credential is needed' });
  const field = /^\/profile\/(\w+)$/.exec(path)?.[1];
  if (req.method === 'GET' && path === '/profile') return json(res, 200, profileOf(id));
  if (req.method === 'PUT' && path === '/profile') {
    const patch = await bodyOf(req);
    const unknown = Object.keys(patch || {}).find((k) => !FIELDS.includes(k));
    if (!patch || unknown) return json(res, 400, { detail: `unknown field ${unknown}` });
    for (const [k, v] of Object.entries(patch)) setFact(id, k, v, 'user');
    return json(res, 200, profileOf(id));
  }
  if (req.method === 'DELETE' && field) {
    if (!FIELDS.includes(field)) return json(res, 400, { detail: `unknown field ${field}` });
    user(id).profile[field] = null;
    return json(res, 200, profileOf(id));
  }
  if (req.method === 'DELETE' && path === '') { users.delete(id); res.writeHead(204).end(); return undefined; }
  if (req.method === 'GET' && path === '/conversations') {
    return json(res, 200, [...user(id).conversations].map(([conversationId, turns]) => ({
      conversationId, updatedAt: turns.at(-1)?.at, title: (turns.find((t) => t.role === 'user')?.text || '').slice(0, 60), turns: turns.length })));
  }
  return json(res, 404, { error: 'not found' });
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/api/status') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status));
    return;
  }
  if (url.pathname === '/api/me' || url.pathname.startsWith('/api/me/')) {
    await me(req, res, url.pathname.slice('/api/me'.length));
    return;
  }
  if (url.pathname === '/__fake/control') {
    const control = Object.fromEntries(url.searchParams);
    for (const s of sessions) s.control(control);
    json(res, 200, { sessions: sessions.size });
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
  wss.handleUpgrade(req, socket, head, (ws) => (upstream ? relay(ws) : realtime(ws, url.searchParams)));
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

function realtime(ws, params) {
  const agentEvents = params.get('agent_events') === 'true';
  const send = (event) => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ event_id: id('event'), ...event }));
  const sessionId = id('sess');
  // Who, and which conversation: the user's own stored one resumes, any other id starts a new one.
  const userId = authRequired ? 'token:letmein' : (/^[A-Za-z0-9_-]{8,64}$/.test(params.get('user_id') || '') ? params.get('user_id') : null);
  const asked = params.get('conversation_id');
  const stored = memoryOn && userId && asked ? users.get(userId)?.conversations.get(asked) : null;
  const conversationId = stored ? asked : `conv_${Math.random().toString(16).slice(2, 14)}`;
  let audioPresent = false; // the API fixes the voice once the assistant has spoken
  const controls = { control: () => {} };
  sessions.add(controls);
  ws.on('close', () => sessions.delete(controls));
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

  if (agentEvents) send({ type: 'agent_mesh.conversation', conversation_id: conversationId, restored: (stored || []).map(({ role, text }) => ({ role, text })) });
  send({ type: 'session.created', session });

  controls.control = (c) => {
    if (c.speak) spokenTurn(c.speak === 'ok');
    if (c.renew) {
      audioPresent = false;
      send({ type: 'agent_mesh.session.renewed', conversation_id: conversationId, reason: 'the realtime service ended the session: test', restored_turns: (users.get(userId)?.conversations.get(conversationId) || []).length });
    }
    if (c.error) send({ type: 'error', error: { type: 'invalid_request_error', code: c.error, message: c.error === 'cannot_update_voice' ? "Cannot update a conversation's voice if assistant audio is present." : `Scripted ${c.error}.`, param: null, event_id: null } });
    if (c.shutdown) {
      send({ type: 'error', error: { type: 'server_error', code: 'server_shutting_down', message: `This gateway is shutting down; reconnect, with conversation_id=${conversationId} to resume this conversation.`, param: null, event_id: null } });
      setTimeout(() => ws.close(1012, 'the gateway shut down'), 300);
    }
  };

  /** A spoken turn as server VAD and input transcription report it; the transcript is scripted. */
  function spokenTurn(transcribed) {
    const itemId = id('item');
    send({ type: 'input_audio_buffer.speech_started', audio_start_ms: 0, item_id: itemId });
    send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: 900, item_id: itemId });
    send({ type: 'input_audio_buffer.committed', previous_item_id: lastItemId, item_id: itemId });
    const item = { id: itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] };
    send({ type: 'conversation.item.added', previous_item_id: lastItemId, item });
    send({ type: 'conversation.item.done', previous_item_id: lastItemId, item });
    lastItemId = itemId;
    transcribe(itemId, transcribed);
    if (!active) respond(session.output_modalities || ['audio']).catch(() => {});
  }

  function transcribe(itemId, ok = true) {
    lastUserText = '(spoken)';
    if (!session.audio?.input?.transcription) return; // no transcription configured: none is reported
    if (!ok) {
      send({ type: 'conversation.item.input_audio_transcription.failed', item_id: itemId, content_index: 0, error: { type: 'transcription_error', code: 'audio_unintelligible', message: 'The audio could not be transcribed.', param: null } });
      return;
    }
    const transcript = 'Can you hear me?';
    send({ type: 'conversation.item.input_audio_transcription.delta', item_id: itemId, content_index: 0, delta: transcript });
    send({ type: 'conversation.item.input_audio_transcription.completed', item_id: itemId, content_index: 0, transcript, usage: { type: 'duration', seconds: 1 } });
    lastUserText = transcript;
    spokenText = transcript;
    record(userId, conversationId, 'user', transcript);
  }
  let spokenText = null;

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
      if (audio) { audioPresent = true; for (const c of toneChunks(200)) send({ type: 'response.output_audio.delta', ...ids, delta: c }); }
      await sleep(40);
    }
    if (audio) {
      send({ type: 'response.output_audio.done', ...ids });
      send({ type: 'response.output_audio_transcript.done', ...ids, transcript: text });
    } else {
      send({ type: 'response.output_text.done', ...ids, text });
    }
    record(userId, conversationId, 'assistant', text);
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
      : spokenText === lastUserText ? `I heard you say "${lastUserText}". This stand-in scripts that transcript.`
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
    // The city named, else the user's home city (as the real weather agent does with the profile).
    const named = /\bin ([A-Z][\p{L}-]+)/u.exec(lastUserText)?.[1];
    const city = named || (userId && users.get(userId)?.profile.homeCity?.value) || null;
    const outcomes = [
      city ? { agent: 'weather', status: 'answered', answer: `${city}: 14 °C, light rain, wind 12 km/h from the south-west (sample data).`, reason: null, duration_ms: 412, stage: 1 }
        : { agent: 'weather', status: 'failed', answer: null, reason: 'which place? No city was named and no home city is known', duration_ms: 12, stage: 1 },
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
      city ? `In ${city} it is 14 degrees with light rain and a south-westerly breeze. In France, rail strike talks are resuming, and Paris is getting ready for the autumn marathon. These come from sample data.`
        : 'Which place would you like the weather for? In France, rail strike talks are resuming. These come from sample data.',
      modalities);
    send({ type: 'response.done', response: { ...base, ...(msg ? { status: 'completed', output: [msg] } : { status: 'cancelled', status_details: { type: 'cancelled', reason: 'turn_detected' }, output: [] }) } });
    active = null;
  }

  ws.on('message', (data) => {
    let ev;
    try { ev = JSON.parse(String(data)); } catch { return; }
    if (process.env.FAKE_GATEWAY_LOG && ev.type !== 'input_audio_buffer.append') console.log('client:', JSON.stringify(ev));
    switch (ev.type) {
      case 'session.update': {
        const voice = ev.session?.audio?.output?.voice;
        if (voice && audioPresent && voice !== session.audio.output.voice) {
          send({ type: 'error', error: { type: 'invalid_request_error', code: 'cannot_update_voice', message: "Cannot update a conversation's voice if assistant audio is present.", param: null, event_id: ev.event_id } });
          break;
        }
        const audio = ev.session?.audio || {};
        session = {
          ...session, ...ev.session, tools: session.tools, instructions: session.instructions,
          audio: { input: { ...session.audio.input, ...audio.input }, output: { ...session.audio.output, ...audio.output } },
        };
        send({ type: 'session.updated', session });
        break;
      }
      case 'conversation.item.create': {
        const item = { id: id('item'), object: 'realtime.item', status: 'completed', ...ev.item };
        if (item.role === 'user') lastUserText = (item.content || []).map((c) => c.text || '').join(' ');
        if (item.role === 'user') record(userId, conversationId, 'user', lastUserText);
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
          transcribe(voiceItem);
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
