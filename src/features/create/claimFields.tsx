/**
 * The Create form's fields, one kind per component (text, list, time, hash, extension object): each
 * shows the claim's meaning and rule from the core's claim dictionary, keeps what the user typed
 * while it does not parse, and lists the problems the dry run finds on its claim.
 */
import { useState, type ReactNode } from 'react';
import { Button } from '../../components/Button.tsx';
import { claimInfo, type JsonObject, type Settings } from 'wimse-ect';
import { sha256Base64Url } from './hash.ts';
import { parseJsonText, type JsonTextError } from './jsonText.ts';
import {
  describeTimeClaim,
  localInputToUnix,
  numericDateToIso,
  unixToLocalInput,
} from '../../components/time.ts';
import type { DryRun, FieldKey } from './payload.ts';
import { useCreator } from './store.ts';
import { Field, INPUT, INPUT_AUTO, SyncedTextInput, useSyncedText, type A11y } from './ui.tsx';

const ok = (value: unknown) => ({ ok: true as const, value });

/** Text of a claim the form edits as a string: non-strings shown as JSON, so the error makes sense. */
export const formatString = (v: unknown) =>
  v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
/** Empty means "absent": the core then says the claim is missing (or fills it in). */
export const parseString = (t: string) => ok(t === '' ? undefined : t);

const formatList = (v: unknown) =>
  typeof v === 'string'
    ? v
    : Array.isArray(v) && v.every((x) => typeof x === 'string')
      ? v.join('\n')
      : v === undefined
        ? ''
        : JSON.stringify(v);
const lines = (t: string) =>
  t
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

const formatTime = (v: unknown) =>
  v === undefined ? '' : typeof v === 'number' ? String(v) : JSON.stringify(v);
/** Digits become a number; anything else stays text, so the core's message says what is wrong. */
const parseTime = (t: string) => {
  const s = t.trim();
  return ok(s === '' ? undefined : /^-?\d{1,16}$/.test(s) ? Number(s) : t);
};

export function help(name: string, kind?: 'claim' | 'ext'): ReactNode {
  const info = claimInfo(name, kind);
  if (!info) return null;
  return (
    <>
      {info.meaning} <span className="text-slate-500 dark:text-slate-400">Rule: {info.rule}</span>
    </>
  );
}

export function title(name: string, kind?: 'claim' | 'ext') {
  return claimInfo(name, kind)?.label ?? name;
}

export function StringField({
  name,
  optional,
  problems,
  placeholder,
  notes = [],
  warnings = [],
  button,
}: {
  name: string;
  optional?: boolean;
  problems: DryRun['byField'][FieldKey];
  placeholder?: string;
  notes?: ReactNode[];
  warnings?: ReactNode[];
  button?: { label: string; aria: string; run: () => void };
}) {
  const value = useCreator((s) => s.payload[name]);
  const setClaim = useCreator((s) => s.setClaim);
  const synced = useSyncedText(value, formatString, parseString, (v) => setClaim(name, v));
  return (
    <Field
      id={`claim-${name}`}
      name={name}
      title={title(name)}
      optional={optional ?? false}
      help={help(name)}
      problems={problems}
      notes={notes}
      warnings={warnings}
    >
      {(a11y) => (
        <div className="flex gap-2">
          <SyncedTextInput a11y={a11y} synced={synced} placeholder={placeholder} />
          {button && (
            <Button aria-label={button.aria} onClick={button.run} className="shrink-0">
              {button.label}
            </Button>
          )}
        </div>
      )}
    </Field>
  );
}

export function ListField({
  name,
  optional,
  value,
  problems,
  onValue,
  emptyAs,
  placeholder,
  note,
  extraNotes = [],
}: {
  name: string;
  optional: boolean;
  value: unknown;
  problems: DryRun['byField'][FieldKey];
  onValue: (v: unknown) => void;
  emptyAs: unknown;
  placeholder: string;
  note: string;
  extraNotes?: string[];
}) {
  const synced = useSyncedText(
    value,
    formatList,
    (t) => {
      const list = lines(t);
      return ok(list.length ? list : emptyAs);
    },
    onValue,
  );
  const count = lines(synced.text).length;
  return (
    <Field
      id={`claim-${name}`}
      name={name}
      title={title(name)}
      optional={optional}
      help={help(name)}
      problems={problems}
      notes={[note, ...extraNotes]}
    >
      {(a11y) => (
        <textarea
          {...a11y}
          rows={Math.min(6, Math.max(2, count + 1))}
          className={INPUT}
          spellCheck={false}
          autoComplete="off"
          placeholder={placeholder}
          value={synced.text}
          onChange={(e) => synced.onText(e.target.value)}
        />
      )}
    </Field>
  );
}

export function TimeField({
  name,
  problems,
  settings,
  now,
  payload,
}: {
  name: 'iat' | 'exp';
  problems: DryRun['byField'][FieldKey];
  settings: Settings;
  now: number;
  payload: JsonObject;
}) {
  const value = payload[name];
  const setClaim = useCreator((s) => s.setClaim);
  const synced = useSyncedText(value, formatTime, parseTime, (v) => setClaim(name, v));
  const date = numericDateToIso(value);
  const iso = date.ok ? date.iso : null;
  const warnings: string[] = [];
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    const skew = settings.clockSkew;
    if (name === 'iat' && value > now + skew)
      warnings.push(`In the future: a verifier refuses it now (iat_in_future, skew ${skew} s).`);
    if (name === 'iat' && now - value > settings.iatMaxAge)
      warnings.push(
        `Older than iatMaxAge (${settings.iatMaxAge} s): a verifier refuses it now (iat_too_old). Press "Now" to sign a current token.`,
      );
    if (name === 'exp' && now > value + skew)
      warnings.push('Already past: a verifier refuses the token as expired. Set it after iat.');
    if (name === 'exp' && typeof payload.iat === 'number' && value <= payload.iat)
      warnings.push('Not after iat: the token would never be valid.');
  }
  const iat = typeof payload.iat === 'number' ? payload.iat : now;
  const button =
    name === 'iat'
      ? {
          label: 'Now',
          aria: 'Set iat to now',
          run: () => setClaim('iat', now),
        }
      : {
          label: `iat + ${Math.round(settings.defaultExpiry / 60)} min`,
          aria: `Set exp to iat + ${Math.round(settings.defaultExpiry / 60)} min`,
          run: () => setClaim('exp', iat + settings.defaultExpiry),
        };
  return (
    <Field
      id={`claim-${name}`}
      name={name}
      title={title(name)}
      help={help(name)}
      problems={problems}
      warnings={warnings}
      notes={[
        value === undefined
          ? `Empty: signing fills it in (${name === 'iat' ? 'now' : `iat + ${settings.defaultExpiry} s`}).`
          : iso
            ? `${iso} (${describeTimeClaim(name, value, now) ?? ''})`
            : 'Seconds since 1970, e.g. 1767225540.',
      ]}
    >
      {(a11y) => (
        <div className="flex flex-wrap gap-2">
          <SyncedTextInput
            a11y={a11y}
            synced={synced}
            className={`${INPUT_AUTO} w-36 flex-none`}
            inputMode="numeric"
          />
          <input
            type="datetime-local"
            step={1}
            aria-label={`${name} as a UTC date and time`}
            title={`${name} as a date and time in UTC`}
            className={`${INPUT_AUTO} min-w-44 flex-1`}
            value={typeof value === 'number' && Number.isSafeInteger(value) ? unixToLocalInput(value) : ''}
            onChange={(e) => {
              const seconds = localInputToUnix(e.target.value);
              if (seconds !== null) setClaim(name, seconds);
            }}
          />
          <Button aria-label={button.aria} onClick={button.run} className="shrink-0">
            {button.label}
          </Button>
        </div>
      )}
    </Field>
  );
}

export function HashField({
  name,
  problems,
}: {
  name: 'inp_hash' | 'out_hash';
  problems: DryRun['byField'][FieldKey];
}) {
  const setClaim = useCreator((s) => s.setClaim);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const hashIt = () => {
    sha256Base64Url(text).then(
      (h) => {
        setError(null);
        setClaim(name, h);
      },
      (e: unknown) => setError(`Hashing failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  return (
    <StringFieldWithExtra name={name} problems={problems}>
      <details className="text-sm">
        <summary className="cursor-pointer text-slate-700 select-none dark:text-slate-300">
          Hash some text into {name}
        </summary>
        <div className="mt-1 flex flex-col gap-1 rounded-md border border-slate-200 p-2 dark:border-slate-700">
          <label htmlFor={`hash-${name}`} className="text-xs text-slate-600 dark:text-slate-400">
            Text to hash for {name} (SHA-256 of its UTF-8 bytes, computed in this page)
          </label>
          <textarea
            id={`hash-${name}`}
            rows={2}
            className={INPUT}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <div>
            <Button onClick={hashIt}>Hash into {name}</Button>
          </div>
          {error && <p className="text-sm text-red-700 dark:text-red-300">{error}</p>}
        </div>
      </details>
    </StringFieldWithExtra>
  );
}

export function StringFieldWithExtra({
  name,
  problems,
  children,
}: {
  name: string;
  problems: DryRun['byField'][FieldKey];
  children: ReactNode;
}) {
  const value = useCreator((s) => s.payload[name]);
  const setClaim = useCreator((s) => s.setClaim);
  const synced = useSyncedText(value, formatString, parseString, (v) => setClaim(name, v));
  return (
    <Field
      id={`claim-${name}`}
      name={name}
      title={title(name)}
      optional
      help={help(name)}
      problems={problems}
      extra={children}
    >
      {(a11y) => (
        <SyncedTextInput a11y={a11y} synced={synced} placeholder="empty: omitted; 43 base64url characters" />
      )}
    </Field>
  );
}

export function ExtField({
  name,
  value,
  problems,
}: {
  name: string;
  value: unknown;
  problems: DryRun['byField'][FieldKey];
}) {
  const setClaim = useCreator((s) => s.setClaim);
  const synced = useSyncedText<JsonTextError>(
    value,
    (v) => (v === undefined ? '' : JSON.stringify(v, null, 2)),
    (t) => (t.trim() === '' ? ok(undefined) : parseJsonText(t)),
    (v) => setClaim(name, v),
  );
  const error = synced.error;
  return (
    <Field
      id={`claim-${name}`}
      name={name}
      title={title(name)}
      optional
      help={help(name)}
      problems={problems}
      warnings={
        error
          ? [
              `Not JSON yet (line ${error.line}, column ${error.column}): ${error.message}. The payload keeps the last valid value.`,
            ]
          : []
      }
    >
      {(a11y: A11y) => (
        <textarea
          {...a11y}
          rows={Math.min(8, Math.max(2, synced.text.split('\n').length))}
          className={INPUT}
          spellCheck={false}
          autoComplete="off"
          placeholder='empty: omitted; a JSON object, e.g. {"model": "m-1"}'
          value={synced.text}
          onChange={(e) => synced.onText(e.target.value)}
        />
      )}
    </Field>
  );
}
