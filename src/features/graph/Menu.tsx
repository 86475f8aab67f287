/**
 * A small drop-down for the Graph tab's top bar (export, load, compare): a
 * button that opens a panel under it; a click elsewhere or Escape closes it.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Button } from '../../components/Button.tsx';

export function Menu({
  label,
  title,
  children,
}: {
  label: string;
  title?: string;
  /** The panel's content; a function gets a `close` to call once a choice is made. */
  children: ReactNode | ((close: () => void) => ReactNode);
}) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return (
    <div ref={ref} className="relative">
      <Button
        aria-expanded={open}
        aria-controls={id}
        title={title}
        onClick={() => setOpen((o) => !o)}
        className="px-2 py-0.5 whitespace-nowrap"
      >
        {label} <span aria-hidden="true">▾</span>
      </Button>
      {open && (
        <div
          id={id}
          className="absolute top-full right-0 z-40 mt-1 flex w-[min(26rem,calc(100vw-1rem))] flex-col gap-2 rounded-md border border-slate-200 bg-white p-2 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          {typeof children === 'function' ? children(() => setOpen(false)) : children}
        </div>
      )}
    </div>
  );
}
