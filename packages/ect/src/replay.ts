/**
 * Replay protection (verification step 14): the `jti`s this verifier accepted, each kept until
 * its token could no longer pass the `exp` check anyway.
 *
 * Keyed on `jti` alone, whatever the `wid` (ECT-PROFILE.md section 4, the reference
 * implementations' `JTISeen(jti)`): a token that reuses an accepted `jti` in another workflow is
 * a replay, although `duplicate_jti` in the store is scoped by `wid` (section 7).
 */
import type { Settings } from './settings.ts';

/**
 * Where a verifier records the `jti`s it accepted. One operation, an atomic check-and-record, so
 * that two verifiers sharing a store (Redis, a database) can never both accept one token, as
 * the reference implementations' separate "seen?" and "record" let them.
 */
export interface ReplayStore {
  /**
   * Atomic check-and-record: resolves true when this call recorded `jti` (first use, or the
   * earlier record's `until` has passed), false when `jti` is already recorded and still live.
   * `until` is Unix seconds (the token's exp + clockSkew). `now` (Unix seconds) is the
   * verifier's clock, for stores that judge liveness themselves (memory); stores with their own
   * expiry (Redis `SET key 1 NX EXAT until`) may ignore it.
   * Keyed on jti alone (ECT-PROFILE.md section 4). A store that cannot answer rejects (throws):
   * the verifier then fails closed (the token is not accepted).
   */
  checkAndRecord(jti: string, until: number, now?: number): Promise<boolean>;
  /**
   * Optional, read-only: whether `jti` is recorded and still live at `now`, without recording it.
   * A verifier never records the `jti` of a token that fails another step; with this it can still
   * report such a token as a `replay` (step 14), without it step 14 is skipped for that token.
   */
  has?(jti: string, now: number): boolean | Promise<boolean>;
  /**
   * Optional: removes the record this verifier has just made for `jti`, because the token was not
   * accepted after all (its ledger append failed with nothing written, ECT-PROFILE.md step 16).
   * The replay check is about tokens *accepted*: without this, the same token sent again once the
   * ledger is back would be refused as a `replay`. A store without it keeps the record.
   */
  release?(jti: string): Promise<void>;
}

/** Options of a {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /**
   * The most records kept (the reference implementations' `JTIReplaySize`, `ECT_JTI_REPLAY_SIZE`);
   * default 100,000. When it is full, expired records are dropped first, then the oldest: a token
   * whose record was dropped could be accepted again, so size it above the number of tokens
   * accepted within one token lifetime.
   */
  maxSize?: number;
  /**
   * The longest a record is kept, in seconds (`JTIReplayTTL`, `ECT_JTI_REPLAY_TTL`), even when
   * its token lives longer; 0 or absent: until the record's `until`. Tokens older than
   * `iatMaxAge` fail step 13 anyway, so a TTL of at least `iatMaxAge + clockSkew` loses nothing.
   */
  ttl?: number;
}

/** The default bound of a {@link MemoryReplayStore}. */
const DEFAULT_MAX_SIZE = 100_000;

/**
 * The in-memory {@link ReplayStore}, the default: one process, bounded in size. Its check and
 * record happen within one synchronous call, so concurrent verifications in one process accept a
 * token at most once.
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #seen = new Map<string, number>();
  readonly #maxSize: number;
  readonly #ttl: number;
  /** The clock of the last full sweep of expired records, so that a full store sweeps once a second at most. */
  #sweptAt = Number.NEGATIVE_INFINITY;

  constructor(opts: MemoryReplayStoreOptions = {}) {
    const maxSize = opts.maxSize ?? DEFAULT_MAX_SIZE;
    const ttl = opts.ttl ?? 0;
    if (!Number.isInteger(maxSize) || maxSize < 1)
      throw new RangeError(`MemoryReplayStore: maxSize must be a whole number of 1 or more, got ${maxSize}`);
    if (!Number.isInteger(ttl) || ttl < 0)
      throw new RangeError(`MemoryReplayStore: ttl must be a whole number of seconds, 0 or more, got ${ttl}`);
    this.#maxSize = maxSize;
    this.#ttl = ttl;
  }

  /** A store bounded as `settings` say (`replayCacheSize`, `replayCacheTtl`). */
  static fromSettings(settings: Pick<Settings, 'replayCacheSize' | 'replayCacheTtl'>): MemoryReplayStore {
    return new MemoryReplayStore({
      maxSize: Math.max(1, settings.replayCacheSize),
      ttl: settings.replayCacheTtl,
    });
  }

  checkAndRecord(jti: string, until: number, now: number = Math.floor(Date.now() / 1000)): Promise<boolean> {
    return Promise.resolve(this.#checkAndRecord(jti, until, now));
  }

  #checkAndRecord(jti: string, until: number, now: number): boolean {
    const known = this.#seen.get(jti);
    if (known !== undefined && now <= known) return false;
    if (known !== undefined)
      this.#seen.delete(jti); // re-inserted below: it becomes the newest
    else if (this.#seen.size >= this.#maxSize) this.#makeRoom(now);
    this.#seen.set(jti, this.#ttl > 0 ? Math.min(until, now + this.#ttl) : until);
    return true;
  }

  #makeRoom(now: number): void {
    if (now !== this.#sweptAt) {
      this.#sweptAt = now;
      this.prune(now);
    }
    // Still full of live records: the oldest goes (a Map iterates in insertion order).
    for (const jti of this.#seen.keys()) {
      if (this.#seen.size < this.#maxSize) break;
      this.#seen.delete(jti);
    }
  }

  /** True when `jti` is recorded and its record is still live at `now` (Unix seconds). */
  has(jti: string, now: number): boolean {
    const until = this.#seen.get(jti);
    return until !== undefined && now <= until;
  }

  /** Removes the record of `jti` (a token recorded, then not accepted). */
  release(jti: string): Promise<void> {
    this.#seen.delete(jti);
    return Promise.resolve();
  }

  /** Forgets the records past their time. */
  prune(now: number): void {
    for (const [jti, until] of this.#seen) if (now > until) this.#seen.delete(jti);
  }

  /** How many records are kept, live or not yet pruned. */
  get size(): number {
    return this.#seen.size;
  }
}
