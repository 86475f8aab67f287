import type { JsonObject } from '../../ect/decode.ts';
import { TIME_CLAIMS, numericDateToIso } from './format.ts';

/** iat / nbf / exp with their values as ISO dates (UTC). */
export function TimeClaims({ payload }: { payload: JsonObject }) {
  const present = TIME_CLAIMS.filter((claim) => claim in payload);
  if (present.length === 0) return null;
  return (
    <dl
      className="grid grid-cols-[auto_auto_1fr] gap-x-4 gap-y-0.5 text-sm"
      aria-label="Times"
      data-testid="time-claims"
    >
      {present.map((claim) => {
        const value = payload[claim];
        const date = numericDateToIso(value);
        return (
          <div key={claim} className="contents" data-testid={`time-${claim}`}>
            <dt className="font-mono font-semibold">{claim}</dt>
            <dd className="font-mono text-slate-600 dark:text-slate-400">{JSON.stringify(value)}</dd>
            <dd className={date.ok ? 'font-mono' : 'text-red-700 dark:text-red-300'}>
              {date.ok ? date.iso : date.why}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
