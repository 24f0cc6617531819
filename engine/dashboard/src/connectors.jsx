// Connectors: the list with status badges, and the create/edit form with every connector field
// of docs/configuration.md, the Test button (connectors_probe) and Reconnect (start).
import { useEffect, useState } from 'preact/hooks';
import * as api from './api.js';
import { Badge, ErrorNote, Field, Section, fieldErrors, usePoll, useListOps, fmt } from './ui.jsx';
import { useObjectForm } from './object_form.js';
import { navigate } from './router.js';

export const NEW_CONNECTOR = {
  type: 'mqtt', name: '', enable: true, description: '', server: '', proto_ver: 'v5',
  pool_size: 8, clientid_prefix: '', bridge_mode: false, username: '', password: '',
  clean_start: true, keepalive: '160s', connect_timeout: '10s', retry_interval: '15s',
  max_inflight: 32, max_qos: 2,
  tcp_opts: { nodelay: true, sndbuf: '0B', recbuf: '0B' },
  ssl: { enable: false, verify: 'verify_none', versions: ['tlsv1.3', 'tlsv1.2'],
         server_name_indication: '', cacertfile: '', certfile: '', keyfile: '', password: '',
         ciphers: '', depth: 10, alpn: [] },
  static_clientids: [],
  resource_opts: { health_check_interval: '15s', health_check_timeout: '60s',
                   start_after_created: true, start_timeout: '5s' },
};

export function ConnectorList() {
  const [rows, error, reload] = usePoll(async () => {
    const [list, metrics] = await Promise.all([api.get('/api/v5/connectors'), api.get('/api/v5/metrics')]);
    return list.map((c) => ({ ...c, state: (metrics.connectors || {})[c.name] || {} }));
  }, 3000);
  const { op, confirm, notes } = useListOps(reload, error);
  const writable = api.canWrite();
  return (
    <Section title="Connectors" actions={writable &&
      <button type="button" class="primary" onClick={() => navigate('#/connectors/new')}>Create</button>}>
      {notes}
      {rows && rows.length === 0 && <p class="empty">No connector yet. A connector is a pool of MQTT connections to a remote broker.</p>}
      {rows && rows.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead><tr><th>Name</th><th>Server</th><th>Status</th><th>Enabled</th><th>Pool size</th><th>Connected</th><th>Used by</th><th><span class="sr-only">Operations</span></th></tr></thead>
            <tbody>
              {rows.map((c) => (
                <tr data-name={c.name}>
                  <td><a href={'#/connectors/' + c.name}>{c.name}</a>{c.config_origin === 'file' && <span class="tag" title="declared in the configuration file">file</span>}</td>
                  <td class="mono">{c.server}</td>
                  <td><Badge status={c.status} reason={c.status_reason} />{c.status_reason && <div class="reason">{c.status_reason}</div>}</td>
                  <td>
                    <input type="checkbox" aria-label={'enable ' + c.name} checked={c.enable} disabled={!writable}
                           onChange={async (e) => {
                             const on = e.currentTarget.checked;
                             if (!on && !(await confirm(`Disable connector ${c.name}? Its connections close and the messages queued for it are dropped.`, 'Disable'))) { reload(); return; }
                             op(() => api.put(api.objectPath('connectors', c.name) + '/enable/' + on));
                           }} />
                  </td>
                  <td>{c.static_clientids && c.static_clientids.length ? 'static ids' : fmt(c.pool_size)}</td>
                  <td class="connected-clients">{fmt(c.state.connected_clients)}</td>
                  <td>{[...(c.actions || []).map((a) => 'action ' + a), ...(c.sources || []).map((s) => 'source ' + s)].join(', ') || '–'}</td>
                  <td class="ops">
                    {writable && <button type="button" aria-label={'Reconnect connector ' + c.name} onClick={() => op(() => api.post(api.objectPath('connectors', c.name) + '/start'), `Connector ${c.name} is reconnecting.`)}>Reconnect</button>}
                    {writable && <button type="button" class="danger" aria-label={'Delete connector ' + c.name} onClick={async () => {
                      if (await confirm(`Delete connector ${c.name}? Its connections close.`)) {
                        op(() => api.del(api.objectPath('connectors', c.name)), `Connector ${c.name} deleted.`);
                      }
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

// Static client ids edited as the guide's table: one row per id, grouped by node on save.
function StaticIds({ value, onChange, disabled }) {
  const rows = [];
  for (const n of value || []) {
    for (const id of n.ids || []) {
      const o = typeof id === 'string' ? { clientid: id } : id;
      rows.push({ node: n.node, clientid: o.clientid || '', username: o.username || '', password: o.password || '' });
    }
    if (!n.ids || n.ids.length === 0) rows.push({ node: n.node, clientid: '', username: '', password: '' });
  }
  // The API matches a kept secret ("******") by the id's position within its node, so a row that
  // moves (a row above it removed, or its node changed) must have its password typed again.
  // `from[i]` is the old index of next[i] (-1 for a new row).
  const slots = (list) => {
    const seen = new Map();
    return list.map((r) => { const i = seen.get(r.node) || 0; seen.set(r.node, i + 1); return r.node + '#' + i; });
  };
  const emit = (next, from) => {
    const before = slots(rows), after = slots(next);
    next = next.map((r, i) => (r.password === '******' && from[i] >= 0 && before[from[i]] !== after[i] ? { ...r, password: '' } : r));
    const byNode = new Map();
    for (const r of next) {
      if (!byNode.has(r.node)) byNode.set(r.node, []);
      const id = { clientid: r.clientid };
      if (r.username) id.username = r.username;
      if (r.password) id.password = r.password;
      byNode.get(r.node).push(id);
    }
    onChange([...byNode].map(([node, ids]) => ({ node, ids })));
  };
  const same = (n) => [...Array(n).keys()];
  const set = (i, k, v) => emit(rows.map((r, j) => (j === i ? { ...r, [k]: v } : r)), same(rows.length));

  return (
    <fieldset class="static-ids">
      <legend>Static client ids per node</legend>
      <p class="help">With static ids, each node opens one connection per id listed for it and no pool; a node with no row starts no connection.</p>
      {rows.length > 0 && (
        <table>
          <thead><tr><th>Node</th><th>Client id</th><th>Username</th><th>Password</th><th><span class="sr-only">Remove</span></th></tr></thead>
          <tbody>
            {rows.map((r, i) => (
              <tr>
                {['node', 'clientid', 'username', 'password'].map((k) => (
                  <td><input type={k === 'password' ? 'password' : 'text'} aria-label={`${k} of row ${i + 1}`} value={r[k]} disabled={disabled}
                             placeholder={k === 'node' ? 'mqbridge@10.0.0.1' : ''} onInput={(e) => set(i, k, e.currentTarget.value)} /></td>
                ))}
                <td><button type="button" class="link" disabled={disabled} aria-label={`Remove client id row ${i + 1}`} onClick={() => emit(rows.filter((_, j) => j !== i), same(rows.length).filter((j) => j !== i))}>Remove</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" disabled={disabled} onClick={() => emit([...rows, { node: rows.length ? rows[rows.length - 1].node : '', clientid: '', username: '', password: '' }], [...same(rows.length), -1])}>Add client id</button>
    </fieldset>
  );
}

export function ConnectorForm({ name }) {
  const creating = !name;
  const [value, setValue] = useState(creating ? NEW_CONNECTOR : null);
  const [loadError, setLoadError] = useState(null);
  const writable = api.canWrite();
  const body = () => {
    const b = { ...value };
    for (const k of ['status', 'status_reason', 'node_status', 'actions', 'sources', 'config_origin']) delete b[k];
    if (b.username === '') delete b.username;
    if (b.password === '') delete b.password;
    if (b.ssl && b.ssl.password === '') b.ssl = { ...b.ssl, password: null };
    return b;
  };
  const { error, probe, busy, test, save } = useObjectForm({
    plural: 'connectors', name, body, okText: 'Connector available.', failPrefix: 'Connector unavailable: ' });
  useEffect(() => {
    if (creating) return;
    api.get(api.objectPath('connectors', name)).then(setValue, setLoadError);
  }, [name]);
  if (loadError) return <Section title={'Connector ' + name}><ErrorNote error={loadError} /></Section>;
  if (!value) return <Section title={'Connector ' + name}><p>Loading…</p></Section>;
  const errors = fieldErrors(error, [`connectors.mqtt.${value.name}.`, 'connector.', 'connectors.mqtt.' + name + '.', 'connectors.mqtt.probe.']);
  const f = (label, path, kind, extra = {}) =>
    <Field label={label} path={path} kind={kind} value={value} onChange={setValue} errors={errors} disabled={!writable} {...extra} />;
  return (
    <Section title={creating ? 'Create connector' : 'Connector ' + name}>
      <form class="form" onSubmit={save} noValidate>
        <ErrorNote error={error} />
        <fieldset>
          <legend>Connection</legend>
          <div class="grid">
            {f('Name', 'name', 'text', { required: true, disabled: !creating || !writable, help: 'letters, digits, _ and -' })}
            {f('Server', 'server', 'text', { required: true, placeholder: 'broker.example.com:1883', help: 'host[:port]; mqtts:// for TLS' })}
            {f('MQTT version', 'proto_ver', 'select', { options: [{ value: 'v5', label: 'MQTT 5.0' }, { value: 'v4', label: 'MQTT 3.1.1' }, { value: 'v3', label: 'MQTT 3.1' }] })}
            {f('Pool size', 'pool_size', 'number', { help: 'connections in the pool (1 to 1024)' })}
            {f('Client id prefix', 'clientid_prefix', 'text', { help: 'ids are prefix:name<hex8>:<n>' })}
            {f('Keepalive', 'keepalive', 'text', { help: 'e.g. 60s' })}
            {f('Description', 'description', 'text')}
          </div>
          <div class="grid">
            {f('Enabled', 'enable', 'bool')}
            {f('Clean start', 'clean_start', 'bool')}
            {f('Bridge mode', 'bridge_mode', 'bool', { help: 'MQTT 3.x only' })}
          </div>
        </fieldset>
        <fieldset>
          <legend>Authentication</legend>
          <div class="grid">
            {f('Username', 'username', 'text')}
            {f('Password', 'password', 'password', { help: creating ? '' : '****** keeps the stored password' })}
          </div>
        </fieldset>
        <details>
          <summary>Advanced settings</summary>
          <div class="grid">
            {f('Connect timeout', 'connect_timeout', 'text')}
            {f('Retry interval', 'retry_interval', 'text', { help: 'resend of unacknowledged QoS 1/2' })}
            {f('Max in-flight', 'max_inflight', 'number')}
            {f('Max QoS', 'max_qos', 'select', { options: [{ value: 2, label: '2' }, { value: 1, label: '1 (AWS IoT, Azure IoT Hub)' }] })}
            {f('TCP no delay', 'tcp_opts.nodelay', 'bool')}
            {f('Send buffer', 'tcp_opts.sndbuf', 'text', { help: '0B: kernel default' })}
            {f('Receive buffer', 'tcp_opts.recbuf', 'text')}
            {f('Health check interval', 'resource_opts.health_check_interval', 'text')}
            {f('Health check timeout', 'resource_opts.health_check_timeout', 'text')}
            {f('Start after created', 'resource_opts.start_after_created', 'bool')}
            {f('Start timeout', 'resource_opts.start_timeout', 'text')}
          </div>
        </details>
        <fieldset>
          <legend>TLS</legend>
          {f('Enable TLS', 'ssl.enable', 'bool')}
          {value.ssl && value.ssl.enable && (
            <div class="grid">
              {f('Verify server', 'ssl.verify', 'select', { options: ['verify_none', 'verify_peer'] })}
              {f('TLS versions', 'ssl.versions', 'list', { placeholder: 'tlsv1.3, tlsv1.2' })}
              {f('Server name (SNI)', 'ssl.server_name_indication', 'text', { help: 'empty: the host name; disable: none' })}
              {f('CA certificate file', 'ssl.cacertfile', 'text', { placeholder: '/etc/mqbridge/ca.pem' })}
              {f('Client certificate file', 'ssl.certfile', 'text')}
              {f('Client key file', 'ssl.keyfile', 'text')}
              {f('Key password', 'ssl.password', 'password')}
              {f('Ciphers', 'ssl.ciphers', 'text')}
              {f('Verify depth', 'ssl.depth', 'number')}
              {f('ALPN', 'ssl.alpn', 'list')}
            </div>
          )}
        </fieldset>
        <StaticIds value={value.static_clientids} disabled={!writable}
                   onChange={(ids) => setValue({ ...value, static_clientids: ids })} />
        {errors.static_clientids && <small class="field-error" role="alert">{errors.static_clientids}</small>}
        {probe && <div class={'note ' + (probe.ok ? 'note-ok' : 'note-error')} role="status" id="probe-result">{probe.text}</div>}
        <div class="row-end">
          <button type="button" onClick={() => navigate('#/connectors')}>Cancel</button>
          {writable && <button type="button" onClick={test} disabled={busy}>Test</button>}
          {writable && <button type="submit" class="primary" disabled={busy}>{creating ? 'Create' : 'Save'}</button>}
        </div>
      </form>
    </Section>
  );
}
