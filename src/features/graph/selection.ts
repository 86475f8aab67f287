/**
 * The Graph tab's selection syntax, in the spirit of Dagster's asset selection:
 *
 *   build_artifact          tasks whose exec_act is build_artifact, or whose jti starts with it
 *   jti:3f2a  act:deploy*   by jti prefix, by action (a trailing * matches a prefix)
 *   iss:agent/b  wid:7c1e   by issuer (any part of it), by workflow id prefix
 *   status:invalid  code:cycle   by verdict (valid, invalid, tainted, missing) or violation code
 *   cause:9e1d              the root cause of a task: the invalid ancestors that taint it and the paths
 *   diff:changed            comparing two ledgers: onlyA, onlyB, changed (verdict) or same
 *   +X   X+   +X+           X and everything upstream (its ancestors), downstream, or both
 *   2+X  X+1  2+X+2         the same, at most that many steps
 *   A and B, A or B, not A, ( … )   combined; `and` binds tighter than `or`
 *
 * parseSelection turns the text into a tree (or a positioned error); selectNodes marks the model
 * nodes it selects. Pure: no React, no DOM.
 */
import type { ErrorCode } from 'wimse-ect';
import type { DiffMark, GraphModel, NodeStatus } from './model.ts';
import { reach, rootCause } from './traverse.ts';

export const ATOM_KEYS = ['jti', 'act', 'iss', 'wid', 'status', 'code', 'cause', 'diff'] as const;
export type AtomKey = (typeof ATOM_KEYS)[number] | 'any';

export type Selection =
  | { kind: 'atom'; key: AtomKey; value: string }
  | { kind: 'walk'; up: number; down: number; of: Selection }
  | { kind: 'and' | 'or'; items: Selection[] }
  | { kind: 'not'; of: Selection };

export type ParseResult =
  { ok: true; selection: Selection | null } | { ok: false; message: string; at: number };

type Tok =
  | { t: 'word'; v: string; at: number; quoted: boolean }
  | { t: '+'; at: number; n: number | null }
  | { t: '(' | ')'; at: number };

class SyntaxProblem extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const DIFF_WORDS: Record<string, DiffMark> = {
  onlya: 'onlyA',
  a: 'onlyA',
  onlyb: 'onlyB',
  b: 'onlyB',
  changed: 'changed',
  same: 'same',
};

const STATUS_WORDS: Record<string, NodeStatus> = {
  valid: 'valid',
  invalid: 'invalid',
  tainted: 'tainted',
  missing: 'ghost',
  ghost: 'ghost',
};

/**
 * Tokens: words (anything up to a space, parenthesis or `+`; or "quoted"), `(`, `)`, and `+` with
 * an optional depth written against it (`2+` before a word, `+2` after one).
 */
function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push({ t: c, at: i });
      i++;
      continue;
    }
    if (c === '+') {
      // A depth right after the `+`, when a word (or `(`) does not follow it directly: `X+2`.
      const m = /^\+(\d+)(?![\w:."*-])/.exec(text.slice(i));
      const prev = out.at(-1);
      const afterOperand = prev !== undefined && (prev.t === 'word' || prev.t === ')');
      if (m && afterOperand) {
        out.push({ t: '+', at: i, n: Number(m[1]) });
        i += m[0].length;
      } else {
        out.push({ t: '+', at: i, n: null });
        i++;
      }
      continue;
    }
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end === -1) throw new SyntaxProblem('a quote is not closed', i);
      out.push({ t: 'word', v: text.slice(i + 1, end), at: i, quoted: true });
      i = end + 1;
      continue;
    }
    // A depth before a `+`: `2+X`.
    const depth = /^(\d+)\+/.exec(text.slice(i));
    if (depth) {
      out.push({ t: '+', at: i, n: Number(depth[1]) });
      i += depth[0].length;
      continue;
    }
    let j = i;
    let quoted = false;
    while (j < text.length && !/[\s()+]/.test(text[j]!)) {
      if (text[j] === '"') {
        // key:"a value with spaces"
        const end = text.indexOf('"', j + 1);
        if (end === -1) throw new SyntaxProblem('a quote is not closed', j);
        j = end + 1;
        quoted = true;
        continue;
      }
      j++;
    }
    out.push({ t: 'word', v: text.slice(i, j), at: i, quoted });
    i = j;
  }
  return out;
}

function atomOf(tok: Extract<Tok, { t: 'word' }>): Selection {
  const colon = tok.quoted && tok.v.startsWith('"') ? -1 : tok.v.indexOf(':');
  if (colon > 0) {
    const key = tok.v.slice(0, colon).toLowerCase();
    let value = tok.v.slice(colon + 1);
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!(ATOM_KEYS as readonly string[]).includes(key)) {
      throw new SyntaxProblem(
        `unknown key “${key}:”; use one of ${ATOM_KEYS.map((k) => `${k}:`).join(' ')}`,
        tok.at,
      );
    }
    if (value === '') throw new SyntaxProblem(`“${key}:” needs a value`, tok.at);
    if (key === 'status' && !(value.toLowerCase() in STATUS_WORDS)) {
      throw new SyntaxProblem(`status is one of valid, invalid, tainted, missing (not “${value}”)`, tok.at);
    }
    if (key === 'diff' && !(value.toLowerCase() in DIFF_WORDS)) {
      throw new SyntaxProblem(`diff is one of onlyA, onlyB, changed, same (not “${value}”)`, tok.at);
    }
    return { kind: 'atom', key: key as AtomKey, value };
  }
  return { kind: 'atom', key: 'any', value: tok.v };
}

/** Parses a selection; an empty text selects everything (`selection: null`). */
export function parseSelection(text: string): ParseResult {
  try {
    const toks = tokenize(text);
    if (!toks.length) return { ok: true, selection: null };
    let p = 0;
    const peekWord = (w: string) => {
      const t = toks[p];
      return t?.t === 'word' && !t.quoted && t.v.toLowerCase() === w;
    };
    const end = () => (p < toks.length ? toks[p]!.at : text.length);

    const parseOr = (): Selection => {
      const items = [parseAnd()];
      while (peekWord('or')) {
        p++;
        items.push(parseAnd());
      }
      return items.length === 1 ? items[0]! : { kind: 'or', items };
    };
    const parseAnd = (): Selection => {
      const items = [parseNot()];
      while (peekWord('and')) {
        p++;
        items.push(parseNot());
      }
      return items.length === 1 ? items[0]! : { kind: 'and', items };
    };
    const parseNot = (): Selection => {
      if (peekWord('not')) {
        p++;
        return { kind: 'not', of: parseNot() };
      }
      return parseWalk();
    };
    const parseWalk = (): Selection => {
      let up = 0;
      const t = toks[p];
      if (t?.t === '+') {
        up = t.n ?? Infinity;
        p++;
      }
      const of = parseOperand();
      let down = 0;
      const d = toks[p];
      if (d?.t === '+') {
        down = d.n ?? Infinity;
        p++;
      }
      if (up === 0 && down === 0) return of;
      return { kind: 'walk', up, down, of };
    };
    const parseOperand = (): Selection => {
      const t = toks[p];
      if (!t) throw new SyntaxProblem('something to select is missing at the end', text.length);
      if (t.t === '(') {
        p++;
        const inner = parseOr();
        if (toks[p]?.t !== ')') throw new SyntaxProblem('a “(” is not closed', t.at);
        p++;
        return inner;
      }
      if (t.t === 'word') {
        const w = t.v.toLowerCase();
        if (!t.quoted && (w === 'and' || w === 'or')) {
          throw new SyntaxProblem(`“${t.v}” needs something to select before it`, t.at);
        }
        p++;
        return atomOf(t);
      }
      if (t.t === ')') throw new SyntaxProblem('a “)” has no “(”', t.at);
      throw new SyntaxProblem('two “+” in a row', t.at);
    };

    const selection = parseOr();
    if (p < toks.length) {
      const t = toks[p]!;
      throw new SyntaxProblem(
        t.t === ')'
          ? 'a “)” has no “(”'
          : t.t === 'word'
            ? `“${t.v}” needs “and” or “or” before it`
            : 'unexpected “+”',
        end(),
      );
    }
    return { ok: true, selection };
  } catch (e) {
    if (e instanceof SyntaxProblem) return { ok: false, message: e.message, at: e.at };
    throw e;
  }
}

/** The model nodes a selection picks (ghosts, the missing parents, included when they match). */
export function selectNodes(model: GraphModel, sel: Selection): Uint8Array {
  const n = model.nodes.length;
  switch (sel.kind) {
    case 'atom':
      return atomNodes(model, sel.key, sel.value);
    case 'walk': {
      const base = selectNodes(model, sel.of);
      if (sel.up === 0) return reach(model, base, 'down', sel.down);
      const up = reach(model, base, 'up', sel.up);
      if (sel.down === 0) return up;
      const down = reach(model, base, 'down', sel.down);
      for (let i = 0; i < n; i++) up[i] = up[i]! | down[i]!;
      return up;
    }
    case 'and': {
      const out = selectNodes(model, sel.items[0]!);
      for (const item of sel.items.slice(1)) {
        const m = selectNodes(model, item);
        for (let i = 0; i < n; i++) out[i] = out[i]! & m[i]!;
      }
      return out;
    }
    case 'or': {
      const out = new Uint8Array(n);
      for (const item of sel.items) {
        const m = selectNodes(model, item);
        for (let i = 0; i < n; i++) out[i] = out[i]! | m[i]!;
      }
      return out;
    }
    case 'not': {
      const m = selectNodes(model, sel.of);
      for (let i = 0; i < n; i++) m[i] = m[i] ? 0 : 1;
      return m;
    }
  }
}

function atomNodes(model: GraphModel, key: AtomKey, value: string): Uint8Array {
  const out = new Uint8Array(model.nodes.length);
  const lower = value.toLowerCase();
  const prefixOf = (s: string | null) => s !== null && s.toLowerCase().startsWith(lower);
  const glob = value.endsWith('*') ? value.slice(0, -1) : null;
  const actIs = (a: string | null) => a !== null && (glob !== null ? a.startsWith(glob) : a === value);
  if (key === 'cause') {
    model.nodes.forEach((nd, i) => {
      if (!prefixOf(nd.jti)) return;
      const { nodes } = rootCause(model, i);
      for (let j = 0; j < out.length; j++) out[j] = out[j]! | nodes[j]!;
    });
    return out;
  }
  const status = key === 'status' ? STATUS_WORDS[lower] : undefined;
  model.nodes.forEach((nd, i) => {
    let hit = false;
    switch (key) {
      case 'jti':
        hit = prefixOf(nd.jti);
        break;
      case 'act':
        hit = actIs(nd.act);
        break;
      case 'iss':
        hit = nd.iss !== null && nd.iss.toLowerCase().includes(lower);
        break;
      case 'wid':
        hit = prefixOf(nd.wid);
        break;
      case 'status':
        hit = nd.status === status;
        break;
      case 'code':
        hit = nd.codes.includes(value as ErrorCode);
        break;
      case 'diff':
        hit = nd.diff?.mark === DIFF_WORDS[lower];
        break;
      case 'any':
        hit = actIs(nd.act) || prefixOf(nd.jti);
        break;
    }
    if (hit) out[i] = 1;
  });
  return out;
}

/** The text of a lineage selection of one node: `2+jti:…+` and so on (Infinity: no limit). */
export function lineageQuery(jti: string, up: number, down: number): string {
  const side = (d: number) => (d === 0 ? '' : d === Infinity ? '+' : null);
  const atom = /[\s()+"]/.test(jti) ? `jti:"${jti}"` : `jti:${jti}`;
  const before = side(up) ?? `${up}+`;
  const after = side(down) ?? `+${down}`;
  return `${before}${atom}${after}`;
}
