/** The scenario picker: built-in and saved scenarios, save, download, import, edit. */
import { useId, useRef } from 'react';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { BUILTIN_SCENARIOS, serializeScenario } from './engine/index.ts';
import { downloadText } from '../../lib/download.ts';
import { fileNameFor } from './scenarioFileName.ts';
import { useSimulate } from './store.ts';
import { inputCls } from './ui.tsx';

export function ScenarioBar() {
  const id = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const scenario = useSimulate((s) => s.scenario);
  const source = useSimulate((s) => s.source);
  const edited = useSimulate((s) => s.edited);
  const saved = useSimulate((s) => s.saved);
  const notice = useSimulate((s) => s.notice);
  const editorOpen = useSimulate((s) => s.editorOpen);
  const problems = useSimulate((s) => s.problems);
  const busy = useSimulate((s) => s.busy);

  const value =
    source.kind === 'builtin'
      ? `builtin:${source.id}`
      : source.kind === 'saved'
        ? `saved:${source.name}`
        : 'file';

  return (
    <section
      aria-label="Scenario and files"
      data-testid="sim-scenario"
      className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex min-w-64 flex-1 flex-col gap-1">
          <label htmlFor={`${id}-pick`} className="text-xs font-semibold text-slate-600 dark:text-slate-400">
            Scenario
          </label>
          <select
            id={`${id}-pick`}
            data-testid="sim-scenario-select"
            className={inputCls}
            value={value}
            disabled={busy}
            onChange={(e) => {
              const v = e.target.value;
              if (v.startsWith('builtin:')) useSimulate.getState().loadBuiltin(v.slice(8));
              else if (v.startsWith('saved:')) useSimulate.getState().loadSaved(v.slice(6));
            }}
          >
            <optgroup label="Built-in">
              {BUILTIN_SCENARIOS.map((b) => (
                <option key={b.id} value={`builtin:${b.id}`}>
                  {b.scenario.name}
                </option>
              ))}
            </optgroup>
            {saved.length > 0 && (
              <optgroup label="Saved in this browser">
                {saved.map((s) => (
                  <option key={s.name} value={`saved:${s.name}`}>
                    {s.name}
                  </option>
                ))}
              </optgroup>
            )}
            {source.kind === 'file' && (
              <option value="file">
                {scenario.name} (from {source.name})
              </option>
            )}
          </select>
        </div>
        <Button
          aria-expanded={editorOpen}
          aria-controls="sim-editor"
          onClick={() => useSimulate.getState().setEditorOpen(!editorOpen)}
        >
          {editorOpen ? 'Close editor' : 'Edit scenario'}
        </Button>
        <Button onClick={() => useSimulate.getState().saveInBrowser()} disabled={!scenario.name.trim()}>
          Save in browser
        </Button>
        {source.kind === 'saved' && !edited && (
          <Button variant="danger" onClick={() => useSimulate.getState().deleteSaved(source.name)}>
            Delete saved
          </Button>
        )}
        <Button onClick={() => downloadText(fileNameFor(scenario.name), serializeScenario(scenario))}>
          Download file
        </Button>
        <Button onClick={() => fileRef.current?.click()}>Import file…</Button>
        <input
          ref={fileRef}
          type="file"
          accept=".json,application/json"
          className="sr-only"
          tabIndex={-1}
          aria-label="Import a scenario file"
          data-testid="sim-file-input"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (!file) return;
            let text: string;
            try {
              text = await file.text();
            } catch (err) {
              useSimulate.setState({
                notice: {
                  tone: 'error',
                  text: `${file.name} could not be read: ${err instanceof Error ? err.message : String(err)}.`,
                },
              });
              return;
            }
            useSimulate.getState().importFile(file.name, text);
          }}
        />
      </div>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <h2 className="text-lg font-semibold" data-testid="sim-scenario-name">
          {scenario.name || 'Untitled scenario'}
        </h2>
        <Badge tone={scenario.level === 'L3' ? 'violet' : 'sky'} title="Assurance level of the run">
          {scenario.level}
        </Badge>
        {scenario.stores === 'per-domain' && (
          <Badge tone="slate" title="Each trust domain keeps its own store">
            one store per trust domain
          </Badge>
        )}
        {edited && (
          <Badge tone="amber" title="Changed in the editor since it was loaded">
            edited
          </Badge>
        )}
        <span className="text-xs text-slate-500 dark:text-slate-400">
          {scenario.agents.length} agents · {scenario.tasks.length} tasks
          {scenario.wid ? ` · wid ${scenario.wid}` : ' · no workflow id'}
        </span>
      </div>
      {scenario.description && (
        <p className="mt-1 max-w-4xl text-sm text-slate-700 dark:text-slate-300">{scenario.description}</p>
      )}
      {problems.length > 0 && !editorOpen && (
        <p className="mt-2 text-sm text-red-800 dark:text-red-300">
          This scenario has {problems.length} problem{problems.length > 1 ? 's' : ''}; open the editor to fix{' '}
          {problems.length > 1 ? 'them' : 'it'}.
        </p>
      )}
      {notice && (
        <div
          role={notice.tone === 'error' ? 'alert' : 'status'}
          data-testid="sim-notice"
          className={`mt-2 flex items-start gap-2 rounded-md px-2 py-1 text-sm ${
            notice.tone === 'error'
              ? 'bg-red-50 text-red-900 dark:bg-red-950/60 dark:text-red-200'
              : 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-200'
          }`}
        >
          <span className="flex-1">{notice.text}</span>
          <button
            type="button"
            className="rounded px-1 text-xs underline"
            onClick={() => useSimulate.getState().dismissNotice()}
          >
            Dismiss
          </button>
        </div>
      )}
    </section>
  );
}
