// The Test and Save buttons of the connector, action and source forms: Test posts the form to
// /api/v5/<plural>_probe and shows the verdict (a TEST_FAILED answer is the verdict, any other
// error is shown as an error); Save creates (POST) or replaces (PUT) the object and returns to
// its list. `body()` gives the request body from the form's current value.
import { useState } from 'preact/hooks';
import * as api from './api.js';
import { navigate } from './router.js';

export function useObjectForm({ plural, name, body, okText, failPrefix = '' }) {
  const [error, setError] = useState(null);
  const [probe, setProbe] = useState(null);  // {ok, text}
  const [busy, setBusy] = useState(false);
  const start = () => { setBusy(true); setProbe(null); setError(null); };
  const test = async () => {
    start();
    try {
      await api.post(`/api/v5/${plural}_probe`, body());
      setProbe({ ok: true, text: okText });
    } catch (e) {
      if (e.code === 'TEST_FAILED') setProbe({ ok: false, text: failPrefix + e.message });
      else setError(e);
    } finally { setBusy(false); }
  };
  const save = async (e) => {
    e.preventDefault();
    start();
    try {
      if (!name) await api.post('/api/v5/' + plural, body());
      else await api.put(api.objectPath(plural, name), body());
      navigate('#/' + plural);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return { error, probe, busy, test, save };
}
