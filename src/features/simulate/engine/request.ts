/**
 * How a step "sends" its token: an HTTP request to the receiving agent's endpoint with the
 * `Execution-Context` header (draft section 4.2), rendered as text as it would go on the wire.
 */
import type { ScenarioAgent } from './types.ts';

export interface HttpRequestView {
  method: 'POST';
  host: string;
  path: string;
  headers: [string, string][];
  /** The request as text, as on the wire (no body). */
  text: string;
}

/** A name as a lowercase slug for hosts, paths and kids ('agent' when nothing is left). */
export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'agent';

/** Host and path of an agent's endpoint, from its issuer URI (spiffe://domain/path). */
export function endpointOf(agent: ScenarioAgent): { host: string; path: string } {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)(\/[^?#]*)?/i.exec(agent.issuer);
  if (m) return { host: m[1]!, path: `${(m[2] ?? '').replace(/\/$/, '')}/tasks` };
  return { host: agent.domain, path: `/agents/${slug(agent.name)}/tasks` };
}

export function renderRequest(to: ScenarioAgent, token: string): HttpRequestView {
  const { host, path } = endpointOf(to);
  const headers: [string, string][] = [
    ['Host', host],
    ['Content-Type', 'application/json'],
    ['Execution-Context', token],
  ];
  return {
    method: 'POST',
    host,
    path,
    headers,
    text: [`POST ${path} HTTP/1.1`, ...headers.map(([k, v]) => `${k}: ${v}`)].join('\n'),
  };
}
