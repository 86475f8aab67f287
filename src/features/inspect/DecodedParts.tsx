/**
 * The encoded token beside its decoded header and payload, coloured by part as jwt.io does (header
 * red, payload violet, signature blue), with the parts linked: pointing at (or focusing) a part of
 * the encoded token marks its decoded block, and the other way round.
 */
import { useState } from 'react';
import type { DecodedToken } from 'wimse-ect';
import { JsonBlock } from '../../components/JsonBlock.tsx';

type Part = 'header' | 'payload' | 'signature';

/** Text colours with AA contrast on white and on the dark theme's slate. */
const COLOUR: Record<Part, string> = {
  header: 'text-rose-700 dark:text-rose-300',
  payload: 'text-fuchsia-700 dark:text-fuchsia-300',
  signature: 'text-sky-700 dark:text-sky-300',
};
const RING: Record<Part, string> = {
  header: 'ring-rose-500',
  payload: 'ring-fuchsia-500',
  signature: 'ring-sky-500',
};
const LABEL: Record<Part, string> = {
  header: 'Header',
  payload: 'Payload',
  signature: 'Signature',
};

export function DecodedParts({ decoded }: { decoded: DecodedToken }) {
  const [active, setActive] = useState<Part | null>(null);
  const link = (part: Part) => ({
    onMouseEnter: () => setActive(part),
    onMouseLeave: () => setActive(null),
    onFocus: () => setActive(part),
    onBlur: () => setActive(null),
  });
  const mark = (part: Part) =>
    `rounded-md ring-offset-2 ring-offset-white dark:ring-offset-slate-900 ${active === part ? `ring-2 ${RING[part]}` : ''}`;

  const parts: { part: Part; text: string }[] =
    decoded.level === 'L2'
      ? [
          { part: 'header', text: decoded.parts[0] },
          { part: 'payload', text: decoded.parts[1] },
          { part: 'signature', text: decoded.parts[2] },
        ]
      : [{ part: 'payload', text: decoded.token }];

  return (
    <div className="grid gap-3 lg:grid-cols-2" data-testid="decoded-parts">
      <section className="min-w-0" aria-label="Encoded token, coloured by part">
        <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
          Encoded
        </h3>
        <p
          className="max-h-[40rem] overflow-auto rounded-md bg-slate-100 p-3 font-mono text-[13px] leading-snug break-all dark:bg-slate-800/70"
          data-testid="encoded-token"
        >
          {parts.map(({ part, text }, i) => (
            <span key={part}>
              {i > 0 && <span className="text-slate-500 dark:text-slate-400">.</span>}
              <span
                tabIndex={0}
                data-part={part}
                title={`${LABEL[part]}: ${text.length} characters`}
                className={`${COLOUR[part]} ${active === part ? 'bg-white/80 underline decoration-2 dark:bg-slate-950/60' : ''}`}
                {...link(part)}
              >
                {text}
              </span>
            </span>
          ))}
        </p>
        <p className="mt-1 flex flex-wrap gap-x-3 text-xs text-slate-600 dark:text-slate-400">
          {parts.map(({ part }) => (
            <span key={part} className={COLOUR[part]}>
              ■ {decoded.level === 'L1' ? 'base64url claims (L1: no header, no signature)' : LABEL[part]}
            </span>
          ))}
        </p>
      </section>
      <div className="flex min-w-0 flex-col gap-3">
        {decoded.header ? (
          <div className={mark('header')} data-linked="header" {...link('header')}>
            <JsonBlock title="Header" value={decoded.header} testId="header-json" />
          </div>
        ) : (
          <section className="text-sm text-slate-600 dark:text-slate-400">
            <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
              Header
            </h3>
            <p>None: an L1 token is base64url-encoded claims without header or signature (self-asserted).</p>
          </section>
        )}
        <div className={mark('payload')} data-linked="payload" {...link('payload')}>
          <JsonBlock title="Payload" value={decoded.payload} testId="payload-json" />
        </div>
        {decoded.level === 'L2' && (
          <section
            className={`${mark('signature')} text-sm`}
            data-linked="signature"
            {...link('signature')}
            aria-label="Signature"
          >
            <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
              Signature
            </h3>
            <p className="text-slate-700 dark:text-slate-300">
              {decoded.parts[2].length} base64url characters
              {typeof decoded.header.alg === 'string' ? `, ${decoded.header.alg}` : ''}: over the encoded
              header and payload, checked against the issuer&apos;s public key (step 7 of the trace).
            </p>
          </section>
        )}
      </div>
    </div>
  );
}
