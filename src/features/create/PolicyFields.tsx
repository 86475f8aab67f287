/** The policy claims of the Create form (pol, pol_decision and friends), per draft version. */
import { POLICY_DECISIONS, type JsonObject, type Version } from 'wimse-ect';
import { readPolicy, type DryRun } from './payload.ts';
import { useCreator } from './store.ts';
import { Field, SELECT, SyncedTextInput, useSyncedText } from './ui.tsx';
import { formatString, help, parseString, title } from './claimFields.tsx';

export function PolicyFields({
  version,
  payload,
  dry,
}: {
  version: Version;
  payload: JsonObject;
  dry: DryRun;
}) {
  const setPolicy = useCreator((s) => s.setPolicy);
  const policy = readPolicy(payload, version);
  const kind = version === '01' ? 'ext' : 'claim';
  const where =
    version === '01'
      ? 'In -01 both go inside "ect_ext".'
      : 'In -00 both are top-level claims (as the -00 reference implementation sets them).';
  const decision = policy.pol_decision;
  const decisionText =
    decision === undefined ? '' : typeof decision === 'string' ? decision : JSON.stringify(decision);
  const known = decision === undefined || (POLICY_DECISIONS as readonly unknown[]).includes(decision);
  const polSynced = useSyncedText(policy.pol, formatString, parseString, (v) => setPolicy({ pol: v }));
  return (
    <>
      <Field
        id="claim-pol"
        name="pol"
        title={title('pol', kind)}
        optional
        help={help('pol', kind)}
        problems={dry.byField.pol}
        notes={[where]}
      >
        {(a11y) => (
          <SyncedTextInput
            a11y={a11y}
            synced={polSynced}
            placeholder="empty: no policy; e.g. spending-limit-v2"
          />
        )}
      </Field>
      <Field
        id="claim-pol_decision"
        name="pol_decision"
        title={title('pol_decision', kind)}
        optional
        help={help('pol_decision', kind)}
        problems={dry.byField.pol_decision}
      >
        {(a11y) => (
          <select
            {...a11y}
            className={`${SELECT} w-full`}
            value={decisionText}
            onChange={(e) => setPolicy({ pol_decision: e.target.value === '' ? undefined : e.target.value })}
          >
            <option value="">(none)</option>
            {POLICY_DECISIONS.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
            {!known && <option value={decisionText}>{decisionText} (not allowed)</option>}
          </select>
        )}
      </Field>
    </>
  );
}
