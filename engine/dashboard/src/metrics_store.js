// The rate history behind the live charts. While a metrics view is shown it polls
// GET /api/v5/metrics every POLL_MS and keeps, per rule, action and source, the counters' rates
// over the last HISTORY_S seconds, computed from the differences of successive samples (the API's
// own rates are sampled every 10 s, too slowly for a live chart). A counter that goes down (a
// reset) restarts from zero instead of drawing a negative rate. Module state, so leaving and
// returning to the page keeps the history.
import * as api from './api.js';

export const POLL_MS = 2000;
export const HISTORY_S = 600;

const history = { times: [], series: new Map() };  // key "rule:forward:matched" -> values
let last = null;  // {t, metrics}
let latest = null;
let subscribers = new Set();
let timer = null;

const TRACKED = {
  rules: ['matched', 'passed', 'failed', 'actions.success', 'actions.failed'],
  actions: ['matched', 'success', 'failed', 'dropped', 'dropped.expired', 'dropped.queue_full'],
  sources: ['received'],
};

function record(t, metrics) {
  if (last) {
    const dt = (t - last.t) / 1000;
    if (dt <= 0) return;
    history.times.push(t / 1000);
    const seen = new Set();
    for (const [kind, fields] of Object.entries(TRACKED)) {
      for (const [name, m] of Object.entries(metrics[kind] || {})) {
        const prev = (last.metrics[kind] || {})[name] || {};
        for (const f of fields) {
          const key = `${kind}:${name}:${f}`;
          seen.add(key);
          if (!history.series.has(key)) history.series.set(key, new Array(history.times.length - 1).fill(null));
          const d = (m[f] ?? 0) - (prev[f] ?? 0);
          history.series.get(key).push(d < 0 ? (m[f] ?? 0) / dt : d / dt);
        }
      }
    }
    for (const [key, values] of history.series) if (!seen.has(key)) values.push(null);
    const cutoff = t / 1000 - HISTORY_S;
    let drop = 0;
    while (drop < history.times.length && history.times[drop] < cutoff) drop++;
    if (drop > 0) {
      history.times.splice(0, drop);
      for (const values of history.series.values()) values.splice(0, drop);
    }
  }
  last = { t, metrics };
  latest = metrics;
}

let polling = false;

// One request at a time, timed when it is sent: overlapping answers arriving out of order would
// look like counter resets and draw false spikes.
async function poll() {
  if (polling) return;
  polling = true;
  const t = Date.now();
  try {
    const m = await api.get('/api/v5/metrics');
    record(t, m);
    for (const s of subscribers) s(null);
  } catch (e) {
    for (const s of subscribers) s(e);
  } finally {
    polling = false;
  }
}

// Starts polling while at least one subscriber exists; `f(error)` is called after every poll.
export function subscribe(f) {
  subscribers.add(f);
  if (!timer) {
    poll();
    timer = setInterval(poll, POLL_MS);
  }
  return () => {
    subscribers.delete(f);
    if (subscribers.size === 0 && timer) { clearInterval(timer); timer = null; }
  };
}

export function latestMetrics() {
  return latest;
}

// uPlot data for the given series keys: [times, values of key 1, ...].
export function seriesData(keys) {
  return [history.times.slice(), ...keys.map((k) => (history.series.get(k) || new Array(history.times.length).fill(null)).slice())];
}

// After a reset the next sample would show the counters' fall; start the differences afresh.
export function forgetLast() {
  last = null;
}
