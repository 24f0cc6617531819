// Actions (MQTT sinks) and sources (remote subscriptions): their lists and forms. Both belong to
// a connector and share the list layout, the enable toggle, delete with confirmation, the probe
// and the save path; what differs is given by KINDS.
import { useEffect, useState } from 'preact/hooks';
import * as api from './api.js';
import { Badge, ErrorNote, Field, Section, fieldErrors, usePoll, useListOps } from './ui.jsx';
import { useObjectForm } from './object_form.js';
import { navigate } from './router.js';

const QOS_TEMPLATES = ['${qos}', '0', '1', '2'];

export const KINDS = {
  actions: {
    title: 'Actions', noun: 'action', configKey: 'actions',
    blurb: 'An action (MQTT sink) publishes a rule\'s output to the remote broker through a connector.',
    empty: () => ({
      type: 'mqtt', name: '', enable: true, description: '', connector: '',
      parameters: { topic: 'pub/${topic}', qos: '${qos}', retain: '${flags.retain}', payload: '${payload}' },
      resource_opts: { worker_pool_size: 16, query_mode: 'async', request_ttl: '45s', inflight_window: 100,
                       max_buffer_bytes: '256MB', health_check_interval: '15s' },
    }),
    topicOf: (o) => o.parameters && o.parameters.topic,
    usedBy: (o) => (o.rules || []).map((r) => 'rule ' + r),
    usedByColumn: true,
  },
  sources: {
    title: 'Sources', noun: 'source', configKey: 'sources',
    blurb: 'A source subscribes on the remote broker; rules read its messages with FROM "$bridges/mqtt:<name>".',
    empty: () => ({
      type: 'mqtt', name: '', enable: true, description: '', connector: '',
      parameters: { topic: '', qos: 1, no_local: false, retain_as_published: true },
      resource_opts: { health_check_interval: '15s', health_check_timeout: '60s', start_after_created: true, start_timeout: '5s' },
    }),
    topicOf: (o) => o.parameters && o.parameters.topic,
    usedBy: (o) => (o.rules || []).map((r) => 'rule ' + r),
  },
};

export function ResourceList({ plural }) {
  const kind = KINDS[plural];
  const [rows, error, reload] = usePoll(() => api.get('/api/v5/' + plural), 3000, [plural]);
  const { op, confirm, notes } = useListOps(reload, error);
  const writable = api.canWrite();
  const remove = async (o) => {
    const users = kind.usedBy(o);
    const text = users.length && plural === 'actions'
      ? `Delete action ${o.name}? It is removed from ${users.join(', ')} too.`
      : `Delete ${kind.noun} ${o.name}?`;
    if (!(await confirm(text))) return;
    const q = users.length && plural === 'actions' ? '?also_delete_dep_actions=true' : '';
    op(() => api.del(api.objectPath(plural, o.name) + q), `${kind.noun[0].toUpperCase() + kind.noun.slice(1)} ${o.name} deleted.`);
  };
  return (
    <Section title={kind.title} actions={writable &&
      <button type="button" class="primary" onClick={() => navigate(`#/${plural}/new`)}>Create</button>}>
      {notes}
      {rows && rows.length === 0 && <p class="empty">No {kind.noun} yet. {kind.blurb}</p>}
      {rows && rows.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead><tr><th>Name</th><th>Connector</th><th>Topic</th><th>Status</th><th>Enabled</th>{kind.usedByColumn && <th>Used by</th>}<th><span class="sr-only">Operations</span></th></tr></thead>
            <tbody>
              {rows.map((o) => (
                <tr data-name={o.name}>
                  <td><a href={`#/${plural}/${o.name}`}>{o.name}</a>{o.config_origin === 'file' && <span class="tag" title="declared in the configuration file">file</span>}</td>
                  <td><a href={'#/connectors/' + o.connector}>{o.connector}</a></td>
                  <td class="mono">{kind.topicOf(o)}</td>
                  <td><Badge status={o.status} reason={o.status_reason} />{o.status_reason && <div class="reason">{o.status_reason}</div>}</td>
                  <td><input type="checkbox" aria-label={'enable ' + o.name} checked={o.enable} disabled={!writable}
                             onChange={async (e) => {
                               const on = e.currentTarget.checked;
                               if (!on && plural === 'actions' && !(await confirm(`Disable action ${o.name}? Rules that use it discard their messages for it until it is enabled again.`, 'Disable'))) { reload(); return; }
                               op(() => api.put(api.objectPath(plural, o.name) + '/enable/' + on));
                             }} /></td>
                  {kind.usedByColumn && <td>{kind.usedBy(o).join(', ') || '–'}</td>}
                  <td class="ops">{writable && <button type="button" class="danger" aria-label={`Delete ${kind.noun} ${o.name}`} onClick={() => remove(o)}>Delete</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function ShareHint({ topic, connector }) {
  if (!topic) return null;
  const pool = connector ? connector.pool_size : null;
  if (topic.startsWith('$share/')) {
    return <p class="help hint">Shared subscription: every connection of the pool{pool ? ` (${pool})` : ''} subscribes, and the remote spreads the messages over them.</p>;
  }
  if (pool && pool > 1) {
    return <p class="help hint">Not shared: only the first of the pool's {pool} connections subscribes. Write <code>$share/&lt;group&gt;/{topic}</code> to spread messages over the pool.</p>;
  }
  return null;
}

export function ResourceForm({ plural, name }) {
  const kind = KINDS[plural];
  const creating = !name;
  const [value, setValue] = useState(creating ? kind.empty() : null);
  const [connectors, setConnectors] = useState([]);
  const [loadError, setLoadError] = useState(null);
  const writable = api.canWrite();
  const body = () => {
    const b = { ...value };
    for (const k of ['status', 'status_reason', 'node_status', 'rules', 'config_origin']) delete b[k];
    if (plural === 'actions') {
      const p = { ...b.parameters };
      if (/^[0-2]$/.test(String(p.qos))) p.qos = Number(p.qos);
      if (p.retain === 'true' || p.retain === 'false') p.retain = p.retain === 'true';
      // An empty payload field means "the whole rule output as JSON", which is the key left out.
      if (p.payload === '') delete p.payload;
      b.parameters = p;
    }
    return b;
  };
  const { error, probe, busy, test, save } = useObjectForm({
    plural, name, body, okText: `The ${kind.noun} is valid and its connector is connected.` });
  useEffect(() => {
    api.get('/api/v5/connectors').then((cs) => {
      setConnectors(cs);
      if (creating && cs.length) setValue((v) => (v.connector ? v : { ...v, connector: cs[0].name }));
    }, setLoadError);
    if (!creating) api.get(api.objectPath(plural, name)).then(setValue, setLoadError);
  }, [plural, name]);
  if (loadError) return <Section title={kind.noun + ' ' + (name || '')}><ErrorNote error={loadError} /></Section>;
  if (!value) return <Section title={kind.noun + ' ' + name}><p>Loading…</p></Section>;
  const errors = fieldErrors(error, [`${kind.configKey}.mqtt.${value.name}.`, `${kind.noun}.`]);
  // "actions.mqtt.a.topic" and "actions.mqtt.a.parameters.topic" both name the topic field.
  for (const k of Object.keys(errors)) if (!k.startsWith('parameters.') && !k.startsWith('resource_opts.')) errors['parameters.' + k] = errors[k];
  const f = (label, path, type, extra = {}) =>
    <Field label={label} path={path} kind={type} value={value} onChange={setValue} errors={errors} disabled={!writable} {...extra} />;
  const connectorOptions = connectors.map((c) => c.name);
  if (value.connector && !connectorOptions.includes(value.connector)) connectorOptions.unshift(value.connector);
  const connector = connectors.find((c) => c.name === value.connector);
  return (
    <Section title={creating ? 'Create ' + kind.noun : kind.noun[0].toUpperCase() + kind.noun.slice(1) + ' ' + name}>
      <form class="form" onSubmit={save} noValidate>
        <ErrorNote error={error} />
        {connectors.length === 0 && creating && <p class="note note-warn">Create a connector first.</p>}
        <div class="grid">
          {f('Name', 'name', 'text', { required: true, disabled: !creating || !writable })}
          {f('Connector', 'connector', 'select', { options: connectorOptions.length ? connectorOptions : [''] })}
          {f('Description', 'description', 'text')}
          {f('Enabled', 'enable', 'bool')}
        </div>
        {plural === 'actions' ? (
          <fieldset>
            <legend>Publish to the remote</legend>
            <div class="grid">
              {f('Topic', 'parameters.topic', 'text', { required: true, help: 'template, e.g. pub/${topic}' })}
              {f('QoS', 'parameters.qos', 'text', { list: 'qos-templates', help: '0, 1, 2 or ${qos}' })}
              {f('Retain', 'parameters.retain', 'text', { list: 'retain-templates', help: 'true, false or ${flags.retain}' })}
            </div>
            {f('Payload', 'parameters.payload', 'textarea', { help: 'template; ${payload} sends the message payload, empty the whole rule output as JSON' })}
            <datalist id="qos-templates">{QOS_TEMPLATES.map((q) => <option value={q} />)}</datalist>
            <datalist id="retain-templates"><option value="${flags.retain}" /><option value="false" /><option value="true" /></datalist>
          </fieldset>
        ) : (
          <fieldset>
            <legend>Subscribe on the remote</legend>
            <div class="grid">
              {f('Topic', 'parameters.topic', 'text', { required: true, placeholder: '$share/group/temp_hum/#' })}
              {f('QoS', 'parameters.qos', 'select', { options: [0, 1].map((q) => ({ value: q, label: String(q) })) })}
              {f('No local', 'parameters.no_local', 'bool', { help: 'MQTT 5 only' })}
              {f('Retain as published', 'parameters.retain_as_published', 'bool', { help: 'MQTT 5 only' })}
            </div>
            <ShareHint topic={value.parameters && value.parameters.topic} connector={connector} />
          </fieldset>
        )}
        <details>
          <summary>Buffer and health settings</summary>
          <div class="grid">
            {plural === 'actions' && f('Request TTL', 'resource_opts.request_ttl', 'text', { help: 'from enqueue to acknowledgement; infinity allowed' })}
            {plural === 'actions' && f('In-flight window', 'resource_opts.inflight_window', 'number')}
            {plural === 'actions' && f('Max buffer bytes', 'resource_opts.max_buffer_bytes', 'text', { help: 'per pool connection; the oldest are dropped over it' })}
            {plural === 'actions' && f('Buffer workers', 'resource_opts.worker_pool_size', 'number')}
            {plural === 'actions' && f('Query mode', 'resource_opts.query_mode', 'select', { options: ['async', 'sync'] })}
            {f('Health check interval', 'resource_opts.health_check_interval', 'text')}
          </div>
        </details>
        {probe && <div class={'note ' + (probe.ok ? 'note-ok' : 'note-error')} role="status">{probe.text}</div>}
        <div class="row-end">
          <button type="button" onClick={() => navigate('#/' + plural)}>Cancel</button>
          {writable && <button type="button" onClick={test} disabled={busy}>Test</button>}
          {writable && <button type="submit" class="primary" disabled={busy}>{creating ? 'Create' : 'Save'}</button>}
        </div>
      </form>
    </Section>
  );
}
