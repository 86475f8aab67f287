import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { useKeyring as UseKeyring } from './keyring.ts';

/**
 * The keyring is a module-level singleton over the app's one database: each
 * test loads a fresh copy of it over a fresh, empty fake IndexedDB.
 */
let factory: IDBFactory;
let useKeyring: typeof UseKeyring;

beforeEach(async () => {
  factory = new IDBFactory();
  Dexie.dependencies.indexedDB = factory;
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  vi.resetModules();
  ({ useKeyring } = await import('./keyring.ts'));
});

const state = () => useKeyring.getState();
const kids = () => state().keys.map((k) => k.kid);

describe('useKeyring', () => {
  it('seeds the three example agents on the first load, once, even when loaded twice at once', async () => {
    expect(state().status).toBe('loading');
    await Promise.all([state().load(), state().load()]);
    expect(state().status).toBe('ready');
    expect(kids()).toEqual(['agent-a-key', 'agent-b-key', 'agent-c-key']);
    for (const k of state().keys) {
      expect(k.origin).toBe('example');
      expect(k.privateKey?.extractable).toBe(false);
      expect(k.publicJwk.d).toBeUndefined();
    }
    expect(state().trust.keys.map((k) => k.issuer)).toEqual([
      'spiffe://example.com/agent/a',
      'spiffe://example.com/agent/b',
      'spiffe://example.com/agent/c',
    ]);
  });

  it('does not seed again once the user deleted an example agent; addExampleAgents restores it', async () => {
    await state().load();
    await state().remove(state().keys[1]!.id);
    await state().load();
    expect(kids()).toEqual(['agent-a-key', 'agent-c-key']);
    await state().addExampleAgents();
    expect(kids()).toEqual(['agent-a-key', 'agent-c-key', 'agent-b-key']);
    await state().addExampleAgents();
    expect(kids()).toHaveLength(3);
  });

  it('reflects every change in keys and trust; a failure is recorded and loses nothing', async () => {
    await state().load();
    const x = await state().generate({ name: 'Agent X', issuer: 'spiffe://x', kid: 'x' });
    expect(kids()).toContain('x');
    expect(state().trust.keys.find((k) => k.kid === 'x')?.issuer).toBe('spiffe://x');

    await expect(state().importPublic('{"keys": [')).rejects.toThrow(/^not JSON: line 1, column 11/);
    expect(state().error).toMatch(/^not JSON/);
    expect(kids()).toHaveLength(4);

    await state().update(x.id, { issuer: 'spiffe://y' });
    expect(state().error).toBeNull();
    expect(state().trust.keys.find((k) => k.kid === 'x')?.issuer).toBe('spiffe://y');
    await expect(state().exportPrivateJwk(x.id)).rejects.toThrow(/can never be read out/);
  });

  it('asks, after the first seeding, whether to keep the example agents, until answered, across reloads', async () => {
    await state().load();
    expect(state().exampleChoicePending).toBe(true);
    vi.resetModules();
    ({ useKeyring } = await import('./keyring.ts'));
    await state().load();
    expect(state().exampleChoicePending).toBe(true);
    await state().keepExampleAgents();
    expect(state().exampleChoicePending).toBe(false);
    expect(kids()).toHaveLength(3);
    vi.resetModules();
    ({ useKeyring } = await import('./keyring.ts'));
    await state().load();
    expect(state().exampleChoicePending).toBe(false);
  });

  it('removing the example agents removes every key with a published example key, whatever its kid', async () => {
    await state().load();
    const own = await state().generate({ name: 'Mine', issuer: 'spiffe://mine', kid: 'mine' });
    // Agent A's public key imported again under another kid and issuer: still the published key.
    const { d: _d, ...pub } = (await import('./exampleAgents.ts')).EXAMPLE_AGENTS[0]!.jwk;
    void _d;
    await state().importPublic(JSON.stringify({ ...pub, kid: 'renamed' }), { issuer: 'spiffe://renamed' });
    expect(kids()).toHaveLength(5);
    await state().removeExampleAgents();
    expect(kids()).toEqual([own.kid]);
    expect(state().exampleChoicePending).toBe(false);
  });

  it('says why when IndexedDB cannot be opened, instead of failing silently', async () => {
    vi.spyOn(factory, 'open').mockImplementation(() => {
      throw new DOMException('A mutation operation was attempted', 'InvalidStateError');
    });
    await state().load();
    expect(state().status).toBe('error');
    expect(state().error).toBe(
      'The key store (IndexedDB) could not be opened: the browser refuses IndexedDB to this page (private windows and strict privacy settings do).',
    );
    expect(state().keys).toEqual([]);
  });
});
