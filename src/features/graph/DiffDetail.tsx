/** The side panel while two ledgers are compared: the selected task's verdict in each. */
import { memo } from 'react';
import { Button } from '../../components/Button.tsx';
import { CodeLink } from '../../components/CodeLink.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import type { GraphModel, NodeDiff } from './model.ts';

const MARK_TEXT = {
  same: 'in both, same verdict',
  changed: 'in both, verdict changed',
  onlyA: 'only in A',
  onlyB: 'only in B',
} as const;

function Verdict({ side, name, v }: { side: 'A' | 'B'; name: string; v: NodeDiff['a'] }) {
  return (
    <div
      className="rounded-md border border-slate-200 p-2 dark:border-slate-700"
      data-testid={`diff-${side}`}
    >
      <p className="text-xs font-semibold text-slate-600 dark:text-slate-400">
        {side}: <VisibleText text={name} />
      </p>
      {v === null ? (
        <p>not in this ledger</p>
      ) : (
        <p>
          <b>{v.status === 'ghost' ? 'missing parent (named, not in the ledger)' : v.status}</b>
          {v.codes.length > 0 && (
            <>
              {' '}
              ·{' '}
              {v.codes.map((c, k) => (
                <span key={c}>
                  {k > 0 && ', '}
                  <code className="font-mono text-xs">
                    <CodeLink code={c} />
                  </code>
                </span>
              ))}
            </>
          )}
        </p>
      )}
    </div>
  );
}

export const DiffDetail = memo(function DiffDetail({
  model,
  selected,
  names,
  onClose,
}: {
  model: GraphModel;
  selected: string;
  names: { a: string; b: string };
  onClose: () => void;
}) {
  const i = model.byKey.get(selected);
  const n = i === undefined ? null : model.nodes[i]!;
  return (
    <aside
      aria-label="Selected node"
      data-testid="node-panel"
      className="flex min-h-0 flex-1 flex-col gap-2 overflow-auto rounded-md border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex items-center">
        <span className="mr-auto text-xs text-slate-500 dark:text-slate-400">Comparison · Escape closes</span>
        <Button onClick={onClose} aria-label="Close the node panel" className="px-2 py-0">
          ✕
        </Button>
      </div>
      {!n?.diff ? (
        <p>This node is not in the comparison.</p>
      ) : (
        <>
          <h3 className="text-base font-semibold break-all">
            <VisibleText text={n.kind === 'ghost' ? 'missing parent' : (n.act ?? '(no exec_act)')} />
          </h3>
          <p className="font-mono text-xs break-all" data-testid="panel-jti">
            <VisibleText text={n.jti ?? '(no jti)'} />
          </p>
          <p data-testid="diff-mark" data-mark={n.diff.mark} className="font-semibold">
            {MARK_TEXT[n.diff.mark]}
          </p>
          <Verdict side="A" name={names.a} v={n.diff.a} />
          <Verdict side="B" name={names.b} v={n.diff.b} />
        </>
      )}
    </aside>
  );
});
