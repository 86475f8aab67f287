/** Small pieces shared by the Learn tab's sections. */

/** Case-insensitive: the filter (spaces collapsed) appears in one of the texts. */
export function matches(filter: string, ...texts: string[]): boolean {
  const needle = filter.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!needle) return true;
  return texts.some((t) => t.toLowerCase().replace(/\s+/g, ' ').includes(needle));
}

/** Border (and ring) of a dictionary entry: highlighted when a link pointed at it. */
export const highlightClass = (on: boolean) =>
  on
    ? 'border-sky-500 ring-4 ring-sky-300/70 dark:border-sky-400 dark:ring-sky-700/70'
    : 'border-slate-200 dark:border-slate-800';

export function FilterBox({
  id,
  label,
  placeholder,
  value,
  onChange,
  count,
  testId,
}: {
  id: string;
  label: string;
  placeholder: string;
  value: string;
  onChange: (v: string) => void;
  count: string;
  testId: string;
}) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        type="search"
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && value) {
            e.preventDefault();
            onChange('');
          }
        }}
        autoComplete="off"
        spellCheck={false}
        className="w-64 max-w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 placeholder:text-slate-400 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
      />
      <span className="text-xs text-slate-600 dark:text-slate-400" data-testid={testId} aria-live="polite">
        {count}
      </span>
    </div>
  );
}
