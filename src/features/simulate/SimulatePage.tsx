/**
 * The Simulate tab: play a multi-agent workflow step by step. Each agent
 * signs its task's ECT with its own browser-made key and sends it in an
 * Execution-Context header; the receiver verifies it and appends it to the
 * ledger; fault switches show where each kind of attack or mistake is caught.
 */
import { useEffect } from 'react';
import { useHandoff } from '../../state/handoff.ts';
import { FaultPanel } from './FaultPanel.tsx';
import { LedgerView } from './LedgerView.tsx';
import { RunControls } from './RunControls.tsx';
import { RunGraph } from './RunGraph.tsx';
import { SaveRunPanel } from './SaveRunPanel.tsx';
import { ScenarioBar } from './ScenarioBar.tsx';
import { ScenarioEditor } from './ScenarioEditor.tsx';
import { StepDetail } from './StepDetail.tsx';
import { StepList } from './StepList.tsx';
import { useSimulate } from './store.ts';

export function SimulatePage() {
  const editorOpen = useSimulate((s) => s.editorOpen);
  // A scenario file pasted or dropped on another tab, sent here.
  useEffect(() => {
    const pending = useHandoff.getState().takeText('simulate');
    if (pending) useSimulate.getState().importFile(`the text from ${pending.from}`, pending.text);
  }, []);
  return (
    <div className="flex flex-col gap-3" data-testid="simulate-page">
      <p className="max-w-4xl text-sm text-slate-700 dark:text-slate-300">
        Simulate a multi-agent workflow in your browser: every agent gets its own ES256 key, signs the ECT of
        its task and sends it to the next agent in an <code className="font-mono">Execution-Context</code>{' '}
        header; the receiver verifies it (the 16 steps of the profile) against its trust store, its replay
        cache and the ledger, then appends it. Turn on a fault switch to see which step catches it.
      </p>
      <ScenarioBar />
      {editorOpen && <ScenarioEditor />}
      <FaultPanel />
      <RunControls />
      <RunGraph />
      <div className="grid gap-3 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <div className="flex min-w-0 flex-col gap-3">
          <StepList />
          <LedgerView />
          <SaveRunPanel />
        </div>
        <StepDetail />
      </div>
    </div>
  );
}
