// Web client for the gateway: OpenAI Realtime GA events over one WebSocket, plus the gateway's
// agent_mesh.* events. No build step, no dependencies. The gateway owns the API key, the
// instructions and the tools; this page never sends any of them. The conversation shown is the
// one the gateway restores (agent_mesh.conversation): the server is the source of truth.
import { AudioPlayer, Microphone, base64FromBytes } from './audio.js';
import { fillOptions, loadSettings, saveSettings, sessionFields, showSettings } from './settings.js';
import { MemoryPanel, identity } from './memory.js';

const TRANSCRIPT_LIMIT = 200;
const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'),
  reconnect: $('reconnect'),
  upstreamInfo: $('upstream-info'),
  offline: $('offline-banner'),
  notices: $('notices'),
  transcript: $('transcript'),
  emptyHint: $('empty-hint'),
  composer: $('composer'),
  message: $('message'),
  send: $('send'),
  mic: $('mic'),
  micLabel: $('mic-label'),
  micHint: $('mic-hint'),
  speaker: $('speaker'),
  newConversation: $('new-conversation'),
  settings: $('settings'),
  voiceNote: $('voice-note'),
  voiceNoteText: $('voice-note-text'),
  voiceSwitch: $('voice-switch'),
  directory: $('agent-directory'),
  tasks: $('tasks'),
  tasksEmpty: $('tasks-empty'),
};

const player = new AudioPlayer();
const mic = new Microphone();

const session = {
  ws: null,
  configured: false,
  responseActive: false,
  responseCreateWanted: false,
  truncated: new Set(),     // assistant item ids whose audio we cut off
  eventSeq: 0,
  assistantSpoke: false,    // the upstream session has assistant audio: its voice is fixed (API rule)
  voice: null,              // the voice this upstream session speaks with
  resumeId: null,           // the conversation id this socket asked to resume
};

let who = null;             // {userId | token, storageKey}: whose settings, conversation and memory
let settings = null;
let conversationId = null;  // the conversation on screen, as the gateway named it
let reconnectTimer = null;
let reconnectAttempts = 0;

const conversationKey = () => `agentmesh.conversation.${who.storageKey}`;
const settingsKey = () => `agentmesh.settings.${who.storageKey}`;

function storedConversation() {
  try { return localStorage.getItem(conversationKey()); } catch { return null; }
}

function storeConversation(id) {
  try {
    if (id) localStorage.setItem(conversationKey(), id);
    else localStorage.removeItem(conversationKey());
  } catch { /* not kept: a reload starts a new conversation */ }
}

// ---------------------------------------------------------------- the conversation on screen

/** entries: {kind:'message', key, itemId, role, text, voice, untranscribed, restored, final, interrupted, ts}
 *           {kind:'task', key, taskId, request, stages, planner, outcomes, state, durationMs, partial, reason, ts, endedAt} */
let entries = [];
const byKey = new Map();
const messageByItem = new Map();
let localSeq = 0;

function addEntry(entry) {
  entries.push(entry);
  byKey.set(entry.key, entry);
  if (entries.length > TRANSCRIPT_LIMIT) {
    const dropped = entries.shift();
    byKey.delete(dropped.key);
    removeEntryElements(dropped);
  }
  return entry;
}

function clearConversationView() {
  entries = [];
  byKey.clear();
  messageByItem.clear();
  ui.transcript.replaceChildren();
  ui.tasks.replaceChildren();
  updateEmptyHints();
}

function divider(text) {
  const li = el('li', 'divider', text);
  li.dataset.role = 'divider';
  ui.transcript.append(li);
  updateEmptyHints();
  scrollToEnd();
}

// ---------------------------------------------------------------- rendering

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function ms(value) {
  return `${Math.round(value).toLocaleString('en-US')} ms`;
}

function updateEmptyHints() {
  ui.emptyHint.hidden = ui.transcript.children.length > 0;
  ui.tasksEmpty.hidden = ui.tasks.children.length > 0;
}

function scrollToEnd() {
  const t = ui.transcript;
  if (t.scrollHeight - t.scrollTop - t.clientHeight < 160) t.scrollTop = t.scrollHeight;
}

function removeEntryElements(entry) {
  document.querySelectorAll(`[data-key="${CSS.escape(entry.key)}"]`).forEach((n) => n.remove());
}

function renderMessage(entry) {
  let li = ui.transcript.querySelector(`li[data-key="${CSS.escape(entry.key)}"]`);
  if (!li) {
    li = el('li', `msg msg-${entry.role}`);
    li.dataset.key = entry.key;
    li.dataset.role = entry.role;
    li.dataset.ts = String(entry.ts);
    const meta = el('div', 'msg-meta');
    meta.append(el('span', 'msg-who', entry.role === 'user' ? 'You' : 'Assistant'));
    meta.append(entry.restored ? el('span', 'msg-time', 'earlier') : el('time', 'msg-time', timeFormat.format(entry.ts)));
    li.append(meta, el('div', 'msg-text'));
    ui.transcript.append(li);
  }
  const text = li.querySelector('.msg-text');
  // A spoken turn shows its transcript; until it arrives, or if transcription failed, it says so.
  const shown = entry.text || (entry.role === 'user' && entry.voice
    ? (entry.untranscribed ? '(not transcribed)' : 'Voice message') : '');
  if (text.textContent !== shown) text.textContent = shown;
  text.classList.toggle('placeholder', !entry.text);
  li.dataset.final = String(Boolean(entry.final));
  li.classList.toggle('streaming', !entry.final);
  li.setAttribute('aria-busy', String(!entry.final)); // screen readers read it once it is complete
  li.hidden = entry.role === 'assistant' && entry.final && !entry.text; // a response cut off before any words
  li.classList.toggle('voice', Boolean(entry.voice));
  if (entry.untranscribed) text.title = entry.untranscribed;
  if (entry.interrupted && !li.querySelector('.msg-note')) {
    li.append(el('div', 'msg-note', 'Interrupted'));
  }
  updateEmptyHints();
  scrollToEnd();
}

const STATUS_LABEL = { answered: 'Answered', failed: 'Failed', timed_out: 'Timed out', working: 'Working…', waiting: 'Waiting' };

function agentRows(task) {
  // One row per planned agent, filled in by its outcome when it arrives.
  const rows = new Map();
  (task.stages || []).forEach((stage, i) => {
    for (const name of stage) rows.set(name, { agent: name, stage: i + 1, status: null });
  });
  for (const o of task.outcomes || []) {
    const prior = rows.get(o.agent) || { agent: o.agent, stage: o.stage };
    rows.set(o.agent, { ...prior, ...o, stage: o.stage ?? prior.stage });
  }
  const firstOpenStage = Math.min(...[...rows.values()].filter((r) => !r.status).map((r) => r.stage || 1));
  for (const r of rows.values()) {
    if (!r.status) {
      if (task.state === 'running') r.status = (r.stage || 1) <= firstOpenStage ? 'working' : 'waiting';
      else r.status = 'not_reached';
    }
  }
  return [...rows.values()];
}

function taskHeadline(task) {
  switch (task.state) {
    case 'running': return task.stages ? 'Agents are working' : 'Planning';
    case 'completed': return task.error ? 'No answer' : 'Answered';
    case 'cancelled': return 'Cancelled';
    default: return 'Interrupted';
  }
}

function renderTask(task) {
  let card = ui.tasks.querySelector(`li[data-key="${CSS.escape(task.key)}"]`);
  if (!card) {
    card = el('li', 'task');
    card.dataset.key = task.key;
    card.dataset.taskId = task.taskId;
    ui.tasks.prepend(card);
  }
  card.dataset.state = task.state;
  card.setAttribute('aria-busy', String(task.state === 'running'));
  const head = el('div', 'task-head');
  const title = el('div', 'task-title');
  if (task.state === 'running') title.append(el('span', 'spinner', ''));
  title.append(el('span', 'task-headline', taskHeadline(task)));
  if (task.partial && !task.error) title.append(el('span', 'badge badge-warn', 'partial'));
  head.append(title, el('time', 'task-time', timeFormat.format(task.ts)));
  const nodes = [head];
  if (task.request) nodes.push(el('p', 'task-request', `“${task.request}”`));

  const list = el('ul', 'agent-list');
  for (const r of agentRows(task)) {
    const row = el('li', 'agent-row');
    row.dataset.agent = r.agent;
    row.dataset.status = r.status;
    const icon = el('span', `agent-icon icon-${r.status}`);
    icon.setAttribute('aria-hidden', 'true');
    const name = el('span', 'agent-name', r.agent);
    const stage = el('span', 'badge', `stage ${r.stage ?? '?'}`);
    const status = el('span', 'agent-status', STATUS_LABEL[r.status] || 'No result');
    const time = el('span', 'agent-time', r.duration_ms != null ? ms(r.duration_ms) : '');
    const line = el('div', 'agent-line');
    line.append(icon, name, stage, status, time);
    row.append(line);
    if (r.reason && r.status !== 'answered') row.append(el('p', 'agent-reason', r.reason));
    if (r.answer) {
      const details = el('details', 'agent-answer');
      details.append(el('summary', '', 'What it said'), el('p', '', r.answer));
      row.append(details);
    }
    list.append(row);
  }
  if (list.children.length) nodes.push(list);
  if (task.state === 'running' && !task.stages) nodes.push(el('p', 'muted', 'Choosing which agents to ask…'));
  if (task.state === 'running') {
    const elapsed = el('p', 'task-elapsed muted', '');
    elapsed.dataset.since = String(task.ts);
    nodes.push(elapsed);
  }
  if (task.state === 'completed' && task.error) {
    nodes.push(el('p', 'task-reason', `Reason: ${task.error}`));
  }
  if ((task.state === 'cancelled' || task.state === 'interrupted') && task.reason) {
    nodes.push(el('p', 'task-reason', `Reason: ${task.reason}`));
  }
  if (task.state === 'completed') {
    const total = el('p', 'task-total');
    total.textContent = `Total ${ms(task.durationMs)}`;
    if (task.planner) total.textContent += ` · planner: ${task.planner}`;
    nodes.push(total);
  }
  card.replaceChildren(...nodes);
  renderTaskChip(task);
  tickElapsed();
  updateEmptyHints();
}

function renderTaskChip(task) {
  // A short line in the transcript so the conversation reads in order; details live in the panel.
  let li = ui.transcript.querySelector(`li[data-key="${CSS.escape(task.key)}"]`);
  if (!li) {
    li = el('li', 'msg msg-task');
    li.dataset.key = task.key;
    li.dataset.role = 'agents';
    ui.transcript.append(li);
  }
  const rows = agentRows(task);
  const names = rows.map((r) => r.agent).join(', ');
  let text;
  if (task.state === 'running') text = names ? `Asking ${names}…` : 'Asking the agents…';
  else if (task.state === 'completed' && task.error) text = `The agents could not answer: ${task.error}`;
  else if (task.state === 'completed') {
    const ok = rows.filter((r) => r.status === 'answered').length;
    text = `Agents answered (${ok} of ${rows.length}) in ${ms(task.durationMs)}`;
  } else text = task.state === 'cancelled' ? 'Agent task cancelled' : 'Agent task interrupted';
  li.textContent = text;
  li.dataset.state = task.state;
  li.dataset.error = String(Boolean(task.error));
  scrollToEnd();
}

function tickElapsed() {
  for (const p of ui.tasks.querySelectorAll('.task-elapsed')) {
    p.textContent = `${ms(Date.now() - Number(p.dataset.since))} so far`;
  }
}
setInterval(tickElapsed, 250);

// ---------------------------------------------------------------- notices and status

function notice(text, { kind = 'info', sticky = false, action = null } = {}) {
  const n = el('div', `notice notice-${kind}`);
  n.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  n.append(el('span', '', text));
  const buttons = el('span', 'notice-actions');
  if (action) {
    const b = el('button', 'btn btn-small', action.label);
    b.type = 'button';
    b.addEventListener('click', () => { n.remove(); action.run(); });
    buttons.append(b);
  }
  const close = el('button', 'btn btn-quiet btn-small', 'Dismiss');
  close.type = 'button';
  close.addEventListener('click', () => n.remove());
  buttons.append(close);
  n.append(buttons);
  ui.notices.append(n);
  while (ui.notices.children.length > 3) ui.notices.firstChild.remove();
  if (!sticky) setTimeout(() => n.remove(), 12000);
  return n;
}

function setStatus(state) {
  const labels = { connecting: 'Connecting…', connected: 'Connected', disconnected: 'Disconnected' };
  ui.status.dataset.state = state;
  ui.status.textContent = labels[state];
  ui.reconnect.hidden = state !== 'disconnected';
  const usable = state === 'connected';
  ui.message.disabled = !usable;
  ui.send.disabled = !usable;
  ui.mic.disabled = !usable;
  if (usable) ui.message.focus();
}

// ---------------------------------------------------------------- socket

function send(event) {
  const ws = session.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) return false;
  ws.send(JSON.stringify({ event_id: `evt_client_${Date.now().toString(36)}_${++session.eventSeq}`, ...event }));
  return true;
}

function configureSession() {
  if (session.configured) return;
  session.configured = true;
  const format = { type: 'audio/pcm', rate: 24000 };
  const fields = sessionFields(settings);
  send({
    type: 'session.update',
    session: {
      ...fields,
      output_modalities: ['audio'],
      audio: {
        input: { format, ...fields.audio.input },
        output: { format, ...fields.audio.output },
      },
    },
  });
  session.voice = settings.voice;
}

function sessionReady() {
  if (session.configured) return;
  configureSession();
  setStatus('connected');
  reconnectAttempts = 0;
}

function requestResponse() {
  if (session.responseActive) session.responseCreateWanted = true;
  else send({ type: 'response.create' });
}

let serverStatus = null;

async function fetchStatus() {
  try {
    const res = await fetch('/api/status', { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    serverStatus = await res.json();
  } catch {
    serverStatus = null;
  }
  renderServerStatus();
}

function renderServerStatus() {
  const s = serverStatus;
  ui.offline.hidden = !(s && s.offline);
  if (s) {
    const where = s.upstream === 'emulator' ? 'local emulator' : s.upstream === 'openai' ? 'OpenAI' : s.upstream;
    ui.upstreamInfo.textContent = [s.model, where && `via ${where}`].filter(Boolean).join(' ');
  }
  ui.directory.replaceChildren();
  for (const a of (s && s.agents) || []) {
    const chip = el('li', 'agent-chip');
    chip.append(el('span', 'agent-chip-name', a.name));
    if (a.description) {
      chip.title = a.description;
      chip.append(el('span', 'agent-chip-desc', a.description));
    }
    ui.directory.append(chip);
  }
  ui.directory.hidden = ui.directory.children.length === 0;
}

function realtimeUrl(resumeId) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const params = new URLSearchParams({ agent_events: 'true' });
  if (who.token) params.set('access_token', who.token);
  if (who.userId) params.set('user_id', who.userId);
  if (resumeId) params.set('conversation_id', resumeId);
  return `${scheme}://${location.host}/v1/realtime?${params}`;
}

/** Opens the socket; it asks to resume the stored conversation unless `fresh`. */
async function connect({ fresh = false } = {}) {
  clearTimeout(reconnectTimer);
  if (session.ws && session.ws.readyState <= WebSocket.OPEN) return;
  setStatus('connecting');
  await fetchStatus();
  const authRequired = Boolean(serverStatus && serverStatus.auth_required);
  if (authRequired && !new URLSearchParams(location.search).get('token')) {
    setStatus('disconnected');
    notice('This gateway needs an access token. Open the page with ?token=<your token> added to the address.', { kind: 'error', sticky: true });
    return;
  }
  if (!who || Boolean(who.token) !== authRequired) {
    who = identity(authRequired);
    settings = loadSettings(settingsKey());
    showSettings(ui.settings, settings);
    memory.load(who);
  }
  const resumeId = fresh ? null : storedConversation();
  let opened = false;
  let ws;
  try {
    ws = new WebSocket(realtimeUrl(resumeId));
  } catch (e) {
    setStatus('disconnected');
    notice(`Could not open the connection: ${e.message}`, { kind: 'error' });
    return;
  }
  session.ws = ws;
  session.configured = false;
  session.responseActive = false;
  session.responseCreateWanted = false;
  session.assistantSpoke = false;
  session.resumeId = resumeId;
  hideVoiceNote();

  ws.addEventListener('open', () => {
    opened = true;
    // Ready once the session exists (session.created is the server's first event), so the first
    // turn already runs with our session.update applied; after 3 s without it, go ahead anyway.
    setTimeout(() => { if (session.ws === ws) sessionReady(); }, 3000);
  });
  ws.addEventListener('message', (e) => {
    let event;
    try { event = JSON.parse(e.data); } catch { return; }
    try { handleEvent(event); } catch (err) { console.error('Failed to handle', event.type, err); }
  });
  ws.addEventListener('close', (e) => {
    if (session.ws !== ws) return;
    session.ws = null;
    onDisconnected(opened, e);
  });
}

/** Closes this socket on purpose (the close is not reported) and opens the next one. */
function reconnect({ fresh = false } = {}) {
  const ws = session.ws;
  session.ws = null;
  if (ws) ws.close(1000, fresh ? 'new conversation' : 'reconnecting');
  endStreaming('the connection was renewed');
  connect({ fresh });
}

function endStreaming(reason) {
  stopMic();
  player.stop();
  session.responseActive = false;
  for (const e of entries) {
    if (e.kind === 'message' && !e.final) { e.final = true; e.interrupted = true; renderMessage(e); }
    if (e.kind === 'task' && e.state === 'running') { e.state = 'interrupted'; e.reason = reason; renderTask(e); }
  }
}

/** The gateway restarts (server_shutting_down, close 1012): connect again, soon, with this conversation. */
function reconnectSoon() {
  if (reconnectTimer) return;
  const delay = Math.min(1500 * 2 ** reconnectAttempts, 20000);
  reconnectAttempts += 1;
  if (reconnectAttempts > 6) {
    setStatus('disconnected');
    notice('The gateway is still restarting. Press Reconnect to try again.', { kind: 'error', sticky: true });
    return;
  }
  notice(`The gateway is restarting; reconnecting in ${Math.round(delay / 1000)} s. The conversation continues.`);
  reconnectTimer = setTimeout(() => { reconnectTimer = null; reconnect(); }, delay);
}

function onDisconnected(wasOpen, closeEvent) {
  endStreaming('the connection closed');
  if (reconnectTimer || closeEvent.code === 1012) { // reconnecting already, or a service restart
    setStatus('connecting');
    reconnectSoon();
    return;
  }
  setStatus('disconnected');
  const why = closeEvent.reason ? ` (${closeEvent.reason})` : '';
  notice(wasOpen
    ? `The connection to the assistant was closed${why}. Press Reconnect to continue this conversation.`
    : serverStatus && serverStatus.auth_required
      ? `The gateway did not accept the connection${why}. Check the access token in the address, then press Reconnect.`
      : `Could not reach the assistant${why}. Check that the gateway is running, then press Reconnect.`,
  { kind: 'error', sticky: true });
}

// ---------------------------------------------------------------- conversation, resume and settings

/** agent_mesh.conversation: which conversation this socket holds, and what the gateway restored of it. */
function onConversation(ev) {
  const restored = Array.isArray(ev.restored) ? ev.restored : [];
  const same = ev.conversation_id === conversationId;
  conversationId = ev.conversation_id;
  storeConversation(conversationId);
  if (same && entries.length) {
    divider('Reconnected: the assistant still knows this conversation.');
    return;
  }
  if (!restored.length && entries.length) {
    // Nothing restored, but the page still shows what was said: keep it readable, and say where it ends.
    divider(memory.state === 'available' ? 'A new conversation starts here.'
      : 'Reconnected: a new conversation starts here; the assistant does not remember the part above (memory is unavailable).');
    return;
  }
  clearConversationView();
  for (const turn of restored) {
    if (!turn || !turn.text) continue;
    const entry = addEntry({ kind: 'message', key: `restored:${++localSeq}`, role: turn.role === 'user' ? 'user' : 'assistant', text: turn.text, final: true, restored: true, ts: Date.now() });
    renderMessage(entry);
  }
  if (restored.length) {
    divider(`Restored from your history (${restored.length} ${restored.length === 1 ? 'turn' : 'turns'}). The assistant remembers them.`);
  } else if (session.resumeId && session.resumeId !== conversationId) {
    divider(memory.state === 'available'
      ? 'The earlier conversation is no longer stored; this is a new conversation.'
      : 'The earlier conversation could not be restored (memory is unavailable); this is a new conversation.');
  }
}

function onRenewed(ev) {
  // The upstream session was replaced; the socket stays open. A new session has no audio yet.
  // The gateway configured it as this page last asked; a voice held back until now can go too.
  session.assistantSpoke = false;
  const turns = ev.restored_turns ?? 0;
  notice(`The realtime session was renewed; the assistant still has the last ${turns} ${turns === 1 ? 'turn' : 'turns'} of this conversation.`);
  if (settings.voice !== session.voice) {
    send({ type: 'session.update', session: sessionFields(settings, ['voice']) });
    session.voice = settings.voice;
  }
  hideVoiceNote();
}

function onSettingsChange(e) {
  const name = e.target.name;
  settings = { ...settings, [name]: ui.settings[name].value };
  saveSettings(settingsKey(), settings);
  showSettings(ui.settings, settings);
  const which = name === 'eagerness' ? 'turnDetection' : name;
  if (which === 'voice') {
    if (session.assistantSpoke) { showVoiceNote(); return; }
    hideVoiceNote();
    session.voice = settings.voice;
  }
  send({ type: 'session.update', session: sessionFields(settings, [which]) });
}

/** The API fixes a session's voice once the assistant has spoken: the new voice takes a new session. */
function showVoiceNote(upstreamMessage) {
  const continues = memory.state === 'available';
  ui.voiceNoteText.textContent = `${upstreamMessage ? `The voice was not changed: ${upstreamMessage} ` : ''}`
    + `The assistant has already spoken in this session, and a session keeps its voice${session.voice ? ` (${session.voice})` : ''}. `
    + `The voice changes from the next session. Switch now to reconnect with ${settings.voice}`
    + (continues ? '; the conversation continues.' : '; memory is unavailable, so the assistant will not remember this conversation.');
  ui.voiceSwitch.textContent = continues ? `Switch to ${settings.voice} now` : `New conversation with ${settings.voice}`;
  ui.voiceNote.hidden = false;
}

function hideVoiceNote() {
  ui.voiceNote.hidden = true;
}

function newConversation(message) {
  storeConversation(null);
  conversationId = null;
  clearConversationView();
  reconnect({ fresh: true });
  if (message) notice(message);
}

// ---------------------------------------------------------------- server events

function messageFor(itemId, role, { create = true } = {}) {
  let entry = messageByItem.get(itemId);
  if (!entry && create) {
    entry = addEntry({ kind: 'message', key: `item:${itemId}`, itemId, role, text: '', final: false, ts: Date.now() });
    messageByItem.set(itemId, entry);
  }
  return entry;
}

function textOfContent(content = []) {
  return content.map((c) => c.text ?? c.transcript ?? '').join('');
}

function onUserItem(item) {
  const typed = (item.content || []).find((c) => c.type === 'input_text');
  if (typed) {
    // Our own typed message echoed back: bind the local entry to the server's item id.
    const local = entries.findLast((e) => e.kind === 'message' && e.role === 'user' && !e.itemId && e.text === typed.text);
    if (local) { local.itemId = item.id; messageByItem.set(item.id, local); return; }
    if (messageByItem.has(item.id)) return;
    const entry = messageFor(item.id, 'user');
    entry.text = typed.text;
    entry.final = true;
    renderMessage(entry);
    return;
  }
  const audio = (item.content || []).find((c) => c.type === 'input_audio');
  if (audio) {
    const entry = messageFor(item.id, 'user');
    entry.voice = true;
    if (audio.transcript) entry.text = audio.transcript;
    entry.final = true;
    renderMessage(entry);
  }
}

function onAssistantItem(item, done) {
  const entry = messageFor(item.id, 'assistant');
  const text = textOfContent(item.content);
  if (text && (done || text.length > entry.text.length)) entry.text = text;
  if (done) entry.final = true;
  renderMessage(entry);
}

function onItem(item, done) {
  if (!item || item.type !== 'message') return; // function calls and their outputs are shown in the agents panel
  if (item.role === 'user') onUserItem(item);
  else if (item.role === 'assistant') onAssistantItem(item, done);
}

function appendDelta(itemId, delta, responseId) {
  if (!itemId || !delta) return;
  const entry = messageFor(itemId, 'assistant');
  if (responseId) entry.responseId = responseId;
  entry.text += delta;
  renderMessage(entry);
}

function finishText(itemId, text) {
  const entry = messageFor(itemId, 'assistant');
  if (typeof text === 'string' && text.length >= entry.text.length) entry.text = text;
  entry.final = true;
  renderMessage(entry);
}

function bargeIn() {
  const cut = player.interrupt();
  if (!cut) return;
  session.truncated.add(cut.itemId);
  send({ type: 'conversation.item.truncate', item_id: cut.itemId, content_index: 0, audio_end_ms: cut.playedMs });
  const entry = messageByItem.get(cut.itemId);
  if (entry) { entry.interrupted = true; renderMessage(entry); }
}

function taskEntry(taskId) {
  let task = byKey.get(`task:${taskId}`);
  if (!task) {
    task = addEntry({ kind: 'task', key: `task:${taskId}`, taskId, state: 'running', outcomes: [], ts: Date.now() });
  }
  return task;
}

function handleEvent(ev) {
  switch (ev.type) {
    case 'session.created':
      sessionReady();
      break;
    case 'session.updated':
      break;
    case 'error': {
      const err = ev.error || {};
      if (err.code === 'conversation_already_has_active_response') {
        session.responseCreateWanted = true; // retried after response.done
        break;
      }
      if (err.code === 'server_shutting_down') {
        reconnectSoon();
        break;
      }
      if (err.code === 'cannot_update_voice' || /\bvoice\b/i.test(err.message || '') || /voice/.test(err.param || '')) {
        session.assistantSpoke = true;
        showVoiceNote(err.message || 'the realtime API refused the new voice.');
        notice(`The voice could not be changed: ${err.message || err.code}. It changes from the next session.`, { kind: 'error' });
        break;
      }
      notice(`The assistant reported a problem: ${err.message || err.code || 'unknown error'}`, { kind: 'error' });
      break;
    }
    case 'response.created':
      session.responseActive = true;
      break;
    case 'response.done': {
      session.responseActive = false;
      const r = ev.response || {};
      // Whatever this response was still streaming is over now, including items a cancel cut short.
      const ids = new Set((r.output || []).filter((i) => i.type === 'message').map((i) => i.id));
      for (const entry of messageByItem.values()) {
        if (entry.role !== 'assistant' || entry.final) continue;
        if (!ids.has(entry.itemId) && entry.responseId !== r.id) continue;
        entry.final = true;
        if (r.status === 'cancelled' || r.status === 'incomplete') entry.interrupted = true;
        renderMessage(entry);
      }
      if (r.status === 'failed') {
        const detail = r.status_details?.error?.message || r.status_details?.error?.code || r.status_details?.reason;
        notice(`The assistant could not finish its answer${detail ? `: ${detail}` : '.'}`, { kind: 'error' });
      }
      if (r.status === 'completed') memory.refreshSoon(); // a fact may have been learned
      if (session.responseCreateWanted) {
        session.responseCreateWanted = false;
        send({ type: 'response.create' });
      }
      break;
    }
    case 'conversation.item.added':
    case 'conversation.item.created':
      onItem(ev.item, false);
      break;
    case 'conversation.item.done':
      onItem(ev.item, ev.item?.role === 'assistant' ? ev.item.status !== 'in_progress' : true);
      break;
    case 'response.output_item.added':
      if (ev.item?.type === 'message' && ev.item.role === 'assistant') {
        onAssistantItem(ev.item, false);
        messageByItem.get(ev.item.id).responseId = ev.response_id;
      }
      break;
    case 'response.output_item.done':
      if (ev.item?.type === 'message' && ev.item.role === 'assistant') onAssistantItem(ev.item, true);
      break;
    case 'response.output_audio_transcript.delta':
    case 'response.output_text.delta':
    case 'response.audio_transcript.delta':
    case 'response.text.delta':
      appendDelta(ev.item_id, ev.delta, ev.response_id);
      break;
    case 'response.output_audio_transcript.done':
    case 'response.audio_transcript.done':
      finishText(ev.item_id, ev.transcript);
      break;
    case 'response.output_text.done':
    case 'response.text.done':
      finishText(ev.item_id, ev.text);
      break;
    case 'response.output_audio.delta':
    case 'response.audio.delta':
      session.assistantSpoke = true;
      if (!session.truncated.has(ev.item_id)) player.enqueue(ev.item_id, ev.delta);
      break;
    case 'input_audio_buffer.speech_started': {
      bargeIn();
      if (ev.item_id) {
        const entry = messageFor(ev.item_id, 'user');
        entry.voice = true;
        renderMessage(entry);
      }
      break;
    }
    case 'conversation.item.input_audio_transcription.delta': {
      const entry = messageFor(ev.item_id, 'user');
      entry.voice = true;
      entry.text += ev.delta || '';
      renderMessage(entry);
      break;
    }
    case 'conversation.item.input_audio_transcription.completed': {
      const entry = messageFor(ev.item_id, 'user');
      entry.voice = true;
      entry.text = (ev.transcript || entry.text || '').trim();
      entry.untranscribed = entry.text ? null : 'nothing was recognised';
      entry.final = true;
      renderMessage(entry);
      break;
    }
    case 'conversation.item.input_audio_transcription.failed': {
      const entry = messageFor(ev.item_id, 'user');
      entry.voice = true;
      entry.text = '';
      entry.untranscribed = `Transcription failed${ev.error?.message ? `: ${ev.error.message}` : ''}`;
      entry.final = true;
      renderMessage(entry);
      break;
    }
    case 'agent_mesh.conversation':
      onConversation(ev);
      break;
    case 'agent_mesh.session.renewed':
      onRenewed(ev);
      break;
    case 'conversation.item.truncated': {
      const entry = messageByItem.get(ev.item_id);
      if (entry) { entry.interrupted = true; entry.final = true; renderMessage(entry); }
      break;
    }
    case 'agent_mesh.task.started': {
      const task = taskEntry(ev.task_id);
      task.request = ev.request;
      task.callId = ev.call_id;
      renderTask(task);
      break;
    }
    case 'agent_mesh.task.planned': {
      const task = taskEntry(ev.task_id);
      task.stages = ev.stages;
      task.planner = ev.planner;
      renderTask(task);
      break;
    }
    case 'agent_mesh.task.completed': {
      const task = taskEntry(ev.task_id);
      task.state = 'completed';
      task.durationMs = ev.duration_ms;
      task.partial = Boolean(ev.partial);
      task.outcomes = ev.outcomes || [];
      task.error = ev.error || null; // set when no result arrived at all (deadline, Kafka unreachable)
      task.endedAt = Date.now();
      renderTask(task);
      break;
    }
    case 'agent_mesh.task.cancelled': {
      const task = taskEntry(ev.task_id);
      task.state = 'cancelled';
      task.reason = ev.reason;
      task.endedAt = Date.now();
      renderTask(task);
      break;
    }
    default:
      break; // other GA events (rate limits, content parts, function-call arguments…) need no UI
  }
}

// ---------------------------------------------------------------- user actions

function sendText(text) {
  player.unlock();
  if (player.playingItemId) {
    // Typing over the assistant: stop its voice, and its response if it is still talking.
    const wasActive = session.responseActive;
    bargeIn();
    if (wasActive) send({ type: 'response.cancel' });
  }
  const entry = addEntry({ kind: 'message', key: `local:${Date.now()}:${++localSeq}`, role: 'user', text, final: true, ts: Date.now() });
  renderMessage(entry);
  send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
  requestResponse();
}

function stopMic() {
  if (!mic.active) return;
  mic.stop();
  ui.mic.setAttribute('aria-pressed', 'false');
  ui.micLabel.textContent = 'Microphone off';
  ui.mic.title = 'Start talking';
  ui.micHint.textContent = '';
}

async function toggleMic() {
  if (mic.active) { stopMic(); return; }
  player.unlock();
  ui.mic.disabled = true;
  try {
    await mic.start((bytes) => send({ type: 'input_audio_buffer.append', audio: base64FromBytes(bytes) }));
    ui.mic.setAttribute('aria-pressed', 'true');
    ui.micLabel.textContent = 'Microphone on';
    ui.mic.title = 'Stop talking';
    ui.micHint.textContent = 'Listening. Just speak; pause when you are done.';
  } catch (e) {
    const denied = e && (e.name === 'NotAllowedError' || e.name === 'SecurityError');
    notice(denied ? 'Microphone access was not allowed. You can still type.' : `The microphone could not start: ${e.message || e}`, { kind: 'error' });
  } finally {
    ui.mic.disabled = ui.status.dataset.state !== 'connected';
  }
}

ui.composer.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = ui.message.value.trim();
  if (!text || ui.status.dataset.state !== 'connected') return;
  ui.message.value = '';
  sendText(text);
});
ui.mic.addEventListener('click', toggleMic);
ui.reconnect.addEventListener('click', () => { ui.notices.replaceChildren(); reconnectAttempts = 0; connect(); });
ui.newConversation.addEventListener('click', () => newConversation());
ui.settings.addEventListener('change', onSettingsChange);
ui.settings.addEventListener('submit', (e) => e.preventDefault());
ui.voiceSwitch.addEventListener('click', () => {
  hideVoiceNote();
  if (memory.state === 'available') reconnect();
  else newConversation();
});
ui.speaker.addEventListener('change', () => {
  player.muted = !ui.speaker.checked;
  if (player.muted) player.stop(); // a local preference: the transcript still shows everything
});

const memory = new MemoryPanel($('memory'), {
  notice,
  onForgotten: (message) => newConversation(message),
});

try { localStorage.removeItem('agentmesh.history.v1'); } catch { /* the old browser-only history is gone */ }
fillOptions(ui.settings);
updateEmptyHints();
connect();
