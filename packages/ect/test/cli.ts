/**
 * Running the `ect` CLI as a child process in unit tests (src/cli/*.test.ts), as scripts and the
 * conformance runner do, with a temporary folder of input files and one trusted agent.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { makeAgent, type Agent } from './fixtures.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Per test: each CLI run costs about a second. */
export const CLI_TIMEOUT = 30_000;

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `ect <args>` from the project folder, without ECT_DEBUG (which would print stack traces). */
export function ect(...args: string[]): Run {
  return runEct({}, CLI_TIMEOUT - 5_000, args);
}

/** `ect <args>`, stopped after `timeout` ms: for the few runs that take longer (150,000 tokens). */
export function ectWithin(timeout: number, ...args: string[]): Run {
  return runEct({}, timeout, args);
}

/** `ect <args>` with these environment variables (ECT_* settings, say). */
export function ectWith(vars: Record<string, string>, ...args: string[]): Run {
  return runEct(vars, CLI_TIMEOUT - 5_000, args);
}

/**
 * None of the caller's ECT_* variables (settings, ECT_DEBUG) are passed on, so runs do not depend
 * on the shell they start from; `vars` are added.
 */
function runEct(vars: Record<string, string>, timeout: number, args: string[]): Run {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('ECT_')) delete env[name];
  Object.assign(env, vars);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface CliWorkspace {
  /** The temporary folder, removed after the file's tests. */
  dir: string;
  /** The agent whose public key `trustFile` trusts. */
  alice: Agent;
  /** An issuer-bound trust store file with alice's key. */
  trustFile: string;
  /** Writes `content` (text, bytes, or anything else as JSON) to a file in `dir`; returns its path. */
  file(name: string, content: unknown): string;
}

/** A workspace set up before the calling test file's tests and removed after them. */
export function cliWorkspace(prefix: string): CliWorkspace {
  const ws: CliWorkspace = {
    dir: '',
    alice: undefined as unknown as Agent, // set in beforeAll, before any test reads it
    trustFile: '',
    file(name, content) {
      const path = join(ws.dir, name);
      writeFileSync(
        path,
        typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content),
      );
      return path;
    },
  };
  beforeAll(async () => {
    ws.dir = mkdtempSync(join(tmpdir(), prefix));
    ws.alice = await makeAgent('alice');
    ws.trustFile = ws.file('trust.json', {
      issuers: { [ws.alice.iss]: { keys: [ws.alice.key.publicJwk] } },
    });
  });
  afterAll(() => {
    if (ws.dir) rmSync(ws.dir, { recursive: true, force: true });
  });
  return ws;
}
