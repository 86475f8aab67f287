import { useEffect, useState } from 'react';
import { Button } from './Button.tsx';

/** Copies `value` to the clipboard and says so; says why when the browser refuses. */
export function CopyButton({
  value,
  label = 'Copy',
  what,
}: {
  value: string;
  label?: string;
  what?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <Button
      aria-label={what ? `${label} ${what}` : label}
      title={
        state === 'failed'
          ? 'The browser refused clipboard access; select the text and copy it by hand'
          : undefined
      }
      onClick={() => {
        navigator.clipboard.writeText(value).then(
          () => setState('copied'),
          () => setState('failed'),
        );
      }}
    >
      <span aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
      </span>
    </Button>
  );
}
