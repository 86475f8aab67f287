import { memo } from 'react';
import type { DecodeResult, DecodedToken } from '../../ect/decode.ts';
import { Badge } from '../../components/Badge.tsx';
import { DecodeErrorCard } from './DecodeErrorCard.tsx';
import { JsonBlock } from './JsonBlock.tsx';
import { TimeClaims } from './TimeClaims.tsx';

/** One pasted token: its decoded parts, or why it could not be decoded. */
export const TokenCard = memo(function TokenCard({
  index,
  token,
  result,
}: {
  index: number;
  token: string;
  result: DecodeResult;
}) {
  if (!result.ok) return <DecodeErrorCard index={index} token={token} problem={result.problem} />;
  return <DecodedCard index={index} decoded={result.decoded} />;
});

function DecodedCard({ index, decoded }: { index: number; decoded: DecodedToken }) {
  const { payload } = decoded;
  const action = typeof payload.exec_act === 'string' ? payload.exec_act : null;
  const issuer = typeof payload.iss === 'string' ? payload.iss : null;
  return (
    <article
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      data-testid="token-card"
      aria-label={`Token ${index + 1}`}
    >
      <header className="mb-3 flex flex-wrap items-center gap-2">
        <span className="font-mono text-sm font-semibold text-slate-500 dark:text-slate-400">
          #{index + 1}
        </span>
        <LevelBadge level={decoded.level} />
        <VersionBadge version={decoded.version} />
        {action !== null && (
          <span className="font-mono text-sm font-medium" title="exec_act: the action this task performed">
            {action}
          </span>
        )}
        {issuer !== null && (
          <span
            className="min-w-0 truncate text-sm text-slate-600 dark:text-slate-400"
            title={`iss: ${issuer}`}
          >
            by {issuer}
          </span>
        )}
        <span className="ml-auto text-xs text-slate-500 dark:text-slate-400">decoded only, not verified</span>
      </header>
      <div className="mb-3">
        <TimeClaims payload={payload} />
      </div>
      <div className="grid gap-3 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        {decoded.header ? (
          <JsonBlock title="Header" value={decoded.header} testId="header-json" />
        ) : (
          <section className="text-sm text-slate-600 dark:text-slate-400">
            <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
              Header
            </h3>
            <p>None: an L1 token is base64url-encoded claims without header or signature (self-asserted).</p>
          </section>
        )}
        <JsonBlock title="Payload" value={payload} testId="payload-json" />
      </div>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer text-slate-600 select-none dark:text-slate-400">Raw token</summary>
        <p className="mt-1 font-mono text-xs break-all text-slate-700 dark:text-slate-300">{decoded.token}</p>
      </details>
    </article>
  );
}

function LevelBadge({ level }: { level: DecodedToken['level'] }) {
  return level === 'L2' ? (
    <Badge
      tone="sky"
      testId="level-badge"
      title="L2: a JWS signed by the issuing agent (L3 once a ledger receipts it)"
    >
      L2
    </Badge>
  ) : (
    <Badge tone="amber" testId="level-badge" title="L1: unsigned, self-asserted claims">
      L1
    </Badge>
  );
}

function VersionBadge({ version }: { version: DecodedToken['version'] }) {
  if (version === null) {
    return (
      <Badge
        tone="slate"
        testId="version-badge"
        title="The payload has neither -00 claims (par, ext) nor -01 claims (pred, ect_ext), or both"
      >
        unknown version
      </Badge>
    );
  }
  return (
    <Badge tone="violet" testId="version-badge" title={`Claims follow draft revision -${version}`}>
      -{version}
    </Badge>
  );
}
