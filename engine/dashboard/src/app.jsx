// The console's shell: sign-in, navigation and the page for the current route. Every page uses
// only the management API (api.js), so everything the console does can be scripted with curl.
import { useEffect, useState } from 'preact/hooks';
import * as api from './api.js';
import { ErrorNote } from './ui.jsx';
import { useRoute } from './router.js';
import { ConnectorList, ConnectorForm } from './connectors.jsx';
import { ResourceList, ResourceForm } from './resources.jsx';
import { RuleList, RuleEditor } from './rules.jsx';
import { MetricsPage, MetricsDetail } from './metrics.jsx';
import { NodesPage } from './nodes.jsx';

function SignIn({ reason, onSignedIn }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try { onSignedIn(await api.login(username, password)); } catch (err) { setError(err); setBusy(false); }
  };
  return (
    <main class="signin">
      <form class="card form" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">mqbridge</h1>
        {reason && <p class="note note-warn" role="status">{reason}</p>}
        <ErrorNote error={error} />
        <div class="field"><label for="username">User name</label>
          <input id="username" autocomplete="username" value={username} required onInput={(e) => setUsername(e.currentTarget.value)} /></div>
        <div class="field"><label for="password">Password</label>
          <input id="password" type="password" autocomplete="current-password" value={password} required onInput={(e) => setPassword(e.currentTarget.value)} /></div>
        <button type="submit" class="primary" disabled={busy}>Sign in</button>
        <p class="help">Users are created with <code>mqbridge admins add</code>.</p>
      </form>
    </main>
  );
}

const NAV = [
  ['connectors', 'Connectors'], ['actions', 'Actions'], ['sources', 'Sources'], ['rules', 'Rules'],
  ['metrics', 'Metrics'], ['nodes', 'Nodes'],
];

function Page({ route }) {
  const [area, id, extra] = route;
  switch (area) {
    case 'connectors': return id === 'new' ? <ConnectorForm key="new" /> : id ? <ConnectorForm key={id} name={id} /> : <ConnectorList />;
    case 'actions':
    case 'sources': return id === 'new' ? <ResourceForm key={area + 'new'} plural={area} /> : id ? <ResourceForm key={area + id} plural={area} name={id} /> : <ResourceList key={area} plural={area} />;
    case 'rules': return id === 'new' ? <RuleEditor key="new" /> : id ? <RuleEditor key={id} id={id} /> : <RuleList />;
    case 'metrics': return id ? <MetricsDetail key={id + extra} kind={id} name={extra} /> : <MetricsPage />;
    case 'nodes': return <NodesPage />;
    default: return <ConnectorList />;
  }
}

export function App() {
  const [session, setSession] = useState(api.currentSession());
  const [reason, setReason] = useState('');
  const route = useRoute();
  useEffect(() => {
    api.setSessionEndHandler((why) => { setReason(why); setSession(null); });
  }, []);
  if (!session) return <SignIn reason={reason} onSignedIn={setSession} />;
  const area = route[0] || 'connectors';
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="#/connectors">mqbridge</a>
        <nav aria-label="Main">
          {NAV.map(([k, label]) => <a href={'#/' + k} aria-current={area === k ? 'page' : undefined}>{label}</a>)}
        </nav>
        <div class="who">
          <span>{session.username} ({session.role})</span>
          <button type="button" class="link" onClick={() => api.logout().catch(() => {})}>Sign out</button>
        </div>
      </header>
      <main id="main"><Page route={route} /></main>
    </div>
  );
}
