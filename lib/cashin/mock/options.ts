/**
 * The mock gateway's own switches, beside the app's variables of lib/env.ts (SPEC §6), which it shares:
 * - MOCK_GATEWAY_CONTROL=1 turns on the test-only /__control endpoints;
 * - MOCK_GATEWAY_SLOW_MS is how late the slow wallet answers (default: the client's timeout + 2 s).
 */

export type MockFlags = { ok: true; control: boolean; slowTopupMs: number } | { ok: false; problems: string[] };

export function mockFlagsFromEnv(source: Record<string, string | undefined>, clientTimeoutMs: number): MockFlags {
  const problems: string[] = [];
  const controlRaw = (source.MOCK_GATEWAY_CONTROL ?? "").trim();
  if (!["", "0", "1", "false", "true"].includes(controlRaw)) {
    problems.push(`MOCK_GATEWAY_CONTROL must be 1 (on) or 0 (off), got "${controlRaw}"`);
  }
  const slowRaw = (source.MOCK_GATEWAY_SLOW_MS ?? "").trim();
  if (slowRaw !== "" && !/^\d+$/.test(slowRaw)) {
    problems.push(`MOCK_GATEWAY_SLOW_MS must be a whole number of milliseconds, got "${slowRaw}"`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    control: controlRaw === "1" || controlRaw === "true",
    slowTopupMs: slowRaw === "" ? clientTimeoutMs + 2000 : Number(slowRaw),
  };
}
