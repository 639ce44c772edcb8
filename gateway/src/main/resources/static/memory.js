// Who the page is for the gateway's memory, and the memory panel: the user's profile under /api/me,
// each fact shown with where it came from, editable and deletable, and "forget me".

const USER_ID_KEY = 'agentmesh.user-id';

/**
 * Open mode: an id this browser makes up once and keeps (a convenience that keeps one browser's
 * memory apart from another's, not a security boundary). Token mode: the token names the user.
 */
export function identity(authRequired) {
  const token = new URLSearchParams(location.search).get('token');
  if (authRequired) return { token, userId: null, storageKey: `token-${hash(token || '')}` };
  let userId = localStorage.getItem(USER_ID_KEY);
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(userId || '')) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    userId = `u-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
    try { localStorage.setItem(USER_ID_KEY, userId); } catch { /* an id for this page load only */ }
  }
  return { token: null, userId, storageKey: `browser-${userId}` };
}

/** FNV-1a: tells users of one browser apart in storage keys without storing their token. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}

/** /api/me with the same credentials as the socket; resolves to {status, body}, status 0 when unreachable. */
export async function api(who, method, path, body) {
  const headers = { Accept: 'application/json' };
  if (who.userId) headers['X-Agent-Mesh-User'] = who.userId;
  if (who.token) headers.Authorization = `Bearer ${who.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    const res = await fetch(`/api/me${path}`, { method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, body: parsed };
  } catch {
    return { status: 0, body: null };
  }
}

export const FIELDS = [
  { key: 'name', label: 'Name' },
  { key: 'homeCity', label: 'Home city' },
  { key: 'units', label: 'Units', options: ['metric', 'imperial'] },
  { key: 'interests', label: 'Interests', hint: 'comma separated' },
  { key: 'language', label: 'Language', hint: 'e.g. fr' },
];

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(text, label, onClick) {
  const b = el('button', 'btn btn-quiet btn-small', text);
  b.type = 'button';
  if (label) b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

const shown = (value) => (Array.isArray(value) ? value.join(', ') : String(value));

/**
 * The memory panel. `who` names the user; `onForgotten` runs after "forget me" succeeded;
 * `notice(text, options)` tells the user what happened.
 */
export class MemoryPanel {
  #who = null;
  #profile = null;
  #editing = null;
  #refreshTimers = [];

  constructor(root, { onForgotten, notice }) {
    this.root = root;
    this.list = root.querySelector('#facts');
    this.status = root.querySelector('#memory-status');
    this.forgetButton = root.querySelector('#forget-me');
    this.onForgotten = onForgotten;
    this.notice = notice;
    this.forgetButton.addEventListener('click', () => this.forgetMe());
  }

  /** "available", "unavailable" (no memory store) or "loading". */
  get state() { return this.root.dataset.state; }

  async load(who) {
    this.#who = who;
    await this.refresh();
  }

  /** After a completed turn a fact may have been learned; the store learns it a moment later. */
  refreshSoon() {
    for (const t of this.#refreshTimers) clearTimeout(t);
    this.#refreshTimers = [700, 3000, 8000].map((ms) => setTimeout(() => this.refresh(), ms));
  }

  async refresh() {
    if (!this.#who || this.#editing) return;
    const { status, body } = await api(this.#who, 'GET', '/profile');
    if (status === 200 && body) this.#show(body);
    else this.#unavailable(status);
  }

  #unavailable(status) {
    this.root.dataset.state = 'unavailable';
    this.#profile = null;
    this.list.replaceChildren();
    this.forgetButton.disabled = true;
    this.status.textContent = status === 503 || status === 0
      ? 'Memory is unavailable right now (the memory store is not running or not configured), so nothing is remembered between sessions.'
      : `Memory could not be read (HTTP ${status}).`;
  }

  #show(profile) {
    this.root.dataset.state = 'available';
    this.#profile = profile;
    this.forgetButton.disabled = false;
    const known = FIELDS.filter((f) => profile[f.key]);
    this.status.textContent = known.length
      ? 'What the assistant knows about you. Facts it learned from the conversation show the sentence.'
      : 'Nothing yet. Tell the assistant, for example, "I live in Lyon", or set a fact here.';
    this.list.replaceChildren(...FIELDS.map((f) => this.#fact(f, profile[f.key])));
  }

  #fact(field, fact) {
    const li = el('li', 'fact');
    li.dataset.field = field.key;
    li.dataset.source = fact ? fact.source : 'none';
    li.append(el('span', 'fact-label', field.label));
    if (this.#editing === field.key) {
      li.append(this.#editor(field, fact));
      return li;
    }
    const value = el('span', fact ? 'fact-value' : 'fact-value muted', fact ? shown(fact.value) : 'not known');
    if (fact) value.append(' ', el('span', `badge badge-${fact.source}`, fact.source === 'learned' ? 'learned' : 'set by you'));
    const actions = el('span', 'fact-actions');
    actions.append(button(fact ? 'Edit' : 'Set', `${fact ? 'Edit' : 'Set'} ${field.label.toLowerCase()}`, () => this.#edit(field.key)));
    if (fact) actions.append(button('Forget', `Forget ${field.label.toLowerCase()}`, () => this.forgetFact(field)));
    li.append(value, actions);
    if (fact && fact.source === 'learned' && fact.learnedFrom) {
      const from = el('p', 'fact-from', 'Learned from ');
      from.append(el('q', '', fact.learnedFrom));
      li.append(from);
    }
    return li;
  }

  #editor(field, fact) {
    const form = el('form', 'fact-editor');
    const id = `fact-input-${field.key}`;
    const label = el('label', 'visually-hidden', field.label);
    label.htmlFor = id;
    let input;
    if (field.options) {
      input = el('select');
      for (const o of field.options) input.append(Object.assign(el('option', '', o), { value: o }));
    } else {
      input = el('input');
      input.type = 'text';
      if (field.hint) input.placeholder = field.hint;
    }
    input.id = id;
    if (fact) input.value = shown(fact.value);
    const save = el('button', 'btn btn-primary btn-small', 'Save');
    save.type = 'submit';
    form.append(label, input, save, button('Cancel', null, () => { this.#editing = null; this.#redraw(); }));
    form.addEventListener('submit', (e) => { e.preventDefault(); this.setFact(field, input.value); });
    form.addEventListener('keydown', (e) => { if (e.key === 'Escape') { this.#editing = null; this.#redraw(); } });
    queueMicrotask(() => input.focus());
    return form;
  }

  #edit(key) {
    this.#editing = key;
    this.#redraw();
  }

  #redraw() {
    if (this.#profile) this.#show(this.#profile);
    else this.refresh();
  }

  async setFact(field, raw) {
    const text = raw.trim();
    if (!text) { this.notice(`Nothing to save for ${field.label.toLowerCase()}; use Forget to remove it.`); return; }
    const value = field.key === 'interests' ? text.split(',').map((s) => s.trim()).filter(Boolean) : text;
    const { status, body } = await api(this.#who, 'PUT', '/profile', { [field.key]: value });
    this.#editing = null;
    this.#afterWrite(status, body, `Could not save ${field.label.toLowerCase()}`);
  }

  async forgetFact(field) {
    const { status, body } = await api(this.#who, 'DELETE', `/profile/${field.key}`);
    this.#afterWrite(status, body, `Could not forget ${field.label.toLowerCase()}`);
    if (status === 200 || status === 202) this.notice(`Forgotten: ${field.label.toLowerCase()}.`);
  }

  #afterWrite(status, body, failure) {
    if (status === 200 && body && 'userId' in body) this.#show(body);
    else if (status === 202 || status === 200) { this.#redraw(); this.refreshSoon(); } // applied, readable shortly
    else {
      this.#redraw();
      this.notice(`${failure}: ${body?.detail || body?.error || `HTTP ${status || 'unreachable'}`}.`, { kind: 'error' });
    }
  }

  async forgetMe() {
    if (!confirm('Forget me: delete your profile and every stored conversation? This cannot be undone.')) return;
    this.forgetButton.disabled = true;
    const { status, body } = await api(this.#who, 'DELETE', '');
    if (status === 204 || status === 202 || status === 200) {
      this.#profile = Object.fromEntries(FIELDS.map((f) => [f.key, null]));
      this.#show(this.#profile);
      this.onForgotten(status === 202 ? 'Forgotten: your profile and conversations are being deleted (it may take a moment). A new conversation has started.'
        : 'Forgotten: your profile and conversations were deleted. A new conversation has started.');
    } else {
      this.forgetButton.disabled = false;
      this.notice(`Could not forget you: ${body?.detail || body?.error || `HTTP ${status || 'unreachable'}`}.`, { kind: 'error', sticky: true });
    }
  }
}
