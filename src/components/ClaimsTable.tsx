import { memo, type ReactNode } from 'react';
import { type JsonObject, type Problem, type Version, CLAIMS, claimInfo, type ClaimInfo } from 'wimse-ect';
import { ClaimLink } from './ClaimLink.tsx';
import { CodeLink } from './CodeLink.tsx';
import { describeTimeClaim, numericDateToIso } from './time.ts';
import { VisibleText } from './VisibleText.tsx';
import { jsonText, visibleString } from './visible.ts';

type Kind = 'claim' | 'header' | 'ext';

/** Problem `claim` values that name a header parameter rather than a claim. */
const HEADER_NAMES = new Set(['alg', 'typ', 'kid', 'crit', 'jwk', 'jku', 'x5u']);

interface Row {
  key: string;
  /** The name as written in the token ("pol" inside ect_ext shows as "ect_ext.pol"). */
  name: string;
  kind: Kind;
  present: boolean;
  value?: unknown;
  info?: ClaimInfo;
  nested?: boolean;
}

const UNKNOWN_NOTE: Record<Kind, string> = {
  claim: 'Not an ECT claim: ignored by the verifier.',
  header: 'Not an ECT header parameter: ignored by the verifier.',
  ext: 'Unknown extension key: ignored by the verifier (it still counts towards the size and depth limits).',
};

function rowsFor(header: JsonObject | null, payload: JsonObject, version: Version | null): Row[] {
  const rows: Row[] = [];
  const v = version ?? '01';
  if (header) {
    for (const [name, value] of Object.entries(header)) {
      rows.push({
        key: `h:${name}`,
        name,
        kind: 'header',
        present: true,
        value,
        info: claimInfo(name, 'header'),
      });
    }
    for (const info of CLAIMS) {
      if (info.kind === 'header' && info.required && !(info.name in header)) {
        rows.push({ key: `h:${info.name}`, name: info.name, kind: 'header', present: false, info });
      }
    }
  }
  for (const [name, value] of Object.entries(payload)) {
    rows.push({
      key: `c:${name}`,
      name,
      kind: 'claim',
      present: true,
      value,
      info: claimInfo(name, 'claim'),
    });
    if (
      (name === 'ect_ext' || name === 'ext') &&
      value &&
      typeof value === 'object' &&
      !Array.isArray(value)
    ) {
      for (const [k, inner] of Object.entries(value as JsonObject)) {
        rows.push({
          key: `e:${name}.${k}`,
          name: `${name}.${k}`,
          kind: 'ext',
          present: true,
          value: inner,
          info: claimInfo(`${name}.${k}`),
          nested: true,
        });
      }
    }
  }
  for (const info of CLAIMS) {
    if (info.kind === 'claim' && info.required && info.versions.includes(v) && !(info.name in payload)) {
      rows.push({ key: `c:${info.name}`, name: info.name, kind: 'claim', present: false, info });
    }
  }
  return rows;
}

/**
 * The JOSE header and the claims of a token, one row each, explained: what the
 * claim records, the profile's rule, the draft section. Unknown names are
 * marked as ignored, missing required claims are listed, times are shown as
 * ISO dates and relative to the verifier's clock, and claims named by a
 * problem carry its code.
 */
export const ClaimsTable = memo(function ClaimsTable({
  header,
  payload,
  version,
  now,
  problems = [],
}: {
  header: JsonObject | null;
  payload: JsonObject;
  version: Version | null;
  /** The verifier's clock, Unix seconds (honours a "verify as of" override). */
  now: number;
  problems?: readonly Problem[];
}) {
  const rows = rowsFor(header, payload, version);
  const problemsOf = (row: Row) =>
    problems.filter((p) => p.claim === row.name && (row.kind === 'header') === HEADER_NAMES.has(p.claim));
  let section: Kind | null = null;
  const body: ReactNode[] = [];
  for (const row of rows) {
    const group = row.kind === 'ext' ? 'claim' : row.kind;
    if (group !== section) {
      section = group;
      body.push(
        <tr key={`section-${group}`} className="bg-slate-50 dark:bg-slate-800/40">
          <th
            colSpan={3}
            scope="colgroup"
            className="px-2 py-1 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400"
          >
            {group === 'header' ? 'JOSE header' : 'Claims (payload)'}
          </th>
        </tr>,
      );
    }
    body.push(<ClaimRow key={row.key} row={row} now={now} problems={problemsOf(row)} />);
  }
  return (
    <div className="min-w-0 overflow-x-auto rounded-md border border-slate-200 dark:border-slate-800">
      <table className="w-full border-collapse text-left text-sm" data-testid="claims-table">
        <caption className="sr-only">Header parameters and claims, explained</caption>
        <thead className="text-xs text-slate-500 dark:text-slate-400">
          <tr className="border-b border-slate-200 dark:border-slate-800">
            <th scope="col" className="w-44 px-2 py-1 font-semibold">
              Name
            </th>
            <th scope="col" className="w-[34%] px-2 py-1 font-semibold">
              Value
            </th>
            <th scope="col" className="px-2 py-1 font-semibold">
              Meaning, rule, draft section
            </th>
          </tr>
        </thead>
        <tbody>{body}</tbody>
      </table>
    </div>
  );
});

function ClaimRow({ row, now, problems }: { row: Row; now: number; problems: Problem[] }) {
  const { info } = row;
  const bad = problems.length > 0 || !row.present;
  return (
    <tr
      data-testid={`claim-row-${row.name}`}
      data-known={info ? 'true' : 'false'}
      className={`border-t border-slate-100 align-top dark:border-slate-800 ${
        bad ? 'bg-red-50/70 dark:bg-red-950/30' : ''
      }`}
    >
      <th scope="row" className={`px-2 py-1.5 font-normal ${row.nested ? 'pl-6' : ''}`}>
        <code className="font-mono font-semibold break-all">
          {info ? <ClaimLink name={row.name} kind={row.kind} /> : <VisibleText text={row.name} />}
        </code>
        {info && <div className="text-xs text-slate-600 dark:text-slate-400">{info.label}</div>}
        <div className="mt-0.5 flex flex-wrap gap-1">
          {info?.required && (
            <span className="rounded bg-slate-100 px-1 text-[11px] text-slate-700 dark:bg-slate-800 dark:text-slate-300">
              required
            </span>
          )}
          {info && info.versions.length === 1 && (
            <span className="rounded bg-violet-100 px-1 text-[11px] text-violet-900 dark:bg-violet-950 dark:text-violet-200">
              -{info.versions[0]} only
            </span>
          )}
          {!info && (
            <span className="rounded bg-amber-100 px-1 text-[11px] text-amber-900 dark:bg-amber-950 dark:text-amber-200">
              ignored
            </span>
          )}
          {problems.map((p, i) => (
            <code
              key={i}
              title={visibleString(p.message)}
              className="rounded bg-red-100 px-1 font-mono text-[11px] text-red-900 dark:bg-red-900/60 dark:text-red-100"
            >
              <CodeLink code={p.code} />
            </code>
          ))}
        </div>
      </th>
      <td className="px-2 py-1.5">
        {row.present ? (
          <Value name={row.name} value={row.value} time={info?.time === true} now={now} />
        ) : (
          <span className="font-semibold text-red-800 dark:text-red-300">missing</span>
        )}
      </td>
      <td className="px-2 py-1.5 text-slate-700 dark:text-slate-300">
        {info ? (
          <>
            <p>{info.meaning}</p>
            <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">
              <span className="font-semibold">Rule:</span> {info.rule}
            </p>
            <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
              Draft: {info.draftSection}
              {info.renamedFrom && ` · called "${info.renamedFrom}" in -00`}
              {info.renamedTo && ` · called "${info.renamedTo}" in -01`}
            </p>
          </>
        ) : (
          <p className="text-amber-900 dark:text-amber-200">{UNKNOWN_NOTE[row.kind]}</p>
        )}
        {problems.map((p, i) => (
          <p key={i} className="mt-0.5 text-xs text-red-800 dark:text-red-300">
            <code className="font-mono font-semibold">
              <CodeLink code={p.code} />
            </code>
            : <VisibleText text={p.message} />
          </p>
        ))}
      </td>
    </tr>
  );
}

/** Values are cut to this many characters in the table (the payload JSON and the raw token hold all of it). */
const MAX_VALUE = 400;

function Value({ name, value, time, now }: { name: string; value: unknown; time: boolean; now: number }) {
  // Never JSON.stringify an untrusted value whole: deep nesting overflows the stack, and 1e309 would show as null.
  const { text, cut } = jsonText(value, { maxChars: MAX_VALUE });
  const size =
    typeof value === 'string'
      ? `${(value.length + 2).toLocaleString('en')} characters`
      : Array.isArray(value)
        ? `${value.length.toLocaleString('en')} elements`
        : 'cut';
  const overflow = typeof value === 'number' && !Number.isFinite(value);
  const shown = (
    <>
      <VisibleText text={text} />
      {cut && `… (${size})`}
      {overflow && (
        <span className="ml-1 font-sans text-xs text-red-800 dark:text-red-300" data-testid="number-overflow">
          (a number too large for JSON's 64-bit floats, such as 1e309: read as {String(value)})
        </span>
      )}
    </>
  );
  if (time) {
    const iso = numericDateToIso(value);
    const rel = describeTimeClaim(name, value, now);
    return (
      <div data-testid={`time-${name}`}>
        <code className="font-mono break-all">{shown}</code>
        <div className={`font-mono text-xs ${iso.ok ? '' : 'text-red-700 dark:text-red-300'}`}>
          {iso.ok ? iso.iso : iso.why}
        </div>
        {rel && <div className="text-xs text-slate-600 dark:text-slate-400">{rel}</div>}
      </div>
    );
  }
  return <code className="font-mono break-all">{shown}</code>;
}
