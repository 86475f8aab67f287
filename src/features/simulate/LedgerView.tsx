/** The run's ledger(s) as they grow: sequence number, task, hash prefix, receipt, chain check. */
import { useSimulate } from './store.ts';
import { Panel, simTime } from './ui.tsx';
import { HeaderRow } from '../../components/HeaderRow.tsx';

export function LedgerView() {
  const run = useSimulate((s) => s.run);
  const level = useSimulate((s) => s.scenario.level);
  const stepOfEntry = new Map(
    run.steps.filter((s) => s.entry).map((s) => [`${s.store}\u0000${s.entry!.seq}`, s] as const),
  );
  return (
    <Panel title="Ledger" testId="sim-ledger">
      {run.stores.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {level === 'L3'
            ? 'L3: the ledger gets its own ES256 key when the run starts and signs a receipt for every append.'
            : 'L2: verified tokens are appended to a hash-chained, append-only ledger (no receipts).'}
        </p>
      ) : (
        <div className="flex flex-col gap-3">
          {run.stores.map((store) => (
            <section key={store.name} aria-label={store.name} data-testid="sim-store" data-name={store.name}>
              <h3 className="text-sm font-semibold">
                {store.name}{' '}
                <span className="font-normal text-slate-600 dark:text-slate-400">
                  · {store.entries.length} entr{store.entries.length === 1 ? 'y' : 'ies'}
                  {store.receipts ? ` · receipts signed by ${store.ledgerKid}` : ' · no receipts (L2)'}
                </span>
              </h3>
              <p
                className={`text-xs ${store.chain.ok ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}`}
                data-testid="sim-chain"
              >
                {store.chain.ok
                  ? `Hash chain intact${store.receipts ? '; every receipt verifies under the ledger key' : ''}.`
                  : `Chain broken: ${store.chain.message}`}
              </p>
              {store.entries.length > 0 && (
                <div className="mt-1 overflow-x-auto">
                  <table className="w-full text-left text-xs">
                    <thead className="text-slate-500 dark:text-slate-400">
                      <HeaderRow
                        columns={['seq', 'task', 'entry hash', 'receipt', 'appended']}
                        cellClassName="py-0.5 pr-2 font-medium last:pr-0"
                      />
                    </thead>
                    <tbody>
                      {store.entries.map((e) => {
                        const step = stepOfEntry.get(`${store.name}\u0000${e.seq}`);
                        return (
                          <tr
                            key={e.seq}
                            className="border-t border-slate-100 dark:border-slate-800"
                            data-testid="sim-ledger-entry"
                            data-seq={e.seq}
                            data-receipt={e.receipt ? 'yes' : 'no'}
                          >
                            <td className="py-0.5 pr-2 font-mono">#{e.seq}</td>
                            <td className="py-0.5 pr-2">
                              {step && (
                                <button
                                  type="button"
                                  className="text-left underline decoration-dotted"
                                  onClick={() => useSimulate.getState().select(step.n)}
                                  title={`jti ${e.jti}: show step ${step.n}`}
                                >
                                  {step.taskId}
                                </button>
                              )}
                              <span className="block font-mono text-[11px] text-slate-600 dark:text-slate-400">
                                {String(e.claims.exec_act)}
                              </span>
                            </td>
                            <td className="py-0.5 pr-2 font-mono" title={e.entryHash}>
                              {e.entryHash.slice(0, 10)}…
                            </td>
                            <td className="py-0.5 pr-2">
                              {e.receipt ? (
                                <span title={e.receipt} className="text-violet-800 dark:text-violet-300">
                                  ✓ signed
                                </span>
                              ) : (
                                <span className="text-slate-600 dark:text-slate-400">—</span>
                              )}
                            </td>
                            <td className="py-0.5 whitespace-nowrap">
                              {simTime(Math.floor(e.appendedAt / 1000), run.startTime).split(' (')[0]}
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          ))}
        </div>
      )}
    </Panel>
  );
}
