/** Find by jti: a prefix, the first hits listed; picking one selects it and zooms to it. */
import { useMemo, useState } from 'react';
import { VisibleText } from '../../components/VisibleText.tsx';
import { type GraphModel } from './model.ts';
import { searchJti } from './view.ts';

export function Search({ model, onPick }: { model: GraphModel; onPick: (i: number) => void }) {
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const hits = useMemo(() => searchJti(model, q, 8), [model, q]);
  const pick = (i: number) => {
    onPick(i);
    setOpen(false);
  };
  return (
    <div className="relative text-xs text-slate-600 dark:text-slate-400">
      <label htmlFor="graph-search" className="sr-only">
        Find by jti (prefix)
      </label>
      <input
        id="graph-search"
        type="search"
        autoComplete="off"
        spellCheck={false}
        placeholder="Find by jti…"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && hits[0] !== undefined) pick(hits[0]);
          if (e.key === 'Escape') setOpen(false);
        }}
        aria-controls="graph-search-results"
        aria-expanded={open && q.trim() !== ''}
        role="combobox"
        className="w-40 rounded-md sm:w-56 border border-slate-300 bg-white px-2 py-1 font-mono text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      />
      {open && q.trim() !== '' && (
        <ul
          id="graph-search-results"
          role="listbox"
          className="absolute top-full left-0 z-40 mt-1 w-[min(24rem,90vw)] rounded-md border border-slate-200 bg-white py-1 text-sm text-slate-900 shadow-lg dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
        >
          {hits.length === 0 && (
            <li className="px-2 py-1 text-slate-600 dark:text-slate-400">
              No jti starts with “<VisibleText text={q.trim()} />
              ”.
            </li>
          )}
          {hits.map((i) => {
            const n = model.nodes[i]!;
            return (
              <li key={i} role="option" aria-selected={false}>
                <button
                  type="button"
                  onClick={() => pick(i)}
                  className="flex w-full items-baseline gap-2 px-2 py-1 text-left hover:bg-slate-100 dark:hover:bg-slate-800"
                >
                  <code className="font-mono text-xs">
                    <VisibleText text={n.jti ?? ''} />
                  </code>
                  <span className="truncate text-xs text-slate-600 dark:text-slate-400">
                    {n.kind === 'ghost' ? 'missing' : <VisibleText text={n.act ?? ''} />}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
