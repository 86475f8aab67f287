/**
 * The side panel of the Graph tab: why the selected node is what it is. For a task, TaskDetail
 * (its violations explained, the taint's sources, parents and children, the claims, the
 * verification trace and the raw token). For a ghost: who names it. For a group: its counts and
 * its invalid members.
 */
import { memo } from 'react';
import { type AuditReport, type LedgerProblem, explain } from 'wimse-ect';
import { Button } from '../../components/Button.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import { LineageControls } from './LineageControls.tsx';
import type { GraphModel } from './model.ts';
import { NodeLink, Relatives, STATUS_PILL, type NodePick } from './panelParts.tsx';
import { TaskDetail } from './TaskDetail.tsx';
import type { GroupInfo } from './view.ts';

export const SidePanel = memo(function SidePanel({
  model,
  audit,
  selected,
  group,
  ledgerProblems,
  onPick,
  onExpand,
  onClose,
}: {
  model: GraphModel;
  audit: AuditReport;
  selected: string;
  group: GroupInfo | null;
  /** The ledger check's problems at the entry with this audit index, if any. */
  ledgerProblems: (index: number) => readonly LedgerProblem[] | undefined;
  onPick: (i: number) => void;
  onExpand: (key: string) => void;
  onClose: () => void;
}) {
  const i = model.byKey.get(selected);
  return (
    <aside
      aria-label="Selected node"
      data-testid="node-panel"
      className="flex min-h-0 flex-col overflow-hidden rounded-md border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex items-center justify-end border-b border-slate-200 px-2 py-1 dark:border-slate-800">
        <span className="mr-auto text-xs text-slate-500 dark:text-slate-400">Escape closes</span>
        <Button onClick={onClose} aria-label="Close the node panel" className="px-2 py-0">
          ✕
        </Button>
      </div>
      <div className="min-h-0 flex-1 overflow-auto p-3 text-sm">
        {group ? (
          <GroupDetail model={model} group={group} onPick={onPick} onExpand={onExpand} />
        ) : i === undefined ? (
          <p>This node is no longer in the ledger.</p>
        ) : model.nodes[i]!.kind === 'ghost' ? (
          <GhostDetail model={model} i={i} onPick={onPick} />
        ) : (
          <TaskDetail
            model={model}
            audit={audit}
            i={i}
            onPick={onPick}
            ledgerProblems={ledgerProblems(model.nodes[i]!.index)}
          />
        )}
      </div>
    </aside>
  );
});

function GhostDetail({ model, i, onPick }: NodePick) {
  const n = model.nodes[i]!;
  const e = explain('parent_not_found');
  return (
    <div className="flex flex-col gap-3">
      <header>
        <div className="flex flex-wrap items-baseline gap-2">
          <h3 className="text-base font-semibold">Missing parent</h3>
          <span
            data-testid="panel-status"
            className={`rounded px-1.5 py-0.5 text-xs font-semibold ${STATUS_PILL.ghost}`}
          >
            missing parent
          </span>
        </div>
        <p className="mt-1 font-mono text-xs break-all" data-testid="panel-jti">
          <VisibleText text={n.jti ?? ''} />
        </p>
      </header>
      <p>
        {n.children.length === 1 ? 'A token names' : `${n.children.length} tokens name`} this id in{' '}
        <code className="font-mono">pred</code>, but no token with this <code className="font-mono">jti</code>{' '}
        is in the ledger. Each of those edges is a <code className="font-mono">parent_not_found</code>{' '}
        violation of the child.
      </p>
      <div className="rounded-md border border-slate-200 p-2 text-xs dark:border-slate-700">
        <p className="font-semibold">{e.title}</p>
        <p className="mt-0.5">{e.what}</p>
        <p className="mt-0.5">
          <span className="font-semibold">Fix:</span> {e.fix}
        </p>
      </div>
      <LineageControls model={model} i={i} />
      <Relatives model={model} i={i} onPick={onPick} />
    </div>
  );
}

function GroupDetail({
  model,
  group,
  onPick,
  onExpand,
}: {
  model: GraphModel;
  group: GroupInfo;
  onPick: (i: number) => void;
  onExpand: (key: string) => void;
}) {
  const invalid = group.members.filter((m) => model.nodes[m]!.status === 'invalid');
  return (
    <div className="flex flex-col gap-3">
      <header>
        <h3 className="text-base font-semibold">
          {group.mode === 'iss' ? 'Agent' : 'Workflow'} <VisibleText text={group.label} />
        </h3>
        <p className="font-mono text-xs break-all">
          <VisibleText text={group.value} />
        </p>
      </header>
      <p>
        {group.tokens.toLocaleString('en')} tokens collapsed into one node:{' '}
        {group.invalid.toLocaleString('en')} invalid ({group.violations.toLocaleString('en')} violations),{' '}
        {group.tainted.toLocaleString('en')} tainted
        {group.ghosts ? `, ${group.ghosts} missing parents` : ''}.
      </p>
      <div>
        <Button variant="primary" onClick={() => onExpand(group.key)}>
          Expand this {group.mode === 'iss' ? 'agent' : 'workflow'}
        </Button>
      </div>
      {invalid.length > 0 && (
        <section>
          <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
            Invalid tokens ({invalid.length})
          </h4>
          <ul className="flex flex-col">
            {invalid.slice(0, 50).map((m) => (
              <li key={m} className="flex items-baseline gap-1">
                <NodeLink model={model} i={m} onPick={onPick} />
                <span className="truncate font-mono text-[10px] text-red-800 dark:text-red-300">
                  {model.nodes[m]!.codes.join(' ')}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
