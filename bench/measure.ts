import { pool } from "@/lib/concurrency";

/** Timing and reporting for the benchmark: percentiles, paired samples, throughput, the results table. */

export type Target = { of: "ratio" | "value"; op: "<=" | ">=" | "<"; limit: number };

export type CaseResult = {
  name: string;
  unit: string;
  value: number;
  /** The same measure of the baseline, measured in the same run; null when the case has none. */
  baseline: number | null;
  /** value / baseline; null without a baseline. */
  ratio: number | null;
  /** What the target reads, e.g. "ratio ≤ 1.5"; null for a case reported without one. */
  target: string | null;
  pass: boolean | null;
};

const opText: Record<Target["op"], string> = { "<=": "≤", ">=": "≥", "<": "<" };

/** Rounds to what the measurement can tell, so results.json stays readable. */
function rounded(value: number): number {
  return Number(value.toPrecision(4));
}

export function result(name: string, unit: string, value: number, baseline: number | null, target?: Target): CaseResult {
  const ratio = baseline === null || baseline === 0 ? null : value / baseline;
  const checked = target?.of === "ratio" ? ratio : value;
  const pass =
    !target || checked === null
      ? null
      : target.op === "<="
        ? checked <= target.limit
        : target.op === ">="
          ? checked >= target.limit
          : checked < target.limit;
  return {
    name,
    unit,
    value: rounded(value),
    baseline: baseline === null ? null : rounded(baseline),
    ratio: ratio === null ? null : rounded(ratio),
    target: target ? `${target.of} ${opText[target.op]} ${target.limit}` : null,
    pass,
  };
}

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest rank: the smallest sample with at least p of them at or below it.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function timeMs(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

export async function timeMsAsync(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/**
 * Runs the subject and the baseline alternately (who goes first alternates too), after a warm-up, so that
 * a busy moment of the machine hits both alike. Returns the milliseconds of each run.
 */
export function pairedSamples(runs: number, subject: () => unknown, baseline: () => unknown, warmup = 20): { subject: number[]; baseline: number[] } {
  for (let i = 0; i < warmup; i++) {
    subject();
    baseline();
  }
  const samples = { subject: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      samples.subject.push(timeMs(subject));
      samples.baseline.push(timeMs(baseline));
    } else {
      samples.baseline.push(timeMs(baseline));
      samples.subject.push(timeMs(subject));
    }
  }
  return samples;
}

/** `pairedSamples` for async work: each side awaited (give a synchronous baseline as an async function, so both pay the await). */
export async function pairedSamplesAsync(runs: number, subject: () => Promise<unknown>, baseline: () => Promise<unknown>, warmup = 20): Promise<{ subject: number[]; baseline: number[] }> {
  for (let i = 0; i < warmup; i++) {
    await subject();
    await baseline();
  }
  const samples = { subject: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      samples.subject.push(await timeMsAsync(subject));
      samples.baseline.push(await timeMsAsync(baseline));
    } else {
      samples.baseline.push(await timeMsAsync(baseline));
      samples.subject.push(await timeMsAsync(subject));
    }
  }
  return samples;
}

/**
 * Operations per second of each side, the median over `rounds` rounds. Every round runs each side once,
 * starting from a different one each time, so that a busy moment of the machine hits all of them alike.
 * Each side returns how many operations it did.
 */
export async function interleavedThroughput(rounds: number, sides: readonly (() => Promise<number>)[]): Promise<number[]> {
  const rates: number[][] = sides.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < sides.length; k++) {
      const side = (round + k) % sides.length;
      const started = performance.now();
      const operations = await sides[side]!();
      rates[side]!.push((operations / (performance.now() - started)) * 1000);
    }
  }
  return rates.map((perRound) => percentile(perRound, 0.5));
}

/** Runs `task` for the indexes 0..count-1, at most `concurrency` at a time, with the app's own pool. */
export async function inParallel(count: number, concurrency: number, task: (index: number) => Promise<unknown>): Promise<void> {
  await pool(Array.from({ length: count }, (_, index) => index), concurrency, async (index) => {
    await task(index);
  });
}

function formatNumber(value: number | null): string {
  if (value === null) return "—";
  // Counts (0 duplicates, 10,000 transfers) read as whole numbers.
  const digits = Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatTable(cases: readonly CaseResult[]): string {
  const header = ["case", "value", "baseline", "ratio", "target", "met"];
  const rows = cases.map((c) => [
    c.name,
    `${formatNumber(c.value)} ${c.unit}`,
    c.baseline === null ? "—" : `${formatNumber(c.baseline)} ${c.unit}`,
    c.ratio === null ? "—" : `${c.ratio.toFixed(2)}×`,
    c.target ?? "—",
    c.pass === null ? "" : c.pass ? "✓" : "✗",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const alignRight = [false, true, true, true, false, false];
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (alignRight[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

