/**
 * Replay cache (step 14): the `jti`s this verifier accepted, each kept until
 * its token could no longer pass the `exp` check anyway.
 */
export class ReplayCache {
  readonly #seen = new Map<string, number>();

  static key(jti: string, wid: string | undefined): string {
    // A jti is unique within its workflow (ECT-PROFILE §3), so the key is (wid, jti).
    return `${wid ?? ''}\u0000${jti}`;
  }

  /** True when the token was accepted before and is still within its lifetime. */
  has(jti: string, wid: string | undefined, now: number): boolean {
    const until = this.#seen.get(ReplayCache.key(jti, wid));
    return until !== undefined && now <= until;
  }

  /** Remembers an accepted token until `until` (Unix seconds: its exp plus the clock skew). */
  record(jti: string, wid: string | undefined, until: number): void {
    this.#seen.set(ReplayCache.key(jti, wid), until);
  }

  /** Forgets entries past their lifetime; call now and then to bound memory. */
  prune(now: number): void {
    for (const [k, until] of this.#seen) if (now > until) this.#seen.delete(k);
  }

  get size(): number {
    return this.#seen.size;
  }
}
