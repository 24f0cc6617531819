// Metrics: EMQX's counters of every rule, action and source with their rates, live charts of the
// rates over the last minutes, reset buttons, and each action's buffer (queuing, in flight,
// dropped by reason) drawn so that expired messages stand out. The detail view of one object
// shows its counters per node.
import { useEffect, useState } from 'preact/hooks';
import * as api from './api.js';
import { ErrorNote, Notice, Section, useConfirm, usePoll, fmt } from './ui.jsx';
import { RateChart, PALETTE } from './chart.jsx';
import { subscribe, latestMetrics, seriesData, forgetLast } from './metrics_store.js';

const PLURAL = { rule: 'rules', action: 'actions', source: 'sources' };

function useMetrics() {
  const [, setTick] = useState(0);
  const [error, setError] = useState(null);
  useEffect(() => subscribe((e) => { setError(e); setTick((t) => t + 1); }), []);
  return [latestMetrics(), error];
}

function resetPath(kind, name) {
  return kind === 'rule' ? api.rulePath(name) + '/metrics/reset' : api.objectPath(PLURAL[kind], name.replace(/^mqtt:/, '')) + '/metrics/reset';
}

function useReset(setNotice, setError) {
  const [dialog, confirm] = useConfirm();
  const reset = async (kind, name) => {
    if (!(await confirm(`Reset the counters of ${kind} ${name}?`, 'Reset'))) return;
    try {
      await api.put(resetPath(kind, name));
      forgetLast();
      setNotice(`Counters of ${kind} ${name} reset.`);
    } catch (e) { setError(e); }
  };
  return [dialog, reset];
}

// Queuing, in flight and every drop reason of one action, as a bar and as numbers.
export function BufferView({ name, m }) {
  const parts = [
    ['queuing', 'Queuing', m.queuing, 'buf-queuing'],
    ['inflight', 'In flight', m.inflight, 'buf-inflight'],
    ['dropped.expired', 'Dropped: expired (request TTL)', m['dropped.expired'], 'buf-expired'],
    ['dropped.queue_full', 'Dropped: queue full', m['dropped.queue_full'], 'buf-full'],
    ['dropped.resource_stopped', 'Dropped: connector stopped', m['dropped.resource_stopped'], 'buf-stopped'],
    ['dropped.resource_not_found', 'Dropped: action not found', m['dropped.resource_not_found'], 'buf-notfound'],
    ['dropped.other', 'Dropped: other', m['dropped.other'], 'buf-other'],
  ];
  const total = parts.reduce((a, p) => a + (p[2] || 0), 0);
  return (
    <div class="buffer" data-action={name}>
      <div class="buffer-bar" role="img" aria-label={`buffer of ${name}: ` + parts.map((p) => `${p[1]} ${p[2] || 0}`).join(', ')}>
        {total === 0 ? <span class="buf-empty">empty, nothing dropped</span> :
          parts.filter((p) => p[2] > 0).map((p) => <span class={p[3]} style={{ flexGrow: p[2] }} title={`${p[1]}: ${p[2]}`} />)}
      </div>
      <dl class="buffer-legend">
        {parts.map((p) => (
          <div class={p[3] + (p[0] === 'dropped.expired' && p[2] > 0 ? ' alert' : '')} data-key={p[0]}>
            <dt>{p[1]}</dt><dd>{fmt(p[2] || 0)}</dd>
          </div>
        ))}
        <div><dt>Queued bytes</dt><dd>{fmt(m.queuing_bytes || 0)}</dd></div>
      </dl>
      {m['dropped.expired'] > 0 && <p class="note note-error">{fmt(m['dropped.expired'])} messages were dropped due to expiration: they waited longer than the action's request TTL, usually because the remote was unreachable or too slow. See the connector's status.</p>}
    </div>
  );
}

export function MetricsPage() {
  const [metrics, pollError] = useMetrics();
  const [notice, setNotice] = useState('');
  const [error, setError] = useState(null);
  const [dialog, reset] = useReset(setNotice, setError);
  const writable = api.canWrite();
  if (!metrics) return <Section title="Metrics"><ErrorNote error={pollError} /><p>Loading…</p></Section>;
  const rules = Object.entries(metrics.rules || {});
  const actions = Object.entries(metrics.actions || {});
  const sources = Object.entries(metrics.sources || {});
  const connectors = Object.entries(metrics.connectors || {});
  const chart = (title, kind, names, field) => names.length > 0 && (
    <RateChart title={title} series={names.map((n, i) => ({ label: n, color: PALETTE[i % PALETTE.length] }))}
               data={seriesData(names.map((n) => `${kind}:${n}:${field}`))} />
  );
  const resetButton = (kind, name) => writable && <button type="button" aria-label={`Reset the counters of ${kind} ${name}`} onClick={() => reset(kind, name)}>Reset</button>;
  return (
    <>
      {dialog}
      <ErrorNote error={error || pollError} onClose={error ? () => setError(null) : null} />
      <Notice text={notice} />
      <Section title="Rules">
        {rules.length === 0 ? <p class="empty">No rule.</p> : <>
          {chart('Rules: matched per second', 'rules', rules.map((r) => r[0]), 'matched')}
          <div class="table-wrap"><table class="metrics">
            <thead><tr><th>Rule</th><th class="num">Matched</th><th class="num">Passed</th><th class="num">Failed</th><th class="num">No result</th><th class="num">Actions ok</th><th class="num">Actions failed</th><th class="num">Discarded</th><th class="num">Rate</th><th class="num">Max</th><th class="num">Last 5 min</th><th><span class="sr-only">Operations</span></th></tr></thead>
            <tbody>{rules.map(([n, m]) => (
              <tr data-name={n}>
                <td><a href={'#/metrics/rule/' + encodeURIComponent(n)}>{n}</a></td>
                <td class="num matched">{fmt(m.matched)}</td><td class="num">{fmt(m.passed)}</td><td class="num">{fmt(m.failed)}</td><td class="num">{fmt(m['failed.no_result'])}</td>
                <td class="num">{fmt(m['actions.success'])}</td><td class="num">{fmt(m['actions.failed'])}</td><td class="num">{fmt(m['actions.discarded'])}</td>
                <td class="num">{fmt(m['matched.rate'])}</td><td class="num">{fmt(m['matched.rate.max'])}</td><td class="num">{fmt(m['matched.rate.last5m'])}</td>
                <td class="ops">{resetButton('rule', n)}</td>
              </tr>))}</tbody>
          </table></div>
        </>}
      </Section>
      <Section title="Actions">
        {actions.length === 0 ? <p class="empty">No action.</p> : <>
          {chart('Actions: sent per second', 'actions', actions.map((a) => a[0]), 'success')}
          {actions.map(([n, m]) => (
            <article class="action-metrics" data-name={n}>
              <header class="card-head"><h3><a href={'#/metrics/action/' + encodeURIComponent(n)}>{n}</a></h3>{resetButton('action', n)}</header>
              <dl class="counters">
                {['matched', 'success', 'failed', 'retried', 'late_reply', 'dropped', 'template.missing_vars'].map((k) => <div data-key={k}><dt>{k}</dt><dd>{fmt(m[k])}</dd></div>)}
                <div><dt>rate</dt><dd>{fmt(m.rate)}</dd></div><div><dt>rate max</dt><dd>{fmt(m.rate_max)}</dd></div><div><dt>last 5 min</dt><dd>{fmt(m.rate_last5m)}</dd></div>
              </dl>
              <BufferView name={n} m={m} />
            </article>
          ))}
        </>}
      </Section>
      <Section title="Sources">
        {sources.length === 0 ? <p class="empty">No source.</p> : <>
          {chart('Sources: received per second', 'sources', sources.map((s) => s[0]), 'received')}
          <div class="table-wrap"><table class="metrics">
            <thead><tr><th>Source</th><th class="num">Received</th><th class="num">Rate</th><th class="num">Max</th><th class="num">Last 5 min</th><th><span class="sr-only">Operations</span></th></tr></thead>
            <tbody>{sources.map(([n, m]) => (
              <tr data-name={n}><td><a href={'#/metrics/source/' + encodeURIComponent(n)}>{n}</a></td><td class="num">{fmt(m.received)}</td>
                <td class="num">{fmt(m.rate)}</td><td class="num">{fmt(m.rate_max)}</td><td class="num">{fmt(m.rate_last5m)}</td><td class="ops">{resetButton('source', n)}</td></tr>))}</tbody>
          </table></div>
        </>}
      </Section>
      <Section title="Connectors">
        {connectors.length === 0 ? <p class="empty">No connector.</p> : (
          <div class="table-wrap"><table class="metrics">
            <thead><tr><th>Connector</th><th>Status</th><th class="num">Pool size</th><th class="num">Connected</th><th>Reason</th></tr></thead>
            <tbody>{connectors.map(([n, c]) => (
              <tr data-name={n}><td>{n}</td><td>{c.status}</td><td class="num">{fmt(c.pool_size)}</td><td class="num">{fmt(c.connected_clients)}</td><td>{c.status_reason || ''}</td></tr>))}</tbody>
          </table></div>
        )}
      </Section>
    </>
  );
}

const DETAIL_FIELDS = {
  rule: ['matched', 'passed', 'failed', 'actions.success', 'actions.failed'],
  action: ['matched', 'success', 'failed', 'dropped', 'dropped.expired', 'dropped.queue_full'],
  source: ['received'],
};

export function MetricsDetail({ kind, name }) {
  useMetrics();
  const plural = PLURAL[kind];
  const known = Boolean(plural && name);
  const path = !known ? '' : kind === 'rule' ? api.rulePath(name) + '/metrics' : api.objectPath(plural, name.replace(/^mqtt:/, '')) + '/metrics';
  const [data, error] = usePoll(() => (known ? api.get(path) : Promise.resolve(null)), known ? 2000 : 0, [path]);
  const [notice, setNotice] = useState('');
  const [opError, setOpError] = useState(null);
  const [dialog, reset] = useReset(setNotice, setOpError);
  if (!known) return <Section title="Metrics"><ErrorNote error={`no such metrics page: ${kind}/${name || ''}`} /><p><a href="#/metrics">All metrics</a></p></Section>;
  const fields = DETAIL_FIELDS[kind];
  const storeName = Object.keys((latestMetrics() || {})[plural] || {}).find((n) => n === name || n === 'mqtt:' + name || 'mqtt:' + n === name) || name;
  const keys = Object.keys((data && data.metrics) || {}).filter((k) => typeof data.metrics[k] === 'number');
  return (
    <Section title={`Metrics of ${kind} ${name}`} actions={api.canWrite() && <button type="button" onClick={() => reset(kind, name)}>Reset</button>}>
      {dialog}
      <ErrorNote error={opError || error} />
      <Notice text={notice} />
      <RateChart title="per second" series={fields.map((f, i) => ({ label: f, color: PALETTE[i % PALETTE.length] }))}
                 data={seriesData(fields.map((f) => `${plural}:${storeName}:${f}`))} />
      {kind === 'action' && data && <BufferView name={name} m={data.metrics} />}
      {data && (
        <div class="table-wrap"><table class="metrics per-node">
          <thead><tr><th>Counter</th><th class="num">Cluster</th>{(data.node_metrics || []).map((n) => <th class="num">{n.node}</th>)}</tr></thead>
          <tbody>{keys.map((k) => (
            <tr data-key={k}><td>{k}</td><td class="num">{fmt(data.metrics[k])}</td>{(data.node_metrics || []).map((n) => <td class="num">{fmt(n.metrics[k])}</td>)}</tr>
          ))}</tbody>
        </table></div>
      )}
      <p><a href="#/metrics">All metrics</a></p>
    </Section>
  );
}
