// The ops page: a task's or conversation's timeline, the recent tasks, and the agents with their lag. Everything is shown with
// textContent: the records carry users' words, which are never markup.

const $ = (selector) => document.querySelector(selector);

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function ms(value) {
  return value === null || value === undefined ? '-' : `${value} ms`;
}

function utc(instant) {
  return instant ? instant.replace('T', ' ').replace('Z', '').substring(0, 23) : '';
}

function stages(list) {
  if (!list || list.length === 0) return 'no agents';
  return list.map((agents, i) => `stage ${i + 1}: ${agents.length ? agents.join(', ') : '(none)'}`).join(' · ');
}

function renderTask(task) {
  const box = document.createElement('div');
  box.className = 'task';
  box.dataset.taskId = task.taskId;
  const title = document.createElement('h3');
  const outcome = document.createElement('span');
  outcome.className = `status-${task.outcome}`;
  outcome.textContent = task.outcome + (task.durationMs === null ? '' : ` in ${task.durationMs} ms`);
  title.append(`Task ${task.taskId}: `, outcome);
  if (task.cancelReason) title.append(` (cancelled: ${task.cancelReason})`);
  box.appendChild(title);
  if (task.request) {
    const p = document.createElement('p');
    p.textContent = `Request: ${task.request}`;
    box.appendChild(p);
  }
  if (task.planner) {
    const p = document.createElement('p');
    p.textContent = `Plan (${task.planner}): ${stages(task.stages)}`;
    box.appendChild(p);
  }
  if (task.agents.length) {
    const table = document.createElement('table');
    table.className = 'agents-of-task';
    table.innerHTML = '<thead><tr><th>agent</th><th>stage</th><th>status</th><th>took</th><th>answer or reason</th></tr></thead>';
    const body = document.createElement('tbody');
    for (const agent of task.agents) {
      const row = document.createElement('tr');
      row.dataset.agent = agent.agent;
      cell(row, agent.agent);
      cell(row, String(agent.stage), 'num');
      cell(row, agent.status, `status-${agent.status}`);
      cell(row, ms(agent.durationMs), 'num');
      cell(row, agent.text);
      body.appendChild(row);
    }
    table.appendChild(body);
    box.appendChild(table);
  }
  return box;
}

async function showTimeline(id, since) {
  const status = $('#timeline-status');
  const tasks = $('#timeline-tasks');
  const entries = $('#timeline-entries');
  status.className = '';
  status.textContent = 'Reading…';
  tasks.replaceChildren();
  entries.hidden = true;
  const query = since ? `?since=${encodeURIComponent(since)}` : '';
  let response;
  try {
    response = await fetch(`/api/timeline/${encodeURIComponent(id)}${query}`);
  } catch (e) {
    status.className = 'error';
    status.textContent = `The tool did not answer: ${e.message}`;
    return;
  }
  const body = await response.json();
  if (!response.ok) {
    status.className = 'error';
    status.textContent = body.error ?? `HTTP ${response.status}`;
    return;
  }
  const kind = body.kind === 'task' ? `Task ${body.id} in conversation ${body.conversationId}`
    : `Conversation ${body.conversationId}`;
  status.textContent = `${kind}: ${body.tasks.length} delegated task${body.tasks.length === 1 ? '' : 's'}, `
    + `${body.entries.length} entries` + (body.undecodable ? `; ${body.undecodable} unreadable record(s) left out` : '');
  for (const task of body.tasks) tasks.appendChild(renderTask(task));
  const rows = entries.querySelector('tbody');
  rows.replaceChildren();
  for (const entry of body.entries) {
    const row = document.createElement('tr');
    row.dataset.what = entry.what;
    cell(row, `+${entry.sinceStartMs}`, 'num');
    cell(row, utc(entry.at), 'num');
    cell(row, entry.what);
    cell(row, entry.agent);
    cell(row, entry.durationMs === null ? '' : ms(entry.durationMs), 'num');
    cell(row, entry.detail);
    cell(row, `${entry.topic}-${entry.partition}@${entry.offset}`, 'record');
    rows.appendChild(row);
  }
  entries.hidden = body.entries.length === 0;
}

function ago(instant) {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(instant)) / 1000));
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

function lagText(groups) {
  if (!groups.length) return 'no group has committed on its request topic';
  return groups.map((g) => `${g.groupId}: ${g.lag} (${g.state}, ${g.members} member${g.members === 1 ? '' : 's'}`
    + (g.uncommitted ? `, ${g.uncommitted} of ${g.partitions} partitions not committed` : '') + ')').join('; ');
}

async function refreshAgents() {
  const status = $('#agents-status');
  const table = $('#agents');
  try {
    const response = await fetch('/api/agents');
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
    const rows = table.querySelector('tbody');
    rows.replaceChildren();
    for (const agent of body) {
      const row = document.createElement('tr');
      row.dataset.agent = agent.agent;
      cell(row, agent.agent);
      cell(row, agent.live ? 'yes' : 'no', agent.live ? 'live-yes' : 'live-no');
      cell(row, agent.version);
      const live = agent.instances.filter((i) => i.live);
      cell(row, `${live.length} live of ${agent.instances.length}: ` + agent.instances
        .map((i) => `${i.instanceId} (${i.live ? 'live' : 'gone'}, ${i.version})`).join(', '));
      cell(row, ago(agent.lastHeartbeat), 'num');
      cell(row, lagText(agent.groups), 'lag');
      rows.appendChild(row);
    }
    table.hidden = body.length === 0;
    status.className = '';
    status.textContent = body.length ? '' : 'No agent has announced itself in agent-registry.';
    $('#agents-updated').textContent = `updated ${new Date().toISOString().substring(11, 19)} UTC`;
  } catch (e) {
    status.className = 'error';
    status.textContent = `Cannot read the agents: ${e.message}`;
  }
}

async function refreshTasks() {
  const status = $('#tasks-status');
  const table = $('#tasks');
  try {
    const response = await fetch('/api/tasks?since=1h');
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
    const rows = table.querySelector('tbody');
    rows.replaceChildren();
    for (const task of body) {
      const row = document.createElement('tr');
      row.dataset.taskId = task.taskId;
      cell(row, utc(task.requestedAt), 'num');
      const id = cell(row, '');
      const show = document.createElement('button');
      show.type = 'button';
      show.className = 'link';
      show.textContent = task.taskId;
      show.addEventListener('click', () => {
        $('#timeline-id').value = task.taskId;
        ask();
      });
      id.appendChild(show);
      cell(row, task.outcome, `status-${task.outcome}`);
      cell(row, task.durationMs === null ? '-' : ms(task.durationMs), 'num');
      cell(row, task.agents.join(', '));
      cell(row, task.request);
      rows.appendChild(row);
    }
    table.hidden = body.length === 0;
    status.className = '';
    status.textContent = body.length ? '' : 'No task was requested in the last hour.';
  } catch (e) {
    status.className = 'error';
    status.textContent = `Cannot read the tasks: ${e.message}`;
  }
}

function ask() {
  const id = $('#timeline-id').value.trim();
  if (!id) return;
  const since = $('#timeline-since').value;
  history.replaceState(null, '', `?id=${encodeURIComponent(id)}${since ? `&since=${since}` : ''}`);
  showTimeline(id, since);
}

$('#timeline-form').addEventListener('submit', (event) => {
  event.preventDefault();
  ask();
});

const params = new URLSearchParams(location.search);
if (params.get('id')) {
  $('#timeline-id').value = params.get('id');
  if (params.get('since')) $('#timeline-since').value = params.get('since');
  showTimeline(params.get('id'), params.get('since'));
}
refreshAgents();
refreshTasks();
setInterval(refreshAgents, 5000);
setInterval(refreshTasks, 10000);
