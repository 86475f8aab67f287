/**
 * "Replay a workflow": a ledger rebuilt one entry at a time. A slider (or
 * play / step) picks k; the DAG, the entry just added and the chain head are
 * those of the first k entries, audited as a set: a child that came before its
 * parent shows parent_not_found until the parent arrives.
 */
import { useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import type { AuditReport } from 'wimse-ect';
import { Button } from '../../components/Button.tsx';
import { CodeLink } from '../../components/CodeLink.tsx';
import { DemoLedgerButton } from '../../components/DemoLedger.tsx';
import { useLedgers } from '../../state/ledgers.ts';
import { hashFor } from '../../state/router.ts';
import { useReplayChoice, useReplayLedger } from './useReplayLedger.ts';
import { useVerifierSettings } from '../../state/verifierSettings.ts';
import type { EntryRecord } from '../../storage/ledger.ts';
import { firstIndexByJti, replayAudit, replayGraph, REPLAY_WINDOW } from './replayModel.ts';
import { Flow, Legend } from './ReplayFlow.tsx';
import { Added, ChainHead, LedgerSoFar } from './ReplayPanels.tsx';

export function Replay() {
  const status = useLedgers((s) => s.status);
  const error = useLedgers((s) => s.error);
  const ledgers = useLedgers((s) => s.ledgers);
  const progress = useLedgers((s) => s.progress);
  const currentId = useLedgers((s) => s.currentId);
  const { id, ledger } = useReplayLedger();
  const selectId = useId();

  useEffect(() => {
    if (useLedgers.getState().status === 'idle') void useLedgers.getState().load();
  }, []);

  if (status === 'error') {
    return (
      <p role="alert" className="text-sm text-red-800 dark:text-red-300">
        {error}
      </p>
    );
  }
  if (status !== 'ready') {
    return <p className="text-sm text-slate-600 dark:text-slate-400">Opening the ledgers…</p>;
  }
  const ready = ledger.status === 'ready' ? ledger : null;
  const n = ready ? Math.min(ready.audit.nodes.length, ready.entries.length) : 0;
  return (
    <div className="flex flex-col gap-3 text-sm">
      <p className="text-slate-700 dark:text-slate-300">
        A ledger records tokens in the order they arrived. Replay it one entry at a time and watch the audit
        of what has arrived so far: a task whose parent has not arrived yet shows{' '}
        <CodeLink code="parent_not_found" /> until its parent is appended, and everything downstream of it is
        tainted meanwhile.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={selectId} className="font-medium">
          Ledger to replay
        </label>
        <select
          id={selectId}
          value={id ?? ''}
          // The replay's own choice: the Ledger and Graph tabs keep the ledger they have open.
          onChange={(e) => useReplayChoice.getState().choose(e.target.value)}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
        >
          {ledgers.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
        <span className="text-xs text-slate-600 dark:text-slate-400" data-testid="replay-ledger-size">
          {ready
            ? `${n.toLocaleString('en')} ${n === 1 ? 'entry' : 'entries'}`
            : progress && id === currentId
              ? `auditing ${progress.done.toLocaleString('en')} / ${progress.total.toLocaleString('en')}…`
              : 'reading…'}
        </span>
      </div>
      {ledger.status === 'error' ? (
        <p role="alert" className="text-red-800 dark:text-red-300">
          {ledger.message}
        </p>
      ) : !ready ? (
        <p className="text-slate-600 dark:text-slate-400" role="status">
          Reading and auditing the ledger…
        </p>
      ) : n === 0 ? (
        <div
          className="flex flex-col gap-2 rounded-md border border-dashed border-slate-300 p-4 text-slate-700 dark:border-slate-700 dark:text-slate-300"
          data-testid="replay-empty"
        >
          <p>
            This ledger is empty. Import tokens on the{' '}
            <a className="underline underline-offset-2" href={hashFor('ledger')}>
              Ledger tab
            </a>
            , or run a scenario in{' '}
            <a className="underline underline-offset-2" href={hashFor('simulate')}>
              Simulate
            </a>{' '}
            and keep the run; then replay it here. Or replay the demo: a release workflow with a defect of
            each kind, arriving in ledger order.
          </p>
          <DemoLedgerButton />
        </div>
      ) : (
        <ReplayPlayer key={ready.id} audit={ready.audit} entries={ready.entries} n={n} />
      )}
    </div>
  );
}

/** Entries a second while playing. */
const SPEEDS = [1, 2, 5, 20, 100, 500] as const;
/** The fastest the view follows: past this, several entries are added per tick. */
const MIN_TICK_MS = 50;

function ReplayPlayer({ audit, entries, n }: { audit: AuditReport; entries: EntryRecord[]; n: number }) {
  const [k, setK] = useState(0);
  const [playing, setPlaying] = useState(false);
  // A long ledger plays faster by default: 2,000 entries at one a second took 33 minutes.
  const [speed, setSpeed] = useState<number>(n <= 60 ? 1 : 20);
  const speedId = useId();
  const settings = useVerifierSettings((s) => s.settings);
  const sliderId = useId();
  const kk = Math.min(k, n);
  // Dragging stays smooth on a large ledger: the audit follows in a deferred render.
  const shownK = useDeferredValue(kk);

  const reports = useMemo(() => audit.nodes.slice(0, n).map((node) => node.report), [audit, n]);
  const sub = useMemo(() => replayAudit(reports, shownK, settings), [reports, shownK, settings]);
  const graph = useMemo(() => replayGraph(sub), [sub]);
  const arrivals = useMemo(() => firstIndexByJti(audit), [audit]);

  // Playing stops by itself at the last entry.
  const isPlaying = playing && kk < n;
  useEffect(() => {
    if (!isPlaying) return;
    const tick = Math.max(MIN_TICK_MS, 1000 / speed);
    const step = Math.max(1, Math.round((speed * tick) / 1000));
    const t = setInterval(() => setK((v) => Math.min(v + step, n)), tick);
    return () => clearInterval(t);
  }, [isPlaying, n, speed]);

  const counts = { valid: 0, invalid: 0, tainted: 0 };
  for (const node of sub.nodes) counts[node.valid ? (node.tainted ? 'tainted' : 'valid') : 'invalid']++;

  const go = (v: number) => {
    setPlaying(false);
    setK(Math.max(0, Math.min(n, v)));
  };

  return (
    <div className="flex flex-col gap-3" data-testid="replay" data-k={shownK}>
      <div className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
        <div className="flex flex-wrap items-center gap-3">
          <label htmlFor={sliderId} className="font-medium">
            Entries replayed
          </label>
          <input
            id={sliderId}
            type="range"
            min={0}
            max={n}
            step={1}
            value={kk}
            onChange={(e) => {
              setPlaying(false);
              setK(Number(e.target.value));
            }}
            aria-valuetext={`${kk} of ${n} entries`}
            data-testid="replay-slider"
            className="min-w-48 flex-1 accent-sky-600"
          />
          <output htmlFor={sliderId} className="w-28 font-mono text-sm tabular-nums" data-testid="replay-k">
            {kk} / {n}
          </output>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <Button onClick={() => go(0)} disabled={kk === 0} title="Back to the empty ledger">
            « Start
          </Button>
          <Button onClick={() => go(kk - 1)} disabled={kk === 0}>
            ◀ Step back
          </Button>
          <Button
            variant="primary"
            onClick={() => {
              if (isPlaying) return setPlaying(false);
              if (kk >= n) setK(0);
              setPlaying(true);
            }}
            aria-pressed={isPlaying}
          >
            {isPlaying ? '⏸ Pause' : kk >= n ? '▶ Play again' : '▶ Play'}
          </Button>
          <Button onClick={() => go(kk + 1)} disabled={kk >= n}>
            Step ▶
          </Button>
          <Button onClick={() => go(n)} disabled={kk >= n} title="Jump to the whole ledger">
            End »
          </Button>
          <label htmlFor={speedId} className="ml-1 text-xs text-slate-600 dark:text-slate-400">
            Speed
          </label>
          <select
            id={speedId}
            value={speed}
            onChange={(e) => setSpeed(Number(e.target.value))}
            data-testid="replay-speed"
            className="rounded-md border border-slate-300 bg-white px-1 py-0.5 text-xs text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
          >
            {SPEEDS.map((v) => (
              <option key={v} value={v}>
                {v} {v === 1 ? 'entry' : 'entries'} a second
              </option>
            ))}
          </select>
          <p className="ml-auto text-xs text-slate-600 dark:text-slate-400" data-testid="replay-summary">
            After {shownK} {shownK === 1 ? 'entry' : 'entries'}: {counts.valid} valid · {counts.invalid}{' '}
            invalid · {counts.tainted} tainted
          </p>
        </div>
      </div>

      <div className="flex flex-col gap-3">
        <section
          aria-label="Workflow DAG so far"
          className="flex min-w-0 flex-col gap-1 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
        >
          <h3 className="font-semibold">Workflow DAG so far</h3>
          {graph.hidden > 0 && (
            <p className="text-xs text-amber-800 dark:text-amber-300" data-testid="replay-window-note">
              Showing the last {REPLAY_WINDOW} of {shownK.toLocaleString('en')} entries; edges to earlier
              entries are not drawn.
            </p>
          )}
          <div
            className="h-[min(60vh,480px)] min-h-[340px] overflow-hidden rounded-md border border-slate-200 dark:border-slate-800"
            data-testid="replay-canvas"
            data-nodes={graph.nodes.length}
          >
            {graph.nodes.length === 0 ? (
              <p className="p-4 text-slate-600 dark:text-slate-400">
                Nothing yet: the ledger before its first entry. Press Play or Step ▶, or drag the slider.
              </p>
            ) : (
              <Flow nodes={graph.nodes} edges={graph.edges} />
            )}
          </div>
          <Legend />
        </section>
        <div className="grid min-w-0 gap-3 md:grid-cols-2">
          <Added k={shownK} sub={sub} entries={entries} arrivals={arrivals} />
          <ChainHead k={shownK} entries={entries} />
        </div>
      </div>
      <LedgerSoFar k={shownK} sub={sub} entries={entries} />
    </div>
  );
}
