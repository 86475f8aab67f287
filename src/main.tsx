import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// Side-effect import: Vite bundles the global styles (Tailwind) from here.
// oxlint-disable-next-line import/no-unassigned-import
import './index.css';
import { App } from './app/App.tsx';
import { registerServiceWorker } from './app/offline.ts';

const root = document.getElementById('root');
if (!root) throw new Error('ECT Workbench: no #root element in index.html');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

registerServiceWorker();
