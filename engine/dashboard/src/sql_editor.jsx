// The rule SQL editor: CodeMirror 6 with an SQL mode for mqbridge's dialect (EMQX's rule SQL:
// SELECT/FOREACH/DO/INCASE, CASE, quoted topic filters), line numbers, undo history, bracket
// matching and keyword completion. `error` ({line, column, message}) is drawn as a diagnostic at
// that place. The editor owns its text: `value` is the text it starts with and `onChange` reports
// every edit. To replace the text from outside (an SQL example), pass a new `replace` object
// ({text}); each new object replaces it once. (Feeding every edit back through a `value` prop
// would write stale renders over newer keystrokes.)
import { useEffect, useRef } from 'preact/hooks';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, placeholder } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching } from '@codemirror/language';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { sql, SQLDialect } from '@codemirror/lang-sql';

const RuleSQL = SQLDialect.define({
  keywords: 'select from where and or not as case when then else end in foreach do incase is null true false like',
  builtin: 'payload topic qos clientid username flags retain peerhost timestamp node id event pub_props',
  identifierQuotes: '`',
  doubleQuotedStrings: true,
});

export function SqlEditor({ value, replace, onChange, error, label = 'SQL' }) {
  const host = useRef(null);
  const view = useRef(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    view.current = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(), history(), drawSelection(), highlightActiveLine(), bracketMatching(),
          closeBrackets(), autocompletion(), lintGutter(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          sql({ dialect: RuleSQL, upperCaseKeywords: true }),
          placeholder('SELECT * FROM "t/#"'),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    return () => view.current.destroy();
  }, []);
  useEffect(() => {
    const v = view.current;
    if (v && replace && v.state.doc.toString() !== replace.text) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: replace.text } });
    }
  }, [replace]);
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const diagnostics = [];
    if (error && error.line >= 1 && error.line <= v.state.doc.lines) {
      const line = v.state.doc.line(error.line);
      const from = Math.min(line.from + Math.max(error.column - 1, 0), line.to);
      diagnostics.push({ from, to: Math.min(from + 1, line.to) === from ? from : Math.min(from + 1, line.to), severity: 'error', message: error.message });
    }
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [error]);
  return <div class="sql-editor" ref={host} />;
}

// "SQL error: line 3, column 1: expected ..." as {line, column, message}, or null.
export function sqlErrorPosition(message) {
  const m = /line (\d+), column (\d+): (.*)$/s.exec(message || '');
  return m ? { line: Number(m[1]), column: Number(m[2]), message: m[3] } : null;
}
