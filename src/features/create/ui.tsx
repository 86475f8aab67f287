import { useState, type ReactNode } from 'react';
import type { Problem } from 'wimse-ect';

export const INPUT =
  'w-full rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-sm text-slate-900 placeholder:text-slate-400 aria-[invalid=true]:border-red-500 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-500 dark:aria-[invalid=true]:border-red-500';
/** INPUT without the full width, for inputs that share a row. */
export const INPUT_AUTO = INPUT.replace('w-full ', '');
export const SELECT =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100';
export const CARD =
  'rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900';
export const SECTION_TITLE =
  'text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400';

export interface A11y {
  id: string;
  'aria-describedby': string;
  'aria-invalid': boolean;
}

/**
 * One claim: its name as the label (so `getByLabel('exec_act')` finds the
 * input), what it means and its rule, the core's problems with it, and notes.
 */
export function Field({
  id,
  name,
  title,
  optional,
  help,
  problems = [],
  notes = [],
  warnings = [],
  children,
  extra,
}: {
  id: string;
  name: string;
  title: string;
  optional?: boolean;
  help: ReactNode;
  problems?: readonly Problem[] | undefined;
  notes?: readonly ReactNode[];
  warnings?: readonly ReactNode[];
  children: (a11y: A11y) => ReactNode;
  extra?: ReactNode;
}) {
  const a11y: A11y = {
    id,
    'aria-describedby': [problems.length ? `${id}-error` : '', `${id}-help`].filter(Boolean).join(' '),
    'aria-invalid': problems.length > 0,
  };
  return (
    <div className="flex flex-col gap-1" data-testid={`field-${name}`}>
      <div className="flex flex-wrap items-baseline gap-x-2">
        <label htmlFor={id} className="font-mono text-sm font-semibold">
          {name}
        </label>
        <span className="text-xs text-slate-500 dark:text-slate-400">
          {title}
          {optional ? ' · optional' : ''}
        </span>
      </div>
      {children(a11y)}
      {problems.length > 0 && (
        <div id={`${id}-error`} data-testid={`error-${name}`} className="flex flex-col gap-0.5">
          {problems.map((p, i) => (
            <p key={i} className="text-sm text-red-700 dark:text-red-300">
              <span aria-hidden="true">✗ </span>
              <code className="font-mono text-xs font-semibold">{p.code}</code>: {p.message}
            </p>
          ))}
        </div>
      )}
      {warnings.map((w, i) => (
        <p key={i} className="text-sm text-amber-800 dark:text-amber-300">
          <span aria-hidden="true">⚠ </span>
          {w}
        </p>
      ))}
      {notes.map((n, i) => (
        <p key={i} className="text-xs text-slate-600 dark:text-slate-400">
          {n}
        </p>
      ))}
      {extra}
      <p id={`${id}-help`} className="text-xs leading-snug text-slate-500 dark:text-slate-400">
        {help}
      </p>
    </div>
  );
}

type Parsed<E> = { ok: true; value: unknown } | { ok: false; error: E };

const keyOf = (v: unknown) => (v === undefined ? '\u0000absent' : JSON.stringify(v));

/**
 * The text of an input bound to a value that the text represents lossily
 * (a list typed one per line, JSON being typed): the user's text stays as
 * typed while it still means the current value; when the value changes
 * elsewhere (the other editor), the text is rebuilt from it. A text that does
 * not parse keeps the value as it was and carries the error.
 */
export function useSyncedText<E>(
  value: unknown,
  format: (v: unknown) => string,
  parse: (text: string) => Parsed<E>,
  onValue: (v: unknown) => void,
): { text: string; error: E | null; onText: (text: string) => void } {
  const key = keyOf(value);
  const [local, setLocal] = useState<{ text: string; key: string; error: E | null } | null>(null);
  const current = local && local.key === key ? local : null;
  return {
    text: current ? current.text : format(value),
    error: current ? current.error : null,
    onText: (text) => {
      const r = parse(text);
      if (r.ok) {
        setLocal({ text, key: keyOf(r.value), error: null });
        onValue(r.value);
      } else setLocal({ text, key, error: r.error });
    },
  };
}

/** A one-line text input bound to a useSyncedText value, with the Field's ids and aria attributes. */
export function SyncedTextInput({
  a11y,
  synced,
  placeholder,
  className = INPUT,
  inputMode,
}: {
  a11y: A11y;
  synced: { text: string; onText: (text: string) => void };
  placeholder?: string;
  className?: string;
  inputMode?: 'numeric';
}) {
  return (
    <input
      {...a11y}
      type="text"
      inputMode={inputMode}
      className={className}
      spellCheck={false}
      autoComplete="off"
      placeholder={placeholder}
      value={synced.text}
      onChange={(e) => synced.onText(e.target.value)}
    />
  );
}
