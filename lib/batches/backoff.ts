/** What a backoff waits with: real time in the app, a controlled one in tests. */
export type Pacer = { now: () => number; sleep: (ms: number) => Promise<void> };

const realTime: Pacer = { now: () => Date.now(), sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };

/**
 * One pace for all of a batch's workers: a 429 (or, for look-ups, no answer) pauses every worker, for twice as long each
 * time it happens again, up to `maxMs`; an answer that is not a 429 brings the pause back to nothing.
 * Wall-clock time on purpose: it paces real requests, whatever clock the domain is given.
 */
export class Backoff {
  private pauseUntil = 0;
  private delay = 0;
  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
    private readonly time: Pacer = realTime,
  ) {}

  async ready(): Promise<void> {
    for (let wait = this.pauseUntil - this.time.now(); wait > 0; wait = this.pauseUntil - this.time.now()) await this.time.sleep(wait);
  }

  slowDown(): void {
    this.delay = this.delay === 0 ? this.baseMs : Math.min(this.delay * 2, this.maxMs);
    this.pauseUntil = Math.max(this.pauseUntil, this.time.now() + this.delay);
  }

  answered(): void {
    this.delay = 0;
  }
}
