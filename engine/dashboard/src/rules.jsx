// Rules: the list with counters, and the editor: SQL with highlighting, the SQL Examples drawer,
// Try It Out (pick the event, edit the test context, see the output or the error at its line and
// column) and the rule's actions (MQTT sinks, republish, console).
import { useEffect, useState } from 'preact/hooks';
import * as api from './api.js';
import { ErrorNote, Section, usePoll, useListOps, fmt } from './ui.jsx';
import { SqlEditor, sqlErrorPosition } from './sql_editor.jsx';
import { SQL_EXAMPLES } from './sql_examples.js';
import { navigate } from './router.js';

export function RuleList() {
  const [rows, error, reload] = usePoll(async () => {
    const [page, metrics] = await Promise.all([api.get('/api/v5/rules?limit=10000'), api.get('/api/v5/metrics')]);
    return page.data.map((r) => ({ ...r, m: (metrics.rules || {})[r.id] || {} }));
  }, 3000);
  const { op, confirm, notes } = useListOps(reload, error);
  const writable = api.canWrite();
  return (
    <Section title="Rules" actions={writable &&
      <button type="button" class="primary" onClick={() => navigate('#/rules/new')}>Create</button>}>
      {notes}
      {rows && rows.length === 0 && <p class="empty">No rule yet. A rule selects messages with SQL and hands its output to actions.</p>}
      {rows && rows.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead><tr><th>Id</th><th>FROM</th><th>Enabled</th><th>Actions</th><th class="num">Matched</th><th class="num">Passed</th><th class="num">Failed</th><th><span class="sr-only">Operations</span></th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr data-name={r.id}>
                  <td><a href={'#/rules/' + encodeURIComponent(r.id)}>{r.id}</a>{r.description && <div class="reason">{r.description}</div>}</td>
                  <td class="mono">{(r.from || []).join(', ')}</td>
                  <td><input type="checkbox" aria-label={'enable ' + r.id} checked={r.enable} disabled={!writable}
                             onChange={(e) => op(() => api.put(api.rulePath(r.id) + '/enable/' + e.currentTarget.checked))} /></td>
                  <td>{(r.actions || []).map(actionLabel).join(', ') || '–'}</td>
                  <td class="num matched">{fmt(r.m.matched)}</td>
                  <td class="num">{fmt(r.m.passed)}</td>
                  <td class="num">{fmt(r.m.failed)}</td>
                  <td class="ops">
                    <a class="button" href={'#/metrics/rule/' + encodeURIComponent(r.id)} aria-label={'Metrics of rule ' + r.id}>Metrics</a>
                    {writable && <button type="button" class="danger" aria-label={'Delete rule ' + r.id} onClick={async () => {
                      if (await confirm(`Delete rule ${r.id}?`)) op(() => api.del(api.rulePath(r.id)), `Rule ${r.id} deleted.`);
                    }}>Delete</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function actionLabel(a) {
  if (typeof a === 'string') return a;
  if (a.function === 'republish') return 'republish to ' + ((a.args && a.args.topic) || '');
  return a.function;
}

// The first FROM entry of the SQL text, for choosing the Try It Out event and its topic.
function firstFrom(sqlText) {
  const m = /\bFROM\s+(["'])(.*?)\1/is.exec(sqlText || '');
  return m ? m[2] : '';
}

function exampleTopic(filter) {
  if (!filter || filter.startsWith('$')) return 't/a';
  return filter.split('/').map((l) => (l === '+' || l === '#' ? 'a' : l)).join('/');
}

// The default test context of an event; the tester fills every column left out.
function contextFor(event, sqlText) {
  if (event === 'message.publish') {
    return { clientid: 'c_emqx', username: 'u_emqx', topic: exampleTopic(firstFrom(sqlText)), qos: 1, payload: '{"msg": "hello"}' };
  }
  if (event.startsWith('$bridges/')) return { event_type: event, topic: 't/a', qos: 1, payload: '{"msg": "hello"}' };
  return { event_type: event.replace('.', '_'), clientid: 'c_emqx' };
}

function eventOfFrom(from, events) {
  if (from.startsWith('$bridges/')) return from;
  if (from.startsWith('$events/')) {
    const e = events.find((x) => (x.topics || []).includes(from));
    if (e) return e.event;
  }
  return 'message.publish';
}

function TryItOut({ sqlText, sources, events, onError, preset }) {
  // The test starts with the event the rule's first FROM names (once the event list is known).
  const initial = eventOfFrom(firstFrom(sqlText), events);
  const [event, setEvent] = useState(initial);
  const [context, setContext] = useState(() => JSON.stringify(contextFor(initial, sqlText), null, 2));
  useEffect(() => {
    if (preset || events.length === 0) return;
    const e = eventOfFrom(firstFrom(sqlText), events);
    setEvent(e);
    setContext(JSON.stringify(contextFor(e, sqlText), null, 2));
  }, [events]);
  const [result, setResult] = useState(null);  // {kind: ok|nomatch|error, text}
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!preset) return;
    setEvent(preset.event);
    setContext(JSON.stringify(preset.context, null, 2));
    setResult(null);
  }, [preset]);
  const pick = (e) => {
    setEvent(e);
    setContext(JSON.stringify(contextFor(e, sqlText), null, 2));
    setResult(null);
  };
  const run = async () => {
    setResult(null); onError(null);
    let ctx;
    try {
      ctx = JSON.parse(context);
      if (typeof ctx !== 'object' || ctx === null || Array.isArray(ctx)) throw new Error('the context must be a JSON object');
    } catch (e) {
      setResult({ kind: 'error', text: 'Test context: ' + e.message });
      return;
    }
    const from = firstFrom(sqlText);
    const wanted = eventOfFrom(from, events);
    setBusy(true);
    try {
      const out = await api.post('/api/v5/rule_test', { sql: sqlText, context: ctx });
      setResult({ kind: 'ok', text: JSON.stringify(out, null, 2) });
    } catch (e) {
      if (e.code === 'NOT_MATCH') {
        setResult({ kind: 'nomatch', text: 'SQL not matched: the test message does not pass FROM or WHERE.' + (wanted !== event ? ` The rule reads ${wanted}, the test is ${event}.` : '') });
      } else {
        const pos = sqlErrorPosition(e.message);
        onError(pos);
        setResult({ kind: 'error', text: e.message });
      }
    } finally { setBusy(false); }
  };
  const options = [
    { value: 'message.publish', label: 'Message publish' },
    ...sources.map((s) => ({ value: '$bridges/mqtt:' + s.name, label: 'Source $bridges/mqtt:' + s.name })),
    ...events.filter((e) => e.topics).map((e) => ({ value: e.event, label: e.title + ' (' + e.topics[0] + ')' })),
  ];
  if (!options.find((o) => o.value === event)) options.push({ value: event, label: event });
  return (
    <section class="try" aria-labelledby="try-title">
      <h3 id="try-title">Try It Out</h3>
      <div class="field">
        <label for="try-event">Event</label>
        <select id="try-event" value={event} onChange={(e) => pick(e.currentTarget.value)}>
          {options.map((o) => <option value={o.value}>{o.label}</option>)}
        </select>
      </div>
      <div class="field">
        <label for="try-context">Test context (JSON: the event's columns)</label>
        <textarea id="try-context" class="mono" rows={8} value={context} spellcheck={false}
                  onInput={(e) => setContext(e.currentTarget.value)} />
      </div>
      <button type="button" onClick={run} disabled={busy}>Run test</button>
      {result && (
        <div class={'try-result try-' + result.kind} role="status">
          <h4>{result.kind === 'ok' ? 'Output' : result.kind === 'nomatch' ? 'No match' : 'Error'}</h4>
          <pre id="try-output">{result.text}</pre>
        </div>
      )}
    </section>
  );
}

function ExamplesDrawer({ open, onClose, onUse }) {
  if (!open) return null;
  return (
    <aside class="drawer" aria-label="SQL examples">
      <header class="card-head"><h3>SQL Examples</h3><button type="button" class="link" onClick={onClose}>Close</button></header>
      {SQL_EXAMPLES.map((x) => (
        <article class="example">
          <h4>{x.title}</h4>
          <pre class="mono">{x.sql}</pre>
          <button type="button" onClick={() => onUse(x)} aria-label={'Use example: ' + x.title}>Use</button>
        </article>
      ))}
    </aside>
  );
}

function RuleActions({ value, onChange, actions, disabled }) {
  const set = (i, a) => onChange(value.map((x, j) => (j === i ? a : x)));
  const remove = (i) => onChange(value.filter((_, j) => j !== i));
  const names = actions.map((a) => 'mqtt:' + a.name);
  return (
    <fieldset class="rule-actions">
      <legend>Actions</legend>
      {value.length === 0 && <p class="help">No action: the rule only counts what it matches.</p>}
      {value.map((a, i) => (
        <div class="rule-action">
          {typeof a === 'string' ? (
            <div class="field">
              <label for={'ra' + i}>MQTT sink</label>
              <select id={'ra' + i} value={a} disabled={disabled} onChange={(e) => set(i, e.currentTarget.value)}>
                {(names.includes(a) ? names : [a, ...names]).map((n) => <option value={n}>{n}</option>)}
              </select>
            </div>
          ) : a.function === 'republish' ? (
            <div class="grid">
              <strong class="span">Republish into the local broker</strong>
              {['topic', 'qos', 'retain', 'payload'].map((k) => (
                <div class="field">
                  <label for={`ra${i}${k}`}>{k[0].toUpperCase() + k.slice(1)}</label>
                  <input id={`ra${i}${k}`} type="text" disabled={disabled} value={a.args && a.args[k] != null ? String(a.args[k]) : ''}
                         onInput={(e) => set(i, { ...a, args: { ...a.args, [k]: e.currentTarget.value } })} />
                </div>
              ))}
            </div>
          ) : (
            <p><strong>Console</strong>: prints the rule output in mqbridge's log.</p>
          )}
          <button type="button" class="link" disabled={disabled} aria-label={'Remove action ' + (i + 1)} onClick={() => remove(i)}>Remove</button>
        </div>
      ))}
      <div class="row">
        <button type="button" disabled={disabled || names.length === 0} title={names.length ? '' : 'create an action first'}
                onClick={() => onChange([...value, names[0]])}>Add MQTT sink</button>
        <button type="button" disabled={disabled}
                onClick={() => onChange([...value, { function: 'republish', args: { topic: 'sub/${topic}', qos: '${qos}', retain: '${flags.retain}', payload: '${payload}' } }])}>Add republish</button>
        <button type="button" disabled={disabled} onClick={() => onChange([...value, { function: 'console' }])}>Add console</button>
      </div>
    </fieldset>
  );
}

export function RuleEditor({ id }) {
  const creating = !id;
  const [rule, setRule] = useState(creating ? { id: '', description: '', enable: true, sql: '', actions: [] } : null);
  const [actions, setActions] = useState([]);
  const [sources, setSources] = useState([]);
  const [events, setEvents] = useState([]);
  const [loadError, setLoadError] = useState(null);
  const [error, setError] = useState(null);
  const [sqlError, setSqlError] = useState(null);
  const [drawer, setDrawer] = useState(false);
  const [preset, setPreset] = useState(null);
  const [replace, setReplace] = useState(null);
  const [busy, setBusy] = useState(false);
  const writable = api.canWrite();
  useEffect(() => {
    Promise.all([api.get('/api/v5/actions'), api.get('/api/v5/sources'), api.get('/api/v5/rule_events')])
      .then(([a, s, e]) => { setActions(a); setSources(s); setEvents(e); }, setLoadError);
    if (!creating) api.get(api.rulePath(id)).then(setRule, setLoadError);
  }, [id]);
  if (loadError) return <Section title={'Rule ' + (id || '')}><ErrorNote error={loadError} /></Section>;
  if (!rule) return <Section title={'Rule ' + id}><p>Loading…</p></Section>;
  const save = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null); setSqlError(null);
    const body = { description: rule.description, enable: rule.enable, sql: rule.sql, actions: rule.actions };
    if (creating && rule.id) body.id = rule.id;
    try {
      if (creating) await api.post('/api/v5/rules', body);
      else await api.put(api.rulePath(id), body);
      navigate('#/rules');
    } catch (err) {
      setError(err);
      setSqlError(sqlErrorPosition(err.message));
    } finally { setBusy(false); }
  };
  return (
    <Section title={creating ? 'Create rule' : 'Rule ' + id}
             actions={<button type="button" onClick={() => setDrawer(!drawer)} aria-expanded={drawer}>SQL Examples</button>}>
      <div class={'rule-layout' + (drawer ? ' with-drawer' : '')}>
        <form class="form" onSubmit={save} noValidate>
          <ErrorNote error={error} />
          <div class="grid">
            <div class="field">
              <label for="rule-id">Id</label>
              <input id="rule-id" type="text" value={rule.id} disabled={!creating || !writable} placeholder="optional: picked for you"
                     onInput={(e) => setRule({ ...rule, id: e.currentTarget.value })} />
            </div>
            <div class="field">
              <label for="rule-desc">Description</label>
              <input id="rule-desc" type="text" value={rule.description} disabled={!writable}
                     onInput={(e) => setRule({ ...rule, description: e.currentTarget.value })} />
            </div>
            <div class="field field-bool"><div class="bool-row">
              <input id="rule-enable" type="checkbox" checked={rule.enable} disabled={!writable}
                     onChange={(e) => setRule({ ...rule, enable: e.currentTarget.checked })} />
              <label for="rule-enable">Enabled</label>
            </div></div>
          </div>
          <div class="field">
            <span class="label" id="sql-label">SQL</span>
            <SqlEditor value={rule.sql} replace={replace} error={sqlError} label="Rule SQL"
                       onChange={(s) => { setRule((r) => ({ ...r, sql: s })); setSqlError(null); }} />
            {sqlError && <small class="field-error" role="alert">Line {sqlError.line}, column {sqlError.column}: {sqlError.message}</small>}
          </div>
          <RuleActions value={rule.actions || []} actions={actions} disabled={!writable}
                       onChange={(a) => setRule({ ...rule, actions: a })} />
          <div class="row-end">
            <button type="button" onClick={() => navigate('#/rules')}>Cancel</button>
            {writable && <button type="submit" class="primary" disabled={busy}>{creating ? 'Create' : 'Save'}</button>}
          </div>
        </form>
        <TryItOut sqlText={rule.sql} sources={sources} events={events} onError={setSqlError} preset={preset} />
        <ExamplesDrawer open={drawer} onClose={() => setDrawer(false)}
                        onUse={(x) => { setRule({ ...rule, sql: x.sql }); setReplace({ text: x.sql }); setPreset({ event: x.event, context: x.context }); setSqlError(null); }} />
      </div>
    </Section>
  );
}
