import { useState, type ClipboardEvent, type DragEvent } from 'react';
import { VisibleText } from '../../components/VisibleText.tsx';
import { useInspectStore } from './store.ts';

/**
 * Pastes at least this long are inserted by the page rather than by the browser's text editor, which
 * takes seconds (or minutes) to insert a multi-megabyte text; the cost is in the editor, not here.
 */
const LARGE_PASTE = 100_000;
/** Texts longer than this are kept out of the textarea (laying them out would freeze the page). */
export const LARGE_TEXT = 200_000;
/** Dropped files larger than this are not read. */
const MAX_DROP_BYTES = 10 * 1024 * 1024;

const BOX =
  'min-h-36 w-full rounded-md border bg-white p-3 text-sm text-slate-900 dark:bg-slate-900 dark:text-slate-100';

/**
 * The paste box: a textarea for ordinary input; a summary panel in its place
 * for very large input. Accepts pasted text and dropped text files.
 */
export function TokenInput({ describedBy }: { describedBy: string }) {
  const text = useInspectStore((s) => s.text);
  const setText = useInspectStore((s) => s.setText);
  const [dragging, setDragging] = useState(false);

  const dragProps = {
    onDragOver: (e: DragEvent) => {
      if (e.dataTransfer.types.includes('Files')) {
        e.preventDefault();
        setDragging(true);
      }
    },
    onDragLeave: () => setDragging(false),
    onDrop: (e: DragEvent) => {
      setDragging(false);
      const files = [...e.dataTransfer.files];
      if (files.length === 0) return; // dropped text: the textarea inserts it itself
      e.preventDefault();
      const big = files.filter((f) => f.size > MAX_DROP_BYTES);
      if (big.length) {
        setText(useInspectStore.getState().text, {
          tone: 'warn',
          text: `Not read: ${big.map((f) => `${f.name} (${(f.size / 1048576).toFixed(1)} MB)`).join(', ')}; files over 10 MB are not tokens.`,
        });
        return;
      }
      void Promise.all(files.map((f) => f.text())).then(
        (contents) =>
          setText(contents.join('\n'), {
            tone: 'info',
            text: `Read from ${files.map((f) => f.name).join(', ')}.`,
          }),
        (err: unknown) =>
          setText(useInspectStore.getState().text, {
            tone: 'warn',
            text: `The dropped file could not be read: ${err instanceof Error ? err.message : String(err)}`,
          }),
      );
    },
  };
  const ring = dragging
    ? 'border-sky-500 ring-2 ring-sky-400 dark:border-sky-400'
    : 'border-slate-300 dark:border-slate-700';

  if (text.length > LARGE_TEXT) {
    const lines = countLines(text);
    return (
      <div
        role="group"
        tabIndex={0}
        aria-label="Pasted text, too large to show"
        aria-describedby={describedBy}
        className={`${BOX} ${ring} flex flex-col gap-2`}
        data-testid="large-input"
        onPaste={(e: ClipboardEvent) => {
          e.preventDefault();
          setText(e.clipboardData.getData('text/plain'));
        }}
        {...dragProps}
      >
        <p className="font-medium">
          {text.length.toLocaleString('en')} characters on {lines.toLocaleString('en')} line
          {lines === 1 ? '' : 's'} pasted: too large to show in the text box without freezing the page, so it
          is kept aside and inspected below.
        </p>
        <p className="truncate font-mono text-xs text-slate-500 dark:text-slate-400">
          <VisibleText text={text.slice(0, 160)} />…
        </p>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          Clear it, or focus this box and paste (or drop a file) to replace it.
        </p>
      </div>
    );
  }

  return (
    <textarea
      id="ect-input"
      aria-label="Paste ECTs"
      aria-describedby={describedBy}
      className={`${BOX} ${ring} resize-y font-mono break-all placeholder:text-slate-400 dark:placeholder:text-slate-500`}
      placeholder="eyJhbGciOiJFUzI1NiIs…  (one token, an Execution-Context: header line, a comma list, a JSON array, or one per line; or drop a text file here)"
      spellCheck={false}
      autoComplete="off"
      autoCorrect="off"
      autoCapitalize="off"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onPaste={(e) => {
        const pasted = e.clipboardData.getData('text/plain');
        if (pasted.length < LARGE_PASTE) return; // the browser pastes it, with undo
        e.preventDefault();
        const el = e.currentTarget;
        setText(el.value.slice(0, el.selectionStart) + pasted + el.value.slice(el.selectionEnd));
      }}
      data-testid="ect-input"
      {...dragProps}
    />
  );
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
