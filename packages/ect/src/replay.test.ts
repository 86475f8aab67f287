import { describe, it, expect } from 'vitest';
import { NOW } from '../test/fixtures.ts';
import { MemoryReplayStore } from './replay.ts';
import { resolveSettings } from './settings.ts';

describe('MemoryReplayStore: checkAndRecord', () => {
  it('records a first use, refuses the jti while its record is live, and records it again after', async () => {
    const store = new MemoryReplayStore();
    expect(await store.checkAndRecord('j', NOW + 630, NOW)).toBe(true);
    expect(await store.checkAndRecord('j', NOW + 630, NOW)).toBe(false);
    expect(await store.checkAndRecord('j', NOW + 630, NOW + 630)).toBe(false); // until is inclusive
    expect(await store.checkAndRecord('j', NOW + 2000, NOW + 631)).toBe(true);
    expect(store.has('j', NOW + 1999)).toBe(true);
    expect(store.size).toBe(1);
  });

  it('keys on the jti alone', async () => {
    const store = new MemoryReplayStore();
    expect(await store.checkAndRecord('a', NOW + 10, NOW)).toBe(true);
    expect(await store.checkAndRecord('b', NOW + 10, NOW)).toBe(true);
    expect(await store.checkAndRecord('a', NOW + 10, NOW)).toBe(false);
  });

  it('uses the real clock when no now is given', async () => {
    const store = new MemoryReplayStore();
    const now = Math.floor(Date.now() / 1000);
    expect(await store.checkAndRecord('past', now - 5)).toBe(true);
    expect(await store.checkAndRecord('past', now - 5)).toBe(true); // its record was already dead
    expect(await store.checkAndRecord('future', now + 60)).toBe(true);
    expect(await store.checkAndRecord('future', now + 60)).toBe(false);
  });

  it('accepts one of many concurrent calls for one jti', async () => {
    const store = new MemoryReplayStore();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => store.checkAndRecord('j', NOW + 60, NOW)),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
  });
});

describe('MemoryReplayStore: bounds', () => {
  it('keeps at most maxSize records, dropping expired ones first, then the oldest', async () => {
    const store = new MemoryReplayStore({ maxSize: 3 });
    await store.checkAndRecord('old', NOW + 100, NOW);
    await store.checkAndRecord('dead', NOW + 1, NOW);
    await store.checkAndRecord('live', NOW + 100, NOW);
    // Full: at NOW + 2 the dead record goes, the two live ones stay.
    expect(await store.checkAndRecord('new1', NOW + 100, NOW + 2)).toBe(true);
    expect(store.size).toBe(3);
    expect([store.has('old', NOW + 2), store.has('dead', NOW), store.has('live', NOW + 2)]).toEqual([
      true,
      false,
      true,
    ]);
    // Full of live records: the oldest goes, and the refusal of its jti is lost with it.
    expect(await store.checkAndRecord('new2', NOW + 100, NOW + 2)).toBe(true);
    expect(store.size).toBe(3);
    expect(store.has('old', NOW + 2)).toBe(false);
    expect(await store.checkAndRecord('live', NOW + 100, NOW + 2)).toBe(false);
  });

  it('keeps a record at most ttl seconds when a ttl is set', async () => {
    const store = new MemoryReplayStore({ ttl: 60 });
    expect(await store.checkAndRecord('j', NOW + 600, NOW)).toBe(true);
    expect(await store.checkAndRecord('j', NOW + 600, NOW + 60)).toBe(false);
    expect(await store.checkAndRecord('j', NOW + 600, NOW + 61)).toBe(true);
    // A ttl longer than the token's life changes nothing.
    const long = new MemoryReplayStore({ ttl: 10_000 });
    await long.checkAndRecord('j', NOW + 30, NOW);
    expect(long.has('j', NOW + 31)).toBe(false);
  });

  it('prune forgets only the records past their time', async () => {
    const store = new MemoryReplayStore();
    await store.checkAndRecord('a', NOW + 10, NOW);
    await store.checkAndRecord('b', NOW + 100, NOW);
    store.prune(NOW + 50);
    expect(store.size).toBe(1);
    expect(store.has('b', NOW + 50)).toBe(true);
  });

  it('takes its bounds from the settings', async () => {
    const store = MemoryReplayStore.fromSettings(resolveSettings({ replayCacheSize: 1, replayCacheTtl: 5 }));
    await store.checkAndRecord('a', NOW + 100, NOW);
    await store.checkAndRecord('b', NOW + 100, NOW);
    expect(store.size).toBe(1);
    expect(store.has('b', NOW + 5)).toBe(true);
    expect(store.has('b', NOW + 6)).toBe(false);
  });

  it('refuses bounds that are not whole numbers', () => {
    expect(() => new MemoryReplayStore({ maxSize: 0 })).toThrow(/maxSize/);
    expect(() => new MemoryReplayStore({ maxSize: 1.5 })).toThrow(/maxSize/);
    expect(() => new MemoryReplayStore({ ttl: -1 })).toThrow(/ttl/);
  });
});
