/**
 * "Save run to a ledger": the run's tokens go into a new IndexedDB ledger
 * named after the scenario (with receipts when the run was L3), the agents'
 * public keys optionally into Keys & trust, and the Graph tab audits it.
 */
import { useId, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { useKeyring } from '../../state/keyring.ts';
import { useLedgers } from '../../state/ledgers.ts';
import { useRouter } from '../../state/router.ts';
import { useSimulate } from './store.ts';
import { Panel } from './ui.tsx';

type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; name: string; added: number; keys: number }
  | { kind: 'error'; message: string };

export function SaveRunPanel() {
  const id = useId();
  const run = useSimulate((s) => s.run);
  const scenario = useSimulate((s) => s.scenario);
  const [trustKeys, setTrustKeys] = useState(true);
  const [withRefused, setWithRefused] = useState(false);
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const [savedTag, setSavedTag] = useState<string | null>(null);
  const navigate = useRouter((s) => s.navigate);

  const accepted = run.steps.filter((s) => s.outcome === 'accepted' || s.outcome === 'partial').length;
  const refused = run.steps.filter((s) => s.outcome === 'refused' && s.token).length;
  if (run.steps.length === 0) return null;
  const current = state.kind === 'saved' && savedTag === `${run.runTag}:${run.steps.length}`;

  const save = async () => {
    const sim = useSimulate.getState().simulation();
    if (!sim) return;
    setState({ kind: 'saving' });
    try {
      const tokens = [...sim.acceptedTokens(), ...(withRefused ? sim.refusedTokens() : [])];
      let keys = 0;
      if (trustKeys) {
        for (const agent of scenario.agents) {
          const doc = sim.trustStoreDocument();
          const one = { issuers: { [agent.issuer]: doc.issuers[agent.issuer]! } };
          keys += (
            await useKeyring.getState().importPublic(JSON.stringify(one), {
              name: `${agent.name} (simulator run ${sim.runTag})`,
            })
          ).added.length;
        }
      }
      const ledgers = useLedgers.getState();
      if (ledgers.status === 'idle') await ledgers.load();
      const name = `${scenario.name} (simulated ${sim.runTag})`;
      await useLedgers.getState().create(name, { signReceipts: scenario.level === 'L3' });
      const result = await useLedgers.getState().importText(tokens.join('\n'));
      setSavedTag(`${run.runTag}:${run.steps.length}`);
      setState({ kind: 'saved', name, added: result.added, keys });
    } catch (e) {
      setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <Panel title="Keep this run" testId="sim-save-run">
      <div className="flex flex-col gap-2 text-sm">
        <p className="text-slate-700 dark:text-slate-300">
          Save the {accepted} accepted token{accepted === 1 ? '' : 's'} in run order to a new ledger in this
          browser{scenario.level === 'L3' ? ' (a ledger that signs receipts, as at L3)' : ''}, then audit the
          whole set in the Graph tab.
        </p>
        <label htmlFor={`${id}-trust`} className="flex items-start gap-2">
          <input
            id={`${id}-trust`}
            type="checkbox"
            className="mt-1 size-4"
            checked={trustKeys}
            onChange={(e) => setTrustKeys(e.target.checked)}
          />
          <span>
            Also trust this run’s {scenario.agents.length} agent keys (adds their public keys to Keys &amp;
            trust, so the Graph tab can check the signatures)
          </span>
        </label>
        {refused > 0 && (
          <label htmlFor={`${id}-refused`} className="flex items-start gap-2">
            <input
              id={`${id}-refused`}
              type="checkbox"
              className="mt-1 size-4"
              checked={withRefused}
              onChange={(e) => setWithRefused(e.target.checked)}
            />
            <span>
              Include the {refused} refused token{refused === 1 ? '' : 's'} too, to see them drawn as
              violations (a real ledger would never hold them)
            </span>
          </label>
        )}
        <div className="flex flex-wrap items-center gap-2">
          <Button onClick={() => void save()} disabled={state.kind === 'saving' || accepted + refused === 0}>
            {state.kind === 'saving' ? 'Saving…' : 'Save run to a ledger'}
          </Button>
          {current && (
            <a
              href="#/graph"
              className="rounded-md px-1 text-sm font-medium text-sky-800 underline dark:text-sky-300"
              onClick={(e) => {
                e.preventDefault();
                navigate('graph');
              }}
              data-testid="sim-open-graph"
            >
              Audit it in the Graph tab
            </a>
          )}
        </div>
        <p aria-live="polite" data-testid="sim-save-outcome" className="min-h-5">
          {current && state.kind === 'saved' && (
            <span className="text-emerald-800 dark:text-emerald-300">
              Saved {state.added} token{state.added === 1 ? '' : 's'} to the ledger “{state.name}”
              {state.keys ? `, and trusted ${state.keys} agent key${state.keys === 1 ? '' : 's'}` : ''}. It is
              now the open ledger in the Ledger and Graph tabs.
            </span>
          )}
          {state.kind === 'error' && (
            <span role="alert" className="text-red-800 dark:text-red-300">
              The run could not be saved: {state.message}
            </span>
          )}
        </p>
      </div>
    </Panel>
  );
}
