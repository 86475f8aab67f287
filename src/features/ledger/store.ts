/**
 * The Ledger page's own state, kept outside the component tree so that it survives a visit to
 * another tab: the filters, the selected entry, and the import that is running (with its
 * AbortController) or the outcome of the last one.
 */
import { create } from 'zustand';
import { BundleRefused, ImportCancelled, useLedgers, type ImportResult } from '../../state/ledgers.ts';
import { describeStorageError } from './format.ts';
import type { Sort } from './order.ts';
import { NO_FILTERS, type Filters } from './rows.ts';
import { classifyText, type FileKind } from '../../state/fileKind.ts';
import { yieldToPage } from '../../lib/yieldToPage.ts';
import { wholeWhereNeeded, type TextInput } from '../../lib/textParts.ts';

export type ImportOutcome =
  | { kind: 'done'; source: string; result: ImportResult; ms: number }
  | { kind: 'cancelled'; source: string }
  | { kind: 'error'; source: string; message: string }
  /** A bundle whose own ledger check found problems: nothing written; `text` can be imported anyway. */
  | { kind: 'refused'; source: string; refused: BundleRefused; text: string }
  /** The text is not for a ledger (keys, a scenario): nothing was imported; the right place is offered. */
  | { kind: 'elsewhere'; source: string; text: string; what: FileKind };

interface LedgerViewState {
  filters: Filters;
  /** The table's order: null for ledger order. */
  sort: Sort | null;
  setSort(sort: Sort | null): void;
  /** The selected entry's sequence number (stable across re-audits and filters). */
  selectedSeq: number | null;
  /** The import running now: where its text came from, how to stop it, whether its file is still being read. */
  running: { source: string; controller: AbortController; startedAt: number; reading: boolean } | null;
  outcome: ImportOutcome | null;
  setFilter<K extends keyof Filters>(name: K, value: Filters[K]): void;
  clearFilters(): void;
  select(seq: number | null): void;
  /** Selects an entry and asks the detail panel to scroll into view (a click, Enter). */
  open(seq: number): void;
  /** Bumped by `open`: the detail panel scrolls into view when it changes. */
  reveal: number;
  /**
   * Imports `text` into the open ledger; when `text` is a function, the text it reads (a file's, as
   * one string or as the slices `readTextParts` read it in).
   */
  startImport(
    text: string | (() => Promise<TextInput>),
    source: string,
    opts?: { acceptBundleProblems?: boolean },
  ): Promise<ImportOutcome | null>;
  cancelImport(): void;
  dismissOutcome(): void;
}

export const useLedgerView = create<LedgerViewState>()((set, get) => ({
  filters: NO_FILTERS,
  sort: null,
  setSort: (sort) => set({ sort }),
  selectedSeq: null,
  running: null,
  outcome: null,
  setFilter: (name, value) => set((s) => ({ filters: { ...s.filters, [name]: value } })),
  clearFilters: () => set({ filters: NO_FILTERS }),
  select: (seq) => set({ selectedSeq: seq }),
  open: (seq) => set((s) => ({ selectedSeq: seq, reveal: s.reveal + 1 })),
  reveal: 0,

  async startImport(text, source, opts = {}) {
    if (get().running) return null;
    const controller = new AbortController();
    const startedAt = performance.now();
    set({ running: { source, controller, startedAt, reading: typeof text !== 'string' }, outcome: null });
    let outcome: ImportOutcome;
    let whole = ''; // the text, when it was read as one string (a refused bundle keeps it)
    try {
      // A file's slices stay apart unless its reader needs it whole (JSON): for lines of tokens,
      // joining 180 MB was the import's one long task (349 ms, issue 17).
      const body = wholeWhereNeeded(typeof text === 'string' ? text : await text());
      if (typeof body === 'string') whole = body;
      if (controller.signal.aborted) throw new ImportCancelled();
      set((s) => (s.running ? { running: { ...s.running, reading: false } } : {}));
      // A text in slices is lines (JSON was joined above): its first slice (4 MB) shows what it is.
      const what = classifyText(typeof body === 'string' ? body : body[0]!);
      if (what.kind === 'keys' || what.kind === 'scenario') {
        const all = typeof body === 'string' ? body : body.join('');
        set({ running: null, outcome: { kind: 'elsewhere', source, text: all, what } });
        return get().outcome;
      }
      // The classification and the import's first split in one task were 354 ms for 250,000
      // tokens (profiled, session 9): the page gets a turn between them.
      if (typeof body !== 'string' || body.length > 1 << 20) await yieldToPage();
      if (controller.signal.aborted) throw new ImportCancelled();
      const result = await useLedgers.getState().importText(body, {
        signal: controller.signal,
        acceptBundleProblems: opts.acceptBundleProblems === true,
      });
      outcome = { kind: 'done', source, result, ms: performance.now() - startedAt };
    } catch (e) {
      outcome =
        e instanceof ImportCancelled
          ? { kind: 'cancelled', source }
          : e instanceof BundleRefused
            ? { kind: 'refused', source, refused: e, text: whole }
            : { kind: 'error', source, message: describeStorageError(e) };
    }
    // The store's error line would repeat what the outcome says.
    if (outcome.kind === 'error' || outcome.kind === 'refused') useLedgers.setState({ error: null });
    set({ running: null, outcome });
    return outcome;
  },

  cancelImport() {
    get().running?.controller.abort();
  },

  dismissOutcome: () => set({ outcome: null }),
}));
