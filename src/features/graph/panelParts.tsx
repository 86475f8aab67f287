/**
 * Pieces the Graph tab's side panel shares between its task, ghost and group views: the status
 * pill, a link to another node, the list of parents and children, a violation explained.
 */
import { type ErrorCode, type Violation, explain } from 'wimse-ect';
import { CodeLink } from '../../components/CodeLink.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import type { GraphModel } from './model.ts';

/**
 * Violations explained one by one, at most: a token naming 100,000 missing parents has 100,000
 * parent_not_found violations, and drawing them all kept Chromium's main thread busy past 100 s.
 */
export const MAX_EXPLAINED = 20;

/** "99,980 more parent_not_found, 1 more cycle": the violations not explained one by one. */
export function moreByCode(rest: readonly Violation[]): string {
  const counts = new Map<string, number>();
  for (const v of rest) counts.set(v.code, (counts.get(v.code) ?? 0) + 1);
  return [...counts].map(([code, c]) => `${c.toLocaleString('en')} more ${code}`).join(', ');
}

export const STATUS_PILL = {
  valid: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  invalid: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200',
  tainted: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
  ghost: 'bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200',
} as const;

export const STATUS_WORD = {
  valid: 'valid',
  invalid: 'invalid',
  tainted: 'tainted',
  ghost: 'missing parent',
} as const;

/** A node of the model, and what picking another node does: the props of the panel's node views. */
export interface NodePick {
  model: GraphModel;
  i: number;
  onPick: (i: number) => void;
}

export function NodeLink({ model, i, onPick }: NodePick) {
  const n = model.nodes[i]!;
  return (
    <button
      type="button"
      onClick={() => onPick(i)}
      className="inline-flex max-w-full items-baseline gap-1 rounded px-1 text-left hover:bg-slate-100 dark:hover:bg-slate-800"
    >
      <span className={`rounded px-1 text-[10px] font-semibold ${STATUS_PILL[n.status]}`}>
        {STATUS_WORD[n.status]}
      </span>
      <span className="truncate font-medium">
        {n.kind === 'ghost' ? 'missing' : <VisibleText text={n.act ?? '(no exec_act)'} />}
      </span>
      <code className="font-mono text-xs text-slate-500 dark:text-slate-400">
        <VisibleText text={n.shortJti} />
      </code>
    </button>
  );
}

export function Relatives({ model, i, onPick }: NodePick) {
  const n = model.nodes[i]!;
  const list = (title: string, items: number[]) => (
    <div>
      <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
        {title} ({items.length})
      </h4>
      {items.length === 0 ? (
        <p className="text-xs text-slate-500 dark:text-slate-400">none</p>
      ) : (
        <ul className="flex flex-col">
          {[...new Set(items)].slice(0, 40).map((j) => (
            <li key={j}>
              <NodeLink model={model} i={j} onPick={onPick} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
  return (
    <section aria-label="Parents and children" className="grid grid-cols-2 gap-2">
      {list('Parents', n.parents)}
      {list('Children', n.children)}
    </section>
  );
}

export function Explained({
  code,
  message,
  pred,
}: {
  code: ErrorCode;
  message: string;
  pred?: string | undefined;
}) {
  const e = explain(code);
  return (
    <li
      data-testid="node-violation"
      data-code={code}
      className="rounded-md border border-red-200 bg-red-50/60 p-2 dark:border-red-900/60 dark:bg-red-950/30"
    >
      <p>
        <code className="rounded bg-red-100 px-1 font-mono text-xs font-semibold text-red-900 dark:bg-red-900/60 dark:text-red-100">
          <CodeLink code={code} />
        </code>{' '}
        <span className="font-semibold">{e.title}</span>
        {pred && (
          <span className="text-xs text-slate-600 dark:text-slate-400">
            {' '}
            · edge to{' '}
            <code className="font-mono">
              <VisibleText text={pred} />
            </code>
          </span>
        )}
      </p>
      <p className="mt-0.5 text-red-900 dark:text-red-100">
        <VisibleText text={message} />
      </p>
      <p className="mt-1 text-xs text-slate-700 dark:text-slate-300">
        <span className="font-semibold">What:</span> {e.what}
      </p>
      <p className="mt-0.5 text-xs text-slate-700 dark:text-slate-300">
        <span className="font-semibold">Fix:</span> {e.fix}
      </p>
      <p className="mt-0.5 text-[11px] text-slate-500 dark:text-slate-400">
        {e.profileSection} · draft: {e.draftSection}
      </p>
    </li>
  );
}
