/**
 * Replay cache (step 14): the `jti`s this verifier accepted, each kept until
 * its token could no longer pass the `exp` check anyway.
 *
 * Keyed on `jti` alone, whatever the `wid` (ECT-PROFILE.md section 4, the reference
 * implementations' `JTISeen(jti)`): a token that reuses an accepted `jti` in another workflow is
 * a replay, although `duplicate_jti` in the store is scoped by `wid` (section 7).
 */
export class ReplayCache {
  readonly #seen = new Map<string, number>();

  /** True when a token with this `jti` was accepted before and is still within its lifetime. */
  has(jti: string, now: number): boolean {
    const until = this.#seen.get(jti);
    return until !== undefined && now <= until;
  }

  /** Remembers an accepted `jti` until `until` (Unix seconds: its exp plus the clock skew). */
  record(jti: string, until: number): void {
    this.#seen.set(jti, until);
  }

  /** Forgets entries past their lifetime; call now and then to bound memory. */
  prune(now: number): void {
    for (const [k, until] of this.#seen) if (now > until) this.#seen.delete(k);
  }

  get size(): number {
    return this.#seen.size;
  }
}
