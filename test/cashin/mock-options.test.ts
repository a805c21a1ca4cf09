import { describe, expect, it } from "vitest";
import { mockFlagsFromEnv } from "@/lib/cashin/mock/options";

describe("docs/mock-gateway.md#test-wallets mock switches: control endpoints off unless enabled, slow wallet after the client's timeout", () => {
  it("defaults to no control endpoints, a slow wallet 2 s past the client's timeout and a late wallet seen after 20 minutes", () => {
    expect(mockFlagsFromEnv({}, 15_000)).toEqual({ ok: true, control: false, slowTopupMs: 17_000, lateVisibilityMs: 1_200_000 });
  });
  it("MOCK_GATEWAY_CONTROL=1 turns the control endpoints on; MOCK_GATEWAY_SLOW_MS sets the delay", () => {
    expect(mockFlagsFromEnv({ MOCK_GATEWAY_CONTROL: "1", MOCK_GATEWAY_SLOW_MS: "300" }, 15_000)).toEqual({
      ok: true,
      control: true,
      slowTopupMs: 300,
      lateVisibilityMs: 1_200_000,
    });
  });
  it("names each bad value", () => {
    expect(mockFlagsFromEnv({ MOCK_GATEWAY_CONTROL: "yes", MOCK_GATEWAY_SLOW_MS: "2s" }, 15_000)).toEqual({
      ok: false,
      problems: [
        'MOCK_GATEWAY_CONTROL must be 1 (on) or 0 (off), got "yes"',
        'MOCK_GATEWAY_SLOW_MS must be a whole number of milliseconds, got "2s"',
      ],
    });
  });
});

describe("docs/mock-gateway.md#test-wallets mock switches: MOCK_LATE_VISIBILITY_MS, how long the late wallet's top-up answers 07", () => {
  it.each([
    ["1500", 1_500],
    [" 0 ", 0],
    ["", 1_200_000],
  ])("%j → %i ms", (value, lateVisibilityMs) => {
    expect(mockFlagsFromEnv({ MOCK_LATE_VISIBILITY_MS: value }, 15_000)).toMatchObject({ ok: true, lateVisibilityMs });
  });
  it.each(["20m", "-5", "1.5", "1e6"])("refuses %j, saying what it wants", (value) => {
    expect(mockFlagsFromEnv({ MOCK_LATE_VISIBILITY_MS: value }, 15_000)).toEqual({
      ok: false,
      problems: [`MOCK_LATE_VISIBILITY_MS must be a whole number of milliseconds, got "${value}"`],
    });
  });
});
