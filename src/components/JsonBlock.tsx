import { memo, useMemo } from 'react';

/** A titled, pretty-printed JSON value. */
export const JsonBlock = memo(function JsonBlock({
  title,
  value,
  testId,
}: {
  title: string;
  value: unknown;
  testId?: string;
}) {
  const text = useMemo(() => JSON.stringify(value, null, 2), [value]);
  return (
    <section className="min-w-0">
      <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
        {title}
      </h3>
      <pre
        className="overflow-x-auto rounded-md bg-slate-100 p-3 text-[13px] leading-snug text-slate-900 dark:bg-slate-800/70 dark:text-slate-100"
        data-testid={testId}
      >
        {text}
      </pre>
    </section>
  );
});
