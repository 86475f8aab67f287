/**
 * `ect demo`: the reference implementations' two-agent flow (`go run ./cmd/demo`, `python3
 * demo.py`) in the terminal. Agent A issues a root ECT; agent B verifies it (key resolver, replay
 * store, DAG rules against the ledger) and appends it to the ledger; B issues a child ECT naming
 * A's task, which A verifies with the DAG rules against that ledger. Then the same flow with one
 * fault each (a replayed token, a tampered payload, a missing parent), each caught with its code.
 * Colour only on a terminal, and not when NO_COLOR is set.
 */
import {
  createToken,
  generateSigningKey,
  MemoryLedger,
  MemoryReplayStore,
  OptionsError,
  settingsFromEnv,
  verifyToken,
  type ErrorCode,
  type GeneratedKey,
  type KeyResolver,
  type Settings,
  type VerificationReport,
} from '../index.ts';

export interface DemoOptions {
  /** Where the lines go; default standard output. */
  write?: (text: string) => void;
  /** ANSI colours; default: when standard output is a terminal and NO_COLOR is not set. */
  colour?: boolean;
  settings?: Settings;
}

export interface DemoOutcome {
  /** Whether the happy path went through and every fault was caught with its code. */
  ok: boolean;
  /** The code each fault was refused with (null: it was accepted). */
  faults: { name: string; expected: ErrorCode; got: ErrorCode | null }[];
  ledgerSize: number;
  chainIntact: boolean;
}

const A = { name: 'agent A', iss: 'spiffe://example.com/agent/a', kid: 'agent-a-key' };
const B = { name: 'agent B', iss: 'spiffe://example.com/agent/b', kid: 'agent-b-key' };

const short = (s: string, n = 8) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The payload part of a JWS replaced by other claims, the header and signature kept: a forgery. */
function tamper(token: string, change: Record<string, unknown>): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  return [h, Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url'), s].join('.');
}

export async function runDemo(opts: DemoOptions = {}): Promise<DemoOutcome> {
  const write = opts.write ?? ((t: string) => void process.stdout.write(t));
  const colour = opts.colour ?? Boolean(process.stdout.isTTY && !process.env.NO_COLOR);
  const paint = (code: string) => (t: string) => (colour ? `\u001b[${code}m${t}\u001b[0m` : t);
  const bold = paint('1');
  const dim = paint('2');
  const green = paint('32');
  const red = paint('31');
  const cyan = paint('36');
  const say = (line = '') => write(`${line}\n`);

  // The reference implementations' `cfg = LoadConfigFromEnv()`.
  const settings = opts.settings ?? settingsFromEnv(process.env);
  const keys = new Map<string, GeneratedKey>();
  for (const agent of [A, B]) keys.set(agent.kid, await generateSigningKey({ kid: agent.kid }));
  // Each verifier resolves kids to public keys (a JWKS it fetched, a KMS, a WIT: here a map).
  const resolveKey: KeyResolver = (kid) => keys.get(kid)?.publicJwk;
  const ledger = new MemoryLedger();
  const replay = MemoryReplayStore.fromSettings(settings);
  let lastMs = 0;
  const verifyAs = (agent: typeof A, token: string) =>
    verifyToken(token, {
      audience: agent.iss,
      resolveKey,
      ledger,
      replay,
      settings,
      onVerify: (e) => {
        lastMs = e.durationMs;
      },
    });
  const issue = async (agent: typeof A, to: typeof A, exec_act: string, pred: string[]) => {
    const created = await createToken(
      {
        iss: agent.iss,
        aud: [to.iss],
        exec_act,
        pred,
        ect_ext: { pol: 'policy_v1', pol_decision: 'approved' },
      },
      keys.get(agent.kid)!.privateKey,
      { kid: agent.kid, settings },
    );
    return { token: created.token, jti: created.payload.jti as string };
  };
  const verdict = (r: VerificationReport) => {
    const ms = dim(`(${lastMs.toFixed(1)} ms)`);
    if (r.valid) {
      const entry = r.entry
        ? `, ledger entry ${r.entry.seq} ${dim(`hash ${short(r.entry.entryHash, 12)}`)}`
        : '';
      return `${green('✓ accepted')}${entry} ${ms}`;
    }
    const step = r.steps.find((s) => s.status === 'fail')!;
    return `${red(`✗ refused: ${r.code}`)} (step ${step.n}, ${step.title}) ${ms}\n      ${dim(step.problems[0]!.message)}`;
  };

  say(bold('ECT demo: two agents, one ledger (draft-nennemann-wimse-ect)'));
  say(`${cyan(A.name)}  ${A.iss}  key ${A.kid} (ES256)`);
  say(`${cyan(B.name)}  ${B.iss}  key ${B.kid} (ES256)`);
  say(dim('Verifiers resolve keys by kid, check replay and the DAG rules, and append to one MemoryLedger.'));
  say();

  say(bold('The flow'));
  const { token: root, jti: rootJti } = await issue(A, B, 'review_spec', []);
  say(`1. ${cyan(A.name)} issues the root ECT: exec_act review_spec, pred [], jti ${short(rootJti)}`);
  say(`   ${dim(`${root.slice(0, 60)}… (${root.length} characters)`)}`);
  const r1 = await verifyAs(B, root);
  say(`2. ${cyan(B.name)} verifies it and appends it to the ledger: ${verdict(r1)}`);
  const { token: child } = await issue(B, A, 'implement_feature', [rootJti]);
  const r2 = await verifyAs(A, child);
  say(`3. ${cyan(B.name)} issues a child ECT: exec_act implement_feature, pred [${short(rootJti)}]`);
  say(`4. ${cyan(A.name)} verifies it, DAG rules against the ledger: ${verdict(r2)}`);
  say();

  say(bold('The same flow with one fault each'));
  const faults: DemoOutcome['faults'] = [];
  const fault = async (name: string, expected: ErrorCode, what: string, agent: typeof A, token: string) => {
    const r = await verifyAs(agent, token);
    faults.push({ name, expected, got: r.code });
    say(`${faults.length + 4}. ${bold(name)}: ${what}`);
    say(`   ${verdict(r)}`);
  };
  await fault('replayed token', 'replay', `the root ECT is presented to ${B.name} again`, B, root);
  const { token: fresh } = await issue(A, B, 'review_spec', []);
  await fault(
    'tampered payload',
    'invalid_signature',
    `a new root ECT from ${A.name} whose exec_act is changed to deploy_to_production after signing`,
    B,
    tamper(fresh, { exec_act: 'deploy_to_production' }),
  );
  const ghost = crypto.randomUUID();
  await fault(
    'missing parent',
    'parent_not_found',
    `${B.name} issues a child naming ${short(ghost)}, a task the ledger never saw`,
    A,
    (await issue(B, A, 'implement_feature', [ghost])).token,
  );
  say();

  const chain = await ledger.verifyChain();
  const caught = faults.filter((f) => f.got === f.expected).length;
  const ok = r1.valid && r2.valid && caught === faults.length && chain.ok;
  say(
    `${ok ? green('✓') : red('✗')} ${caught} of ${faults.length} faults caught with their codes; ledger: ${chain.length} entries, chain ${chain.ok ? 'intact' : 'BROKEN'}`,
  );
  return { ok, faults, ledgerSize: chain.length, chainIntact: chain.ok };
}

/** `ect demo`: exit 0 when the flow went through and every fault was caught, 1 otherwise. */
export async function cmdDemo(argv: string[]): Promise<number> {
  if (argv.length) throw new OptionsError('demo takes no arguments');
  return (await runDemo()).ok ? 0 : 1;
}
