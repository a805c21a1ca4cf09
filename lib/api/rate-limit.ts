/**
 * Requests per API key (docs/api.md#rate-limits): a token bucket per key in this process, `perMinute` tokens deep and
 * refilled at `perMinute` a minute, so a key may burst up to a minute's worth and then goes at the steady rate. Kept
 * in memory: a restart forgives, which is fine for a limit that protects the server, not money (the money rules are
 * the domain's).
 */
export class RateLimiter {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number) {}

  /** Takes one token for this key at `now`: null when allowed, else the whole seconds until the next token. */
  take(keyId: number, now: number): number | null {
    const perMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(keyId) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(keyId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  }
}
