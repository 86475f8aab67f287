/**
 * "Replay a workflow": a ledger rebuilt one entry at a time. A slider (or
 * play / step) picks k; the DAG, the entry just added and the chain head are
 * those of the first k entries, audited as a set: a child that came before its
 * parent shows parent_not_found until the parent arrives.
 */
import { memo, useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import { GENESIS_HASH, type AuditReport, explain } from 'wimse-ect';
import { Button } from '../../components/Button.tsx';
import { CodeLink } from '../../components/CodeLink.tsx';
import { DemoLedgerButton } from '../../components/DemoLedger.tsx';
import { MiniDag, type MiniDagEdge, type MiniDagNode } from '../../components/MiniDag.tsx';
import { useLedgers } from '../../state/ledgers.ts';
import { hashFor } from '../../state/router.ts';
import { useReplayChoice, useReplayLedger } from './useReplayLedger.ts';
import { useVerifierSettings } from '../../state/verifierSettings.ts';
import type { EntryRecord } from '../../storage/ledger.ts';
import { HeaderRow } from '../../components/HeaderRow.tsx';
import {
  firstIndexByJti,
  replayAudit,
  replayGraph,
  REPLAY_WINDOW,
  type ReplayEdge,
  type ReplayNode,
  type ReplayStatus,
} from './replayModel.ts';

const ROWS_SHOWN = 8;
const NODE_W = 190;
const NODE_H = 62;

const STATUS: Record<ReplayStatus, { word: string; mark: string; box: string; text: string }> = {
  valid: {
    word: 'valid',
    mark: '✓',
    box: 'border-emerald-500 bg-white dark:bg-slate-900',
    text: 'text-emerald-700 dark:text-emerald-300',
  },
  invalid: {
    word: 'invalid',
    mark: '✗',
    box: 'border-red-500 bg-red-50 dark:bg-red-950/60',
    text: 'text-red-800 dark:text-red-300',
  },
  tainted: {
    word: 'tainted',
    mark: '◐',
    box: 'border-amber-500 bg-amber-50 dark:bg-amber-950/50',
    text: 'text-amber-800 dark:text-amber-300',
  },
  ghost: {
    word: 'not in the ledger yet',
    mark: '?',
    box: 'border-dashed border-slate-400 bg-slate-50 dark:border-slate-500 dark:bg-slate-900',
    text: 'text-slate-600 dark:text-slate-400',
  },
};

const EDGE_COLOR: Record<ReplayEdge['status'], string> = {
  ok: '#10b981',
  invalid: '#ef4444',
  ghost: '#94a3b8',
};

const short = (s: string | null, n = 8) => (s === null ? '—' : s.length > n + 1 ? `${s.slice(0, n)}…` : s);

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

type ReplayDagNode = ReplayNode & MiniDagNode;

const ReplayNodeView = memo(function ReplayNodeView({ node: n }: { node: ReplayDagNode }) {
  const s = STATUS[n.status];
  const ghost = n.status === 'ghost';
  return (
    <div
      className={`h-[62px] w-[190px] overflow-hidden rounded-md border-2 px-2 py-1 text-left text-slate-900 dark:text-slate-100 ${s.box} ${
        n.newest ? 'ring-4 ring-sky-400/70' : ''
      }`}
      data-testid="replay-node"
      data-jti={n.jti ?? ''}
      data-status={n.status}
      data-codes={n.codes.join(' ')}
      data-newest={n.newest || undefined}
      title={`${n.jti ?? ''}${n.codes.length ? `\n${n.codes.join(', ')}` : ''}`}
    >
      <div className="flex items-baseline gap-1">
        <span className="truncate text-xs font-semibold">
          {ghost ? 'missing parent' : (n.act ?? '(no exec_act)')}
        </span>
        <span className={`ml-auto shrink-0 text-[10px] font-semibold ${s.text}`}>
          {s.mark} {ghost ? '' : s.word}
        </span>
      </div>
      <div className="truncate font-mono text-[10px] text-slate-600 dark:text-slate-400">
        {n.index !== null ? `#${n.index + 1} · ` : ''}
        {short(n.jti, 13)}
      </div>
      {(n.codes.length > 0 || ghost) && (
        <div className={`truncate text-[10px] ${ghost ? 'text-slate-600 dark:text-slate-400' : s.text}`}>
          {ghost ? 'not in the ledger yet' : n.codes.join(', ')}
        </div>
      )}
    </div>
  );
});

function Flow({ nodes, edges }: { nodes: ReplayNode[]; edges: ReplayEdge[] }) {
  const dagNodes = useMemo<ReplayDagNode[]>(
    () =>
      nodes.map((n) => ({
        ...n,
        // Fixed sizes: the fit need not wait for React Flow to measure 300 nodes.
        width: NODE_W,
        height: NODE_H,
        ariaLabel: `${n.status === 'ghost' ? 'missing parent' : (n.act ?? 'task')} ${n.jti ?? ''}: ${STATUS[n.status].word}${
          n.codes.length ? `, ${n.codes.join(', ')}` : ''
        }`,
      })),
    [nodes],
  );
  const dagEdges = useMemo<MiniDagEdge[]>(
    () =>
      edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        color: EDGE_COLOR[e.status],
        dashed: e.status === 'ghost',
      })),
    [edges],
  );
  return (
    <MiniDag
      nodes={dagNodes}
      edges={dagEdges}
      NodeView={ReplayNodeView}
      fitPadding={0.15}
      // Far enough out for the whole window (300 entries) to fit at every position, End included.
      minZoom={0.02}
      ariaLabel="Workflow DAG of the entries replayed"
    />
  );
}

function Legend() {
  return (
    <p className="flex flex-wrap gap-x-3 text-xs text-slate-600 dark:text-slate-400">
      <span>
        <span className="text-emerald-600">■</span> valid
      </span>
      <span>
        <span className="text-red-500">■</span> invalid
      </span>
      <span>
        <span className="text-amber-500">■</span> tainted (downstream of an invalid task)
      </span>
      <span>
        <span className="text-slate-400">▢</span> dashed: a parent not in the ledger yet
      </span>
      <span>
        <span className="text-sky-500">◯</span> ring: the entry just added
      </span>
    </p>
  );
}

function Added({
  k,
  sub,
  entries,
  arrivals,
}: {
  k: number;
  sub: AuditReport;
  entries: EntryRecord[];
  arrivals: Map<string, number>;
}) {
  const box =
    'flex flex-col gap-1 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900';
  if (k === 0) {
    return (
      <section aria-label="Entry just added" className={box} data-testid="replay-added" data-status="none">
        <h3 className="font-semibold">Entry just added</h3>
        <p className="text-slate-600 dark:text-slate-400">None yet.</p>
      </section>
    );
  }
  const node = sub.nodes[k - 1]!;
  const entry = entries[k - 1]!;
  const payload = node.report.payload;
  const act = typeof payload?.exec_act === 'string' ? payload.exec_act : null;
  const iss = typeof payload?.iss === 'string' ? payload.iss : null;
  const status: ReplayStatus = !node.valid ? 'invalid' : node.tainted ? 'tainted' : 'valid';
  const own = sub.violations.filter((v) => v.index === k - 1);
  const missing = own.filter((v) => v.code === 'parent_not_found' && v.pred !== undefined);
  return (
    <section
      aria-label="Entry just added"
      className={box}
      data-testid="replay-added"
      data-status={status}
      data-codes={node.codes.join(' ')}
    >
      <h3 className="font-semibold">Entry just added</h3>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
        <dt className="text-slate-600 dark:text-slate-400">seq</dt>
        <dd className="font-mono">{entry.seq}</dd>
        <dt className="text-slate-600 dark:text-slate-400">jti</dt>
        <dd className="font-mono text-xs break-all">{node.jti ?? '(none)'}</dd>
        <dt className="text-slate-600 dark:text-slate-400">exec_act</dt>
        <dd className="font-mono">{act ?? '—'}</dd>
        <dt className="text-slate-600 dark:text-slate-400">issuer</dt>
        <dd className="text-xs break-all">{iss ?? '—'}</dd>
        <dt className="text-slate-600 dark:text-slate-400">verdict</dt>
        <dd className={`font-semibold ${STATUS[status].text}`} data-testid="replay-verdict">
          {STATUS[status].mark} {status === 'tainted' ? 'valid, but tainted' : STATUS[status].word}
          {node.codes.length > 0 && ': '}
          {node.codes.map((c, i) => (
            <span key={c}>
              {i > 0 && ', '}
              <code className="font-mono">
                <CodeLink code={c} />
              </code>
            </span>
          ))}
        </dd>
      </dl>
      {own.length > 0 && (
        <ul className="mt-1 list-disc pl-5 text-xs text-red-900 dark:text-red-200">
          {own.map((v, i) => (
            <li key={i}>
              {explain(v.code).title}: {v.message}
            </li>
          ))}
        </ul>
      )}
      {missing.map((v) => {
        const at = arrivals.get(v.pred!);
        return (
          <p key={v.pred} className="text-xs text-slate-700 dark:text-slate-300" data-testid="replay-arrives">
            {at !== undefined && at >= k
              ? `Its parent ${short(v.pred!, 13)} arrives later, as entry ${at + 1}: step on to watch the violation go away.`
              : `Its parent ${short(v.pred!, 13)} is not in this ledger at all.`}
          </p>
        );
      })}
      {status === 'tainted' && (
        <p className="text-xs text-amber-900 dark:text-amber-200">
          Valid itself, but it builds on an invalid task, so an auditor cannot rely on its lineage yet.
        </p>
      )}
    </section>
  );
}

function ChainHead({ k, entries }: { k: number; entries: EntryRecord[] }) {
  const head = k === 0 ? GENESIS_HASH : entries[k - 1]!.entryHash;
  const prev = k === 0 ? null : entries[k - 1]!.prevHash;
  return (
    <section
      aria-label="Chain head"
      className="flex flex-col gap-1 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
      data-testid="replay-head"
    >
      <h3 className="font-semibold">Chain head after {k === 1 ? '1 entry' : `${k} entries`}</h3>
      <p className="font-mono text-xs break-all" data-testid="replay-head-hash">
        {head}
      </p>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        {k === 0
          ? 'Before the first entry the chain starts from 64 zeros.'
          : `entry_hash of entry ${k} = SHA-256(previous hash ${prev!.slice(0, 10)}… ‖ the token). Change any earlier token and every hash from there on changes.`}
      </p>
    </section>
  );
}

function LedgerSoFar({ k, sub, entries }: { k: number; sub: AuditReport; entries: EntryRecord[] }) {
  const from = Math.max(0, k - ROWS_SHOWN);
  const rows = entries.slice(from, k);
  return (
    <section
      aria-label="Ledger so far"
      className="flex flex-col gap-1 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
    >
      <h3 className="font-semibold">Ledger so far</h3>
      {k === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">No entry yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full border-collapse text-left text-xs">
            <thead className="text-slate-500 dark:text-slate-400">
              <HeaderRow
                columns={['seq', 'jti', 'exec_act', `verdict (first ${k})`, 'entry_hash']}
                cellClassName="px-2 py-1 font-semibold"
              />
            </thead>
            <tbody>
              {from > 0 && (
                <tr>
                  <td colSpan={5} className="px-2 py-1 text-slate-500 dark:text-slate-400">
                    … {from.toLocaleString('en')} earlier {from === 1 ? 'entry' : 'entries'}
                  </td>
                </tr>
              )}
              {rows.map((e, i) => {
                const node = sub.nodes[from + i]!;
                const status: ReplayStatus = !node.valid ? 'invalid' : node.tainted ? 'tainted' : 'valid';
                const newest = from + i === k - 1;
                return (
                  <tr
                    key={e.seq}
                    data-testid="replay-row"
                    data-status={status}
                    className={`border-t border-slate-100 dark:border-slate-800 ${
                      newest ? 'bg-sky-50 dark:bg-sky-950/40' : ''
                    }`}
                  >
                    <td className="px-2 py-1 font-mono">{e.seq}</td>
                    <td className="px-2 py-1 font-mono" title={e.jti}>
                      {short(e.jti, 13)}
                    </td>
                    <td className="px-2 py-1 font-mono">{e.exec_act ?? '—'}</td>
                    <td className={`px-2 py-1 font-semibold ${STATUS[status].text}`}>
                      {STATUS[status].mark} {STATUS[status].word}
                      {node.codes.length > 0 && ` (${node.codes.join(', ')})`}
                    </td>
                    <td
                      className="px-2 py-1 font-mono text-slate-600 dark:text-slate-400"
                      title={e.entryHash}
                    >
                      {e.entryHash.slice(0, 12)}…
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
