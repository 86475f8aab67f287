/** Test helper: `n` root tokens signed by the first example agent (steps step_1 … step_n), issued now. */
import { createToken } from 'wimse-ect';
import { EXAMPLE_AGENTS } from '../exampleAgents.ts';

export async function exampleTokens(n: number): Promise<string[]> {
  const agent = EXAMPLE_AGENTS[0]!;
  const now = Math.floor(Date.now() / 1000);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const { token } = await createToken(
      { iss: agent.issuer, aud: ['spiffe://example.com/agent/b'], exec_act: `step_${i + 1}`, pred: [] },
      { key: agent.jwk, kid: String(agent.jwk.kid), now },
    );
    out.push(token);
  }
  return out;
}
