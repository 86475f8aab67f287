/** Class names shared by the Keys page's forms and panels. */
export const INPUT =
  'w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 placeholder:text-slate-400 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-500';

export const MONO_INPUT = `${INPUT} font-mono`;

export const PANEL =
  'rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900';

export const PANEL_TITLE = 'text-base font-semibold';

export const HINT = 'text-xs text-slate-600 dark:text-slate-400';

export const ERROR_BOX =
  'rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200';

export const OK_TEXT = 'text-sm text-emerald-800 dark:text-emerald-300';

export const PRE =
  'max-h-72 overflow-auto rounded-md bg-slate-100 p-3 font-mono text-xs leading-snug break-all whitespace-pre-wrap text-slate-900 dark:bg-slate-800/70 dark:text-slate-100';

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
