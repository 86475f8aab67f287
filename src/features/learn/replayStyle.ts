/** How the replay draws a task's status: words, marks and colours shared by its graph and panels. */
import type { ReplayEdge, ReplayStatus } from './replayModel.ts';

export const ROWS_SHOWN = 8;
export const NODE_W = 190;
export const NODE_H = 62;

export const STATUS: Record<ReplayStatus, { word: string; mark: string; box: string; text: string }> = {
  valid: {
    word: 'valid',
    mark: '✓',
    box: 'border-emerald-500 bg-white dark:bg-slate-900',
    text: 'text-emerald-700 dark:text-emerald-300',
  },
  invalid: {
    word: 'invalid',
    mark: '✗',
    box: 'border-red-500 bg-red-50 dark:bg-red-950/60',
    text: 'text-red-800 dark:text-red-300',
  },
  tainted: {
    word: 'tainted',
    mark: '◐',
    box: 'border-amber-500 bg-amber-50 dark:bg-amber-950/50',
    text: 'text-amber-800 dark:text-amber-300',
  },
  ghost: {
    word: 'not in the ledger yet',
    mark: '?',
    box: 'border-dashed border-slate-400 bg-slate-50 dark:border-slate-500 dark:bg-slate-900',
    text: 'text-slate-600 dark:text-slate-400',
  },
};

export const EDGE_COLOR: Record<ReplayEdge['status'], string> = {
  ok: '#10b981',
  invalid: '#ef4444',
  ghost: '#94a3b8',
};

export const short = (s: string | null, n = 8) =>
  s === null ? '—' : s.length > n + 1 ? `${s.slice(0, n)}…` : s;
