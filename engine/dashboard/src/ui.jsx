// Small shared pieces of the console: status badges, error and notice banners, the confirmation
// dialog, form fields bound to a path of an edited object, and the polling hook. Components are
// plain Preact function components; none keeps global state.
import { useEffect, useRef, useState, useCallback } from 'preact/hooks';

// A connector/action/source status as a coloured badge; the reason shows on hover and is read by
// screen readers.
export function Badge({ status, reason }) {
  const s = status || 'unknown';
  const label = s.replace(/_/g, ' ');
  return (
    <span class={'badge badge-' + s} title={reason || label} data-status={s}>
      {label}{reason && <span class="sr-only">: {reason}</span>}
    </span>
  );
}

export function ErrorNote({ error, onClose }) {
  if (!error) return null;
  const text = typeof error === 'string' ? error : error.message;
  const code = typeof error === 'string' ? '' : error.code;
  return (
    <div class="note note-error" role="alert">
      {code && <strong>{code}: </strong>}
      <span class="note-text">{text}</span>
      {onClose && <button type="button" class="link" onClick={onClose} aria-label="Dismiss">×</button>}
    </div>
  );
}

export function Notice({ text, kind = 'ok' }) {
  if (!text) return null;
  return <div class={'note note-' + kind} role="status">{text}</div>;
}

// Confirmation for every destructive action: a modal <dialog>. `useConfirm()` returns
// [element, ask]; `await ask(text)` resolves to true when the user confirms.
export function useConfirm() {
  const [pending, setPending] = useState(null);
  const ref = useRef(null);
  useEffect(() => {
    if (pending && ref.current && !ref.current.open) ref.current.showModal();
  }, [pending]);
  const ask = useCallback((text, action = 'Delete') =>
    new Promise((resolve) => setPending({ text, action, resolve })), []);
  const close = (yes) => {
    if (ref.current && ref.current.open) ref.current.close();
    const p = pending;
    setPending(null);
    if (p) p.resolve(yes);
  };
  const element = pending && (
    <dialog ref={ref} class="confirm" aria-labelledby="confirm-text"
            onCancel={(e) => { e.preventDefault(); close(false); }}>
      <p id="confirm-text">{pending.text}</p>
      <div class="row-end">
        <button type="button" onClick={() => close(false)}>Cancel</button>
        <button type="button" class="danger" onClick={() => close(true)}>{pending.action}</button>
      </div>
    </dialog>
  );
  return [element, ask];
}

// Reads and writes a dotted path ("ssl.enable") of a plain object; setPath returns a new object.
export function getPath(obj, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

export function setPath(obj, path, value) {
  const keys = path.split('.');
  const out = Array.isArray(obj) ? [...obj] : { ...obj };
  let cur = out;
  for (let i = 0; i < keys.length - 1; i++) {
    const next = cur[keys[i]];
    cur[keys[i]] = next && typeof next === 'object' ? (Array.isArray(next) ? [...next] : { ...next }) : {};
    cur = cur[keys[i]];
  }
  cur[keys[keys.length - 1]] = value;
  return out;
}

let fieldSeq = 0;

// One form field bound to `path` of `value`. kind: text, password, number, bool, select,
// textarea, list (comma-separated strings). `errors` maps paths to the API's messages.
export function Field({ label, path, value, onChange, kind = 'text', options, help, errors,
                        placeholder, required, disabled, list }) {
  const [id] = useState(() => 'f' + ++fieldSeq);
  const v = getPath(value, path);
  const err = errors && errors[path];
  const set = (x) => onChange(setPath(value, path, x));
  let input;
  const common = { id, name: path, disabled, 'aria-invalid': err ? 'true' : undefined,
                   'aria-describedby': err ? id + '-err' : help ? id + '-help' : undefined };
  if (kind === 'bool') {
    input = <input type="checkbox" {...common} checked={!!v} onChange={(e) => set(e.currentTarget.checked)} />;
  } else if (kind === 'select') {
    input = (
      <select {...common} value={v == null ? '' : String(v)}
              onChange={(e) => {
                const o = options.find((x) => String(x.value ?? x) === e.currentTarget.value);
                set(o && o.value !== undefined ? o.value : e.currentTarget.value);
              }}>
        {options.map((o) => {
          const val = o.value !== undefined ? o.value : o;
          return <option value={String(val)}>{o.label || String(val)}</option>;
        })}
      </select>
    );
  } else if (kind === 'textarea') {
    input = <textarea {...common} rows={4} value={v ?? ''} placeholder={placeholder}
                      onInput={(e) => set(e.currentTarget.value)} />;
  } else if (kind === 'number') {
    input = <input type="number" {...common} value={v ?? ''} required={required}
                   onInput={(e) => set(e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value))} />;
  } else if (kind === 'list') {
    input = <input type="text" {...common} value={(v || []).join(', ')} placeholder={placeholder}
                   onChange={(e) => set(e.currentTarget.value.split(',').map((s) => s.trim()).filter(Boolean))} />;
  } else {
    // A kept secret shows as "******": focusing selects it, so typing replaces it.
    input = <input type={kind === 'password' ? 'password' : 'text'} {...common} value={v ?? ''}
                   onFocus={kind === 'password' ? (e) => e.currentTarget.select() : undefined}
                   placeholder={placeholder} required={required} list={list} autocomplete="off"
                   onInput={(e) => set(e.currentTarget.value)} />;
  }
  return (
    <div class={'field' + (kind === 'bool' ? ' field-bool' : '') + (err ? ' field-invalid' : '')}>
      {kind === 'bool' ? (
        <div class="bool-row">{input}<label for={id}>{label}</label></div>
      ) : (
        <>
          <label for={id}>{label}{required && <span aria-hidden="true"> *</span>}</label>
          {input}
        </>
      )}
      {help && !err && <small id={id + '-help'} class="help">{help}</small>}
      {err && <small id={id + '-err'} class="field-error" role="alert">{err}</small>}
    </div>
  );
}

// Maps an API validation message such as "connectors.mqtt.c1.ssl.cacertfile: cannot read ..."
// or "connector.password: ..." to {path: message} for the form's fields.
export function fieldErrors(error, prefixes) {
  if (!error || !error.message) return {};
  const m = /^([A-Za-z0-9_.:$\-]+): (.*)$/s.exec(error.message);
  if (!m) return {};
  for (const p of prefixes) {
    if (m[1].startsWith(p)) return { [m[1].slice(p.length)]: m[2] };
  }
  return {};
}

// Calls `load` now and every `ms` milliseconds while the component is shown; returns
// [data, error, reload]. A failed poll keeps the last data and reports the error.
export function usePoll(load, ms, deps = []) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const alive = useRef(true);
  const run = useCallback(async () => {
    try {
      const d = await load();
      if (alive.current) { setData(d); setError(null); }
    } catch (e) {
      if (alive.current) setError(e);
    }
  }, deps);
  useEffect(() => {
    alive.current = true;
    run();
    const t = ms ? setInterval(run, ms) : null;
    return () => { alive.current = false; if (t) clearInterval(t); };
  }, [run, ms]);
  return [data, error, run];
}

// The operations of a list page (enable, delete, reconnect, ...): `op(f, done)` runs `f`,
// reloads the list and shows the `done` notice, or shows `f`'s error; `confirm` asks first. `notes` is the
// dialog, the error (the operation's, else the list's own `pollError`) and the notice, to place
// at the top of the page.
export function useListOps(reload, pollError) {
  const [opError, setOpError] = useState(null);
  const [notice, setNotice] = useState('');
  const [dialog, confirm] = useConfirm();
  const op = async (f, done) => {
    setOpError(null);
    setNotice('');
    // The notice comes after the reloaded list, so it never describes a list not yet shown.
    try {
      await f();
      await reload();
      if (done) setNotice(done);
    } catch (e) {
      setOpError(e);
      reload();
    }
  };
  const notes = (
    <>
      {dialog}
      <ErrorNote error={opError || pollError} onClose={opError ? () => setOpError(null) : null} />
      <Notice text={notice} />
    </>
  );
  return { op, confirm, notes };
}

export function Section({ title, children, actions }) {
  return (
    <section class="card">
      <header class="card-head"><h2>{title}</h2>{actions}</header>
      {children}
    </section>
  );
}

export const fmt = (n) => (typeof n === 'number' ? (Number.isInteger(n) ? n.toLocaleString('en') : n.toFixed(2)) : '–');
