import { memo, useMemo } from 'react';
import { VisibleText } from './VisibleText.tsx';
import { jsonText } from './visible.ts';

/** Pretty-printed JSON is cut past this many characters: a huge or deeply nested claim must not freeze the page. */
const MAX_CHARS = 100_000;

/**
 * A titled, pretty-printed JSON value. Untrusted values stay text: invisible and
 * direction-changing characters are marked, nesting of any depth is shown without
 * overflowing the stack, and very large values are cut (and say so).
 */
export const JsonBlock = memo(function JsonBlock({
  title,
  value,
  testId,
}: {
  title: string;
  value: unknown;
  testId?: string;
}) {
  const { text, cut } = useMemo(() => jsonText(value, { indent: 2, maxChars: MAX_CHARS }), [value]);
  return (
    <section className="min-w-0">
      <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
        {title}
      </h3>
      <pre
        className="max-h-[40rem] overflow-auto rounded-md bg-slate-100 p-3 text-[13px] leading-snug text-slate-900 dark:bg-slate-800/70 dark:text-slate-100"
        data-testid={testId}
      >
        <VisibleText text={text} multiline />
      </pre>
      {cut && (
        <p className="mt-1 text-xs text-amber-800 dark:text-amber-300" data-testid="json-cut">
          Shown up to {MAX_CHARS.toLocaleString('en')} characters: the rest is cut here (the raw token holds
          all of it).
        </p>
      )}
    </section>
  );
});
