// Nodes: each node's status, version, uptime, connections and memory (and in a cluster its
// connection to the cluster store, with the reason when it is unreachable), and every connector's,
// action's and source's status on each node. Where the nodes disagree (status "inconsistent"),
// the table says which node is in which state and why, as the guide's troubleshooting expects.
import * as api from './api.js';
import { Badge, ErrorNote, Section, usePoll, fmt } from './ui.jsx';

function duration(ms) {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m ${s % 60}s`;
}

export function NodesPage() {
  const [data, error] = usePoll(async () => {
    const [nodes, connectors, actions, sources] = await Promise.all(
      ['nodes', 'connectors', 'actions', 'sources'].map((p) => api.get('/api/v5/' + p)));
    return { nodes, objects: [
      ...connectors.map((o) => ({ kind: 'connector', ...o })),
      ...actions.map((o) => ({ kind: 'action', ...o })),
      ...sources.map((o) => ({ kind: 'source', ...o })),
    ] };
  }, 3000);
  if (!data) return <Section title="Nodes"><ErrorNote error={error} /><p>Loading…</p></Section>;
  const names = data.nodes.map((n) => n.node);
  const clustered = data.nodes.some((n) => n.cluster);
  const inconsistent = data.objects.filter((o) => o.status === 'inconsistent');
  return (
    <>
      <ErrorNote error={error} />
      <Section title="Nodes">
        <div class="table-wrap"><table>
          <thead><tr><th>Node</th><th>Status</th><th>Version</th><th>Uptime</th><th class="num">Client connections</th><th class="num">Memory</th>{clustered && <th>Cluster store</th>}</tr></thead>
          <tbody>{data.nodes.map((n) => (
            <tr data-name={n.node}><td>{n.node}</td><td><Badge status={n.node_status} /></td><td>{n.version}</td><td>{duration(n.uptime)}</td>
              <td class="num">{fmt(n.connections)}</td><td class="num">{fmt(Math.round(n.memory_used / 1048576))} MiB</td>
              {clustered && <td>{n.cluster ? <>{n.cluster.store} <Badge status={n.cluster.status} reason={n.cluster.reason} />
                {n.cluster.reason && <div class="reason">{n.cluster.reason}</div>}</> : '–'}</td>}</tr>))}</tbody>
        </table></div>
      </Section>
      {inconsistent.length > 0 && (
        <Section title="Inconsistent across nodes">
          {inconsistent.map((o) => (
            <p class="note note-warn" data-name={o.name}>
              {o.kind} {o.name}: {(o.node_status || []).map((n) => `${n.node} is ${n.status}${n.status_reason ? ' (' + n.status_reason + ')' : ''}`).join('; ')}.
            </p>
          ))}
        </Section>
      )}
      <Section title="Status on each node">
        {data.objects.length === 0 ? <p class="empty">No connector, action or source.</p> : (
          <div class="table-wrap"><table>
            <thead><tr><th>Object</th><th>Overall</th>{names.map((n) => <th>{n}</th>)}</tr></thead>
            <tbody>{data.objects.map((o) => (
              <tr data-name={o.kind + ':' + o.name}>
                <td>{o.kind} <a href={`#/${o.kind}s/${o.name}`}>{o.name}</a></td>
                <td><Badge status={o.status} reason={o.status_reason} /></td>
                {names.map((n) => {
                  const s = (o.node_status || []).find((x) => x.node === n);
                  return <td>{s ? <><Badge status={s.status} reason={s.status_reason} />{s.status_reason && <div class="reason">{s.status_reason}</div>}</> : '–'}</td>;
                })}
              </tr>))}</tbody>
          </table></div>
        )}
      </Section>
    </>
  );
}
