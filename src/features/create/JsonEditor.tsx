import type { JsonObject } from 'wimse-ect';
import { at, kindOf, parseJsonText, type JsonTextError, type JsonTextResult } from './jsonText.ts';
import { isObject, type DryRun } from './payload.ts';
import { useCreator } from './store.ts';
import { INPUT, SECTION_TITLE, useSyncedText } from './ui.tsx';

/** The editor's text as a payload: JSON, and an object. */
export function parseEditorText(text: string): JsonTextResult {
  const r = parseJsonText(text);
  if (!r.ok) return r;
  if (!isObject(r.value)) {
    const start = text.search(/\S/);
    return {
      ok: false,
      error: at(
        text,
        Math.max(0, start),
        `the payload must be a JSON object ({ … }) of claims, but this is ${kindOf(r.value)}`,
      ),
    };
  }
  return r;
}

/** The payload as JSON, kept in sync with the form both ways. */
export function JsonEditor({ dry }: { dry: DryRun }) {
  const payload = useCreator((s) => s.payload);
  const setPayloadFromEditor = useCreator((s) => s.setPayloadFromEditor);
  const setEditorError = useCreator((s) => s.setEditorError);
  const synced = useSyncedText<JsonTextError>(
    payload,
    (v) => JSON.stringify(v, null, 2),
    (text) => {
      const r = parseEditorText(text);
      // Called from the change handler only: Sign refuses while the editor is broken.
      setEditorError(r.ok ? null : `line ${r.error.line}, column ${r.error.column}: ${r.error.message}`);
      return r;
    },
    (v) => setPayloadFromEditor(v as JsonObject),
  );
  const error = synced.error;
  const lines = synced.text.split('\n').length;
  return (
    <section className="flex min-w-0 flex-col gap-2">
      <div className="flex items-baseline justify-between gap-2">
        <label htmlFor="payload-json-editor" className={SECTION_TITLE}>
          Payload JSON
        </label>
        <span className="text-xs text-slate-500 dark:text-slate-400">
          {dry.problems.length === 0
            ? 'no problems'
            : `${dry.problems.length} problem${dry.problems.length === 1 ? '' : 's'}`}
        </span>
      </div>
      <textarea
        id="payload-json-editor"
        aria-describedby={error ? 'payload-json-error payload-json-help' : 'payload-json-help'}
        aria-invalid={error !== null}
        rows={Math.min(40, Math.max(12, lines + 1))}
        className={`${INPUT} leading-snug`}
        spellCheck={false}
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="off"
        value={synced.text}
        onChange={(e) => synced.onText(e.target.value)}
      />
      {error && (
        <div
          id="payload-json-error"
          role="alert"
          data-testid="json-error"
          className="rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/50 dark:text-red-100"
        >
          <p>
            <strong>
              Line {error.line}, column {error.column}:
            </strong>{' '}
            {error.message}.
          </p>
          <pre className="mt-1 overflow-x-auto font-mono text-xs" aria-hidden="true">
            {error.lineText}
            {'\n'}
            {' '.repeat(Math.max(0, error.column - 1))}^
          </pre>
          <p className="mt-1 text-xs">The form keeps the last valid payload until the JSON is fixed.</p>
        </div>
      )}
      <p id="payload-json-help" className="text-xs text-slate-500 dark:text-slate-400">
        Edit the claims here or in the form: each follows the other. Claim names decide the version (pred,
        ect_ext: -01; par, ext, top-level pol: -00).
      </p>
    </section>
  );
}
