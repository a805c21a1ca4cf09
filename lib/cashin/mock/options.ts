import { DEFAULT_LATE_VISIBILITY_MS } from "./server";

/**
 * The mock gateway's own switches, beside the app's variables of lib/env.ts (docs/architecture.md#configuration), which it shares:
 * - MOCK_GATEWAY_CONTROL=1 turns on the test-only /__control endpoints;
 * - MOCK_GATEWAY_SLOW_MS is how late the slow wallet answers (default: the client's timeout + 2 s);
 * - MOCK_LATE_VISIBILITY_MS is how long the late wallet's top-up answers 07 (default 20 minutes).
 */

export type MockFlags =
  | { ok: true; control: boolean; slowTopupMs: number; lateVisibilityMs: number }
  | { ok: false; problems: string[] };

/** A whole number of milliseconds, or undefined when unset; a bad value adds its problem. */
function milliseconds(source: Record<string, string | undefined>, name: string, problems: string[]): number | undefined {
  const raw = (source[name] ?? "").trim();
  if (raw === "") return undefined;
  if (/^\d+$/.test(raw)) return Number(raw);
  problems.push(`${name} must be a whole number of milliseconds, got "${raw}"`);
  return undefined;
}

export function mockFlagsFromEnv(source: Record<string, string | undefined>, clientTimeoutMs: number): MockFlags {
  const problems: string[] = [];
  const controlRaw = (source.MOCK_GATEWAY_CONTROL ?? "").trim();
  if (!["", "0", "1", "false", "true"].includes(controlRaw)) {
    problems.push(`MOCK_GATEWAY_CONTROL must be 1 (on) or 0 (off), got "${controlRaw}"`);
  }
  const slowTopupMs = milliseconds(source, "MOCK_GATEWAY_SLOW_MS", problems);
  const lateVisibilityMs = milliseconds(source, "MOCK_LATE_VISIBILITY_MS", problems);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    control: controlRaw === "1" || controlRaw === "true",
    slowTopupMs: slowTopupMs ?? clientTimeoutMs + 2000,
    lateVisibilityMs: lateVisibilityMs ?? DEFAULT_LATE_VISIBILITY_MS,
  };
}
