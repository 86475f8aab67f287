/**
 * Offline use: registers the service worker the build makes (sw.js, Workbox's precache of the
 * whole app) and tells the shell how far it is. Nothing here fetches anything: the worker serves
 * the app's own files from the browser's cache when the network is gone.
 */
import { create } from 'zustand';

export type OfflineStatus =
  /** No service workers here: a file:// page, an old browser, or a page not served over http(s). */
  | 'unsupported'
  /** The development server: no service worker (it would cache files that change as you edit). */
  | 'dev'
  | 'installing'
  /** Every file of the app is in the browser's cache: it works with no network. */
  | 'ready'
  | 'failed';

interface OfflineState {
  status: OfflineStatus;
  /** Why registering failed, for the tooltip. */
  error: string | null;
  /** navigator.onLine, followed. */
  online: boolean;
}

export const useOffline = create<OfflineState>()(() => ({
  status: 'installing',
  error: null,
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
}));

export function registerServiceWorker(): void {
  if (import.meta.env.DEV) return useOffline.setState({ status: 'dev' });
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator) || !window.isSecureContext) {
    return useOffline.setState({ status: 'unsupported' });
  }
  window.addEventListener('online', () => useOffline.setState({ online: true }));
  window.addEventListener('offline', () => useOffline.setState({ online: false }));
  navigator.serviceWorker.register('./sw.js', { scope: './' }).then(
    () => {
      // Resolves once a worker is active: with skipWaiting, as soon as it has precached everything.
      void navigator.serviceWorker.ready.then(() => useOffline.setState({ status: 'ready' }));
    },
    (e: unknown) =>
      useOffline.setState({ status: 'failed', error: e instanceof Error ? e.message : String(e) }),
  );
}
