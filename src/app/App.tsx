import { InspectPage } from '../features/inspect/InspectPage.tsx';

export function App() {
  return (
    <div className="flex min-h-screen flex-col">
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto max-w-5xl px-4 py-4">
          <h1 className="text-xl font-semibold tracking-tight">ECT Workbench</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            An Execution Context Token (ECT) is a signed JWT recording one task an agent performed; its
            predecessor list links tasks into a workflow DAG. Everything here runs locally in your browser.
          </p>
        </div>
      </header>
      <main className="mx-auto w-full max-w-5xl flex-1 px-4 py-6">
        <InspectPage />
      </main>
    </div>
  );
}
