import type { ReactNode } from 'react';
import { describeChar, escapeChar, INVISIBLE, INVISIBLE_ALL, INVISIBLE_OR_NEWLINE_ALL } from './visible.ts';

/** At most this many escapes get their own marked badge; the rest are plain escaped text. */
const MAX_MARKS = 200;

/**
 * Untrusted text as React text (never markup), with every invisible or
 * direction-changing character (U+202E, U+200B, controls…) replaced by a
 * marked `\u202e` badge that names it, so it can neither hide nor reorder
 * what is around it. The whole is a `<bdi>`, isolated from the surrounding
 * text's direction. Newlines are kept with `multiline` (pretty-printed JSON),
 * shown as `\n` otherwise.
 */
export function VisibleText({ text, multiline = false }: { text: string; multiline?: boolean }) {
  if (!INVISIBLE.test(text) && (multiline || !text.includes('\n'))) return <bdi>{text}</bdi>;
  const parts: ReactNode[] = [];
  let last = 0;
  let marks = 0;
  const re = multiline ? INVISIBLE_ALL : INVISIBLE_OR_NEWLINE_ALL;
  for (const m of text.matchAll(re)) {
    const at = m.index;
    if (at > last) parts.push(text.slice(last, at));
    const c = m[0];
    const esc = escapeChar(c);
    if (marks < MAX_MARKS) {
      parts.push(
        <span
          key={at}
          data-testid="invisible-char"
          title={`${describeChar(c)}: an invisible or direction-changing character, shown escaped`}
          className="mx-px rounded-sm bg-fuchsia-100 px-0.5 font-mono text-[0.85em] text-fuchsia-900 ring-1 ring-fuchsia-300 ring-inset dark:bg-fuchsia-950 dark:text-fuchsia-200 dark:ring-fuchsia-800"
        >
          {esc}
        </span>,
      );
      marks++;
    } else parts.push(esc);
    last = at + c.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <bdi data-invisible="true">{parts}</bdi>;
}
