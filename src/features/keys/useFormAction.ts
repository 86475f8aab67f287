import { useState } from 'react';
import { errorText } from './ui.ts';

/**
 * The state of a form that runs one asynchronous action: busy while it runs, then a success
 * message or an error, each cleared when the next run starts.
 */
export function useFormAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = <T>(
    action: () => Promise<T>,
    onOk: (value: T) => string,
    onError: (e: unknown) => string = errorText,
  ): void => {
    setBusy(true);
    setError(null);
    setDone(null);
    action().then(
      (value) => {
        setDone(onOk(value));
        setBusy(false);
      },
      (e: unknown) => {
        setError(onError(e));
        setBusy(false);
      },
    );
  };
  return { busy, error, done, setError, setDone, run };
}
