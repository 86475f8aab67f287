import { useOffline } from './offline.ts';

/** One line in the header: whether the app works with no network here, and whether it is offline now. */
export function OfflineBadge() {
  const status = useOffline((s) => s.status);
  const online = useOffline((s) => s.online);
  const error = useOffline((s) => s.error);
  if (status === 'dev') return null;
  const [text, title, tone] =
    status === 'ready'
      ? online
        ? [
            '✓ Works offline',
            'Every file of the app is kept in this browser (a service worker): it opens and works with no network, and still sends nothing anywhere.',
            'ok',
          ]
        : ['Offline now: everything still works', 'The app runs from this browser’s copy of its files.', 'ok']
      : status === 'installing'
        ? [
            'Storing the app for offline use…',
            'A service worker is copying the app’s files into this browser.',
            'muted',
          ]
        : status === 'unsupported'
          ? [
              'Online only here',
              'Offline use needs a service worker, which browsers allow only on pages served over https or from localhost (not from a file:// page).',
              'muted',
            ]
          : [
              'Offline use unavailable',
              `The service worker could not be registered: ${error ?? 'unknown error'}`,
              'muted',
            ];
  return (
    <span
      role="status"
      data-testid="offline-status"
      data-status={status}
      data-online={online ? 'true' : 'false'}
      title={title}
      className={`rounded-full px-2 py-0.5 text-xs font-medium ${
        tone === 'ok'
          ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200'
          : 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300'
      }`}
    >
      {text}
    </span>
  );
}
