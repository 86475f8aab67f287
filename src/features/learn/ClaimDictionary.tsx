/** Every claim, header parameter and ect_ext key of the core's dictionary, with a filter box. */
import { useId } from 'react';
import { CLAIMS, type ClaimInfo } from 'wimse-ect';
import { ClaimLink } from '../../components/ClaimLink.tsx';
import { claimAnchor, claimKey } from './anchors.ts';
import { FilterBox, matches, highlightClass } from './ui.tsx';

const GROUPS: { kind: ClaimInfo['kind']; title: string; note: string }[] = [
  { kind: 'claim', title: 'Claims (payload)', note: 'The JSON object every ECT carries, at every level.' },
  {
    kind: 'header',
    title: 'JOSE header parameters',
    note: 'The header of a signed (L2/L3) token; an L1 token has none.',
  },
  {
    kind: 'ext',
    title: 'Keys inside ect_ext (-01)',
    note: 'Keys the workbench understands inside the extension object; unknown keys are ignored.',
  },
];

const KIND_WORD: Record<ClaimInfo['kind'], string> = {
  claim: 'claim',
  header: 'header parameter',
  ext: 'ect_ext key',
};

const versionsText = (v: ClaimInfo['versions']) =>
  v.length === 2 ? '-00 and -01' : v[0] === '00' ? '-00 only' : '-01 only';

export function ClaimDictionary({
  filter,
  setFilter,
  target,
}: {
  filter: string;
  setFilter: (f: string) => void;
  /** The claim key a link points at: highlighted, and shown whatever the filter. */
  target: string | null;
}) {
  const inputId = useId();
  const shown = CLAIMS.filter(
    (c) =>
      claimKey(c) === target ||
      matches(filter, c.name, claimKey(c), c.label, c.meaning, c.rule, c.draftSection, KIND_WORD[c.kind]),
  );
  return (
    <div className="flex flex-col gap-3">
      <FilterBox
        id={inputId}
        label="Filter claims"
        placeholder="e.g. pred, hash, policy, header"
        value={filter}
        onChange={setFilter}
        count={`${shown.length} of ${CLAIMS.length} entries`}
        testId="claims-count"
      />
      {shown.length === 0 && (
        <p className="text-sm text-slate-600 dark:text-slate-400">No claim or header parameter matches.</p>
      )}
      {GROUPS.map((g) => {
        const items = shown.filter((c) => c.kind === g.kind);
        if (!items.length) return null;
        return (
          <section key={g.kind} aria-label={g.title} className="flex flex-col gap-2">
            <h3 className="text-sm font-semibold text-slate-700 dark:text-slate-300">
              {g.title} <span className="font-normal text-slate-500 dark:text-slate-400">· {g.note}</span>
            </h3>
            <div className="grid gap-2 md:grid-cols-2">
              {items.map((c) => (
                <ClaimEntry key={claimAnchor(c)} info={c} highlighted={claimKey(c) === target} />
              ))}
            </div>
          </section>
        );
      })}
    </div>
  );
}

function ClaimEntry({ info, highlighted }: { info: ClaimInfo; highlighted: boolean }) {
  const key = claimKey(info);
  return (
    <article
      id={claimAnchor(info)}
      tabIndex={-1}
      data-testid="claim-entry"
      data-claim={key}
      data-highlighted={highlighted || undefined}
      aria-labelledby={`${claimAnchor(info)}-name`}
      className={`scroll-mt-4 rounded-lg border bg-white p-3 text-sm dark:bg-slate-900 ${highlightClass(highlighted)}`}
    >
      <header className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <h4 id={`${claimAnchor(info)}-name`} className="font-mono text-base font-semibold">
          {key}
        </h4>
        <span className="text-slate-600 dark:text-slate-400">{info.label}</span>
        <span className="ml-auto flex flex-wrap gap-1 text-[11px]">
          {info.required ? <Tag tone="strong">required</Tag> : <Tag>optional</Tag>}
          <Tag tone={info.versions.length === 1 ? 'violet' : 'plain'}>{versionsText(info.versions)}</Tag>
        </span>
      </header>
      <p className="mt-1 text-slate-800 dark:text-slate-200">{info.meaning}</p>
      <dl className="mt-1.5 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs text-slate-700 dark:text-slate-300">
        <dt className="font-semibold">Rule</dt>
        <dd>{info.rule}</dd>
        {(info.renamedFrom || info.renamedTo) && (
          <>
            <dt className="font-semibold">Renamed</dt>
            <dd>
              {info.renamedFrom && (
                <>
                  called{' '}
                  <code className="font-mono">
                    <ClaimLink name={info.renamedFrom} kind="claim" />
                  </code>{' '}
                  in -00
                </>
              )}
              {info.renamedTo && (
                <>
                  called{' '}
                  <code className="font-mono">
                    <ClaimLink name={info.renamedTo} kind="claim" />
                  </code>{' '}
                  in -01
                </>
              )}
            </dd>
          </>
        )}
        <dt className="font-semibold">Draft</dt>
        <dd>section &ldquo;{info.draftSection}&rdquo;</dd>
      </dl>
    </article>
  );
}

function Tag({ tone = 'plain', children }: { tone?: 'plain' | 'strong' | 'violet'; children: string }) {
  const cls = {
    plain: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
    strong: 'bg-slate-700 text-white dark:bg-slate-300 dark:text-slate-900',
    violet: 'bg-violet-100 text-violet-900 dark:bg-violet-950 dark:text-violet-200',
  }[tone];
  return <span className={`rounded px-1.5 py-0.5 ${cls}`}>{children}</span>;
}
