// Veil dashboard: polls the REST API once a second. Every value is put in the page with
// textContent, never as HTML.
'use strict';

const POLL_MILLIS = 1000;
const samples = new Map(); // runId/table -> {rows, at} for rows/s

function token() {
  return localStorage.getItem('veil.apiToken') || '';
}

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (token()) headers['Authorization'] = 'Bearer ' + token();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(json.message || ('HTTP ' + response.status));
  return json;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

function when(millis) {
  return millis ? new Date(millis).toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC') : '—';
}

function duration(seconds) {
  if (!isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return Math.round(seconds) + ' s';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min ' + Math.round(seconds % 60) + ' s';
  return Math.floor(seconds / 3600) + ' h ' + Math.round((seconds % 3600) / 60) + ' min';
}

function setStatus(text, error) {
  const s = document.getElementById('status');
  s.textContent = text;
  s.className = error ? 'error' : '';
}

const confirming = new Map(); // pipeline -> time the first click on "Cancel run" came
const CONFIRM_MILLIS = 5000;

async function act(pipeline, action) {
  if (action === 'cancel-run') {
    // two clicks: the first asks for confirmation, right on the button
    const asked = confirming.get(pipeline);
    if (!asked || Date.now() - asked > CONFIRM_MILLIS) {
      confirming.set(pipeline, Date.now());
      setStatus('click "Confirm cancel" to cancel the run of ' + pipeline);
      redrawButtons();
      setTimeout(redrawButtons, CONFIRM_MILLIS + 50);
      return;
    }
    confirming.delete(pipeline);
    setStatus('cancelling the run of ' + pipeline + '…');
    cancelling.add(pipeline);
    redrawButtons();
  }
  try {
    const answer = await api('POST', 'api/dashboard/pipelines/' + encodeURIComponent(pipeline) + '/' + action, {});
    setStatus(action === 'run-now' && answer.runId ? 'started ' + answer.runId
      : action === 'cancel-run' ? 'cancel requested for ' + pipeline + ': the run stops and keeps the old twin'
      : action + ' sent to ' + pipeline);
    refresh();
  } catch (e) {
    cancelling.delete(pipeline);
    setStatus(action + ': ' + e.message, true);
  }
}

const cancelling = new Set(); // pipelines whose cancel was sent and whose run has not ended yet
let lastList = [];

function redrawButtons() {
  for (const p of lastList) {
    const row = document.querySelector('tr[data-pipeline="' + CSS.escape(p.id) + '"]');
    if (row) row.replaceWith(pipelineRow(p));
  }
}

function lastRun(status) {
  const runs = (status && status.lastRuns || []).filter(r => r.outcome !== 'SKIPPED');
  return runs.length ? runs[runs.length - 1] : null;
}

function pipelineRow(p) {
  const s = p.status;
  const last = lastRun(s);
  const state = p.problem ? 'INVALID' : (s ? s.state : 'NOT STARTED');
  if (!(s && s.currentRunId)) cancelling.delete(p.id);
  const asking = confirming.has(p.id) && Date.now() - confirming.get(p.id) <= CONFIRM_MILLIS;
  const cancelButton = cancelling.has(p.id)
    ? el('button', { 'data-action': 'cancel-run', disabled: 'disabled' }, 'Cancelling…')
    : el('button', { 'data-action': 'cancel-run', class: asking ? 'confirm' : '',
        onclick: () => act(p.id, 'cancel-run') }, asking ? 'Confirm cancel' : 'Cancel run');
  const buttons = el('td', { class: 'actions' },
    el('button', { 'data-action': 'run-now', onclick: () => act(p.id, 'run-now') }, 'Run now'),
    cancelButton,
    s && s.paused
      ? el('button', { 'data-action': 'resume', onclick: () => act(p.id, 'resume') }, 'Resume')
      : el('button', { 'data-action': 'pause', onclick: () => act(p.id, 'pause') }, 'Pause'));
  return el('tr', { 'data-pipeline': p.id },
    el('td', {}, p.id),
    el('td', { class: state, 'data-field': 'state', title: p.problem || '' }, state),
    el('td', {}, s ? s.version || '—' : '—'),
    el('td', {}, s ? s.schedule || 'manual' : '—'),
    el('td', { 'data-field': 'next' }, s ? when(s.nextFireAtMillis) : '—'),
    el('td', { class: last ? last.outcome : '' }, last ? last.outcome + ' · ' + when(last.startedAtMillis) : '—'),
    buttons);
}

function bar(runId, t, finished, runFailed) {
  const key = runId + '/' + t.table;
  const now = Date.now();
  const before = samples.get(key);
  let rate = before && now > before.at ? (t.rowsDone - before.rows) * 1000 / (now - before.at) : NaN;
  if (!before || (rate === 0 && before.rate)) rate = before ? before.rate : NaN;
  samples.set(key, { rows: t.rowsDone, at: now, rate });
  const estimated = Math.max(t.rowsEstimated, t.rowsDone, 0);
  const done = t.state === 'COPIED' || (finished && t.state !== 'FAILED' && t.state !== 'CANCELLED');
  const max = estimated || 1;
  const value = done ? max : Math.min(t.rowsDone, max);
  const pct = Math.round((value / max) * 100);
  const eta = done ? 'done' : (rate > 0 ? 'ETA ' + duration((estimated - t.rowsDone) / rate) : 'ETA —');
  // a failed run's bars are red, except the tables it did copy
  const failed = t.state === 'FAILED' || (runFailed && t.state !== 'COPIED');
  return el('div', { class: 'bar' + (failed ? ' failed-bar' : ''), 'data-table': t.table },
    el('span', {}, t.table + ' ', el('span', { class: t.state }, t.state)),
    el('progress', { max: String(max), value: String(value), 'data-percent': String(pct),
      class: failed ? 'failed' : (t.state === 'CANCELLED' ? 'cancelled' : '') }),
    el('span', { class: 'numbers' },
      pct + '% · ' + t.rowsDone.toLocaleString('en') + ' / ' + estimated.toLocaleString('en') + ' rows · '
      + (isFinite(rate) && rate > 0 ? Math.round(rate).toLocaleString('en') + ' rows/s · ' : '') + eta));
}

async function runSection(p) {
  const s = p.status;
  if (!s) return null;
  const runId = s.currentRunId || (lastRun(s) && lastRun(s).runId);
  if (!runId) return null;
  let run;
  try {
    run = await api('GET', 'api/runs/' + encodeURIComponent(runId));
  } catch (e) {
    return el('div', { class: 'run' }, el('h3', {}, runId + ': ' + e.message));
  }
  const finished = run.outcome && run.outcome !== 'RUNNING';
  const section = el('div', { class: 'run run-' + run.outcome, 'data-run': runId, 'data-pipeline': p.id },
    el('h3', {}, (s.currentRunId ? 'Current run ' : 'Last run ') + runId + ' · ',
      el('span', { class: run.outcome, 'data-run-state': run.outcome }, run.outcome),
      ' · ' + duration((run.elapsedMillis || 0) / 1000)));
  for (const t of run.tables || []) {
    section.append(bar(runId, t, finished && run.outcome === 'SUCCEEDED', run.outcome === 'FAILED'));
  }
  if (run.error) section.append(el('p', { class: 'failed', 'data-field': 'error' }, run.error));
  const failure = (s.lastRuns || []).filter(r => r.outcome === 'FAILED').pop();
  if (failure) {
    if (failure.runId !== runId) {
      // an older failure: say which, once; the run shown above has its own error line
      section.append(el('h4', {}, 'Last failure: ' + failure.runId + ' · ' + when(failure.startedAtMillis)));
      section.append(el('p', { class: 'failed' }, failure.error || ''));
    }
    try {
      const logs = await api('GET', 'api/dashboard/runs/' + encodeURIComponent(failure.runId) + '/logs');
      if (logs.lines && logs.lines.length) section.append(el('pre', { class: 'log' }, logs.lines.join('\n')));
    } catch (e) { /* the log tail is a bonus */ }
  }
  return section;
}

/** Runs × tables, as Airflow's grid view: a column per run, a coloured cell per table. */
async function historyGrid(pipeline) {
  let h;
  try {
    h = await api('GET', 'api/dashboard/pipelines/' + encodeURIComponent(pipeline) + '/history');
  } catch (e) {
    return null;
  }
  if (!h.runs || !h.runs.length) return null;
  const head = el('tr', {}, el('th', {}, pipeline),
    ...h.runs.map(r => el('th', { class: 'run-head ' + r.outcome, 'data-run': r.runId,
      title: r.runId + ' · ' + r.trigger + ' · ' + when(r.startedAtMillis) + (r.error ? '\n' + r.error : '') },
      el('span', { class: 'swatch ' + r.outcome, 'data-outcome': r.outcome }),
      r.millis ? duration(r.millis / 1000) : '…')));
  const rows = h.tables.map(t => el('tr', { 'data-table': t.table }, el('th', {}, t.table),
    ...t.cells.map((c, i) => c
      ? el('td', { class: 'cell ' + c.state, 'data-state': c.state, 'data-run': h.runs[i].runId,
          title: h.runs[i].runId + ' · ' + t.table + ' · ' + c.state + ' · ' + c.rows.toLocaleString('en') + ' rows'
            + (c.error ? '\n' + c.error : '') },
          c.rows ? c.rows.toLocaleString('en') : '')
      : el('td', { class: 'cell none' }, ''))));
  return el('div', { class: 'grid-wrap' },
    el('table', { class: 'grid', 'data-pipeline': pipeline }, el('thead', {}, head), el('tbody', {}, ...rows)));
}

let refreshing = false;
async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    const list = await api('GET', 'api/dashboard/pipelines');
    lastList = list.pipelines;
    const body = document.querySelector('#pipelines tbody');
    body.replaceChildren(...list.pipelines.map(pipelineRow));
    const sections = [];
    for (const p of list.pipelines) {
      const section = await runSection(p);
      if (section) sections.push(section);
    }
    document.getElementById('runs').replaceChildren(el('h2', {}, 'Runs'), ...sections);
    const grids = [];
    for (const p of list.pipelines) {
      if (!p.status) continue;
      const grid = await historyGrid(p.id);
      if (grid) grids.push(grid);
    }
    document.getElementById('history').replaceChildren(el('h2', {}, 'History'), ...grids);
    if (document.getElementById('status').className !== 'error') setStatus('updated ' + new Date().toLocaleTimeString('en-GB'));
  } catch (e) {
    setStatus(e.message, true);
  } finally {
    refreshing = false;
  }
}

document.getElementById('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  localStorage.setItem('veil.apiToken', document.getElementById('token').value);
  document.getElementById('token').value = '';
  setStatus('token saved');
  refresh();
});

refresh();
setInterval(refresh, POLL_MILLIS);
