import { describe, expect, it } from "vitest";
import { mockFlagsFromEnv } from "./options";

describe("SPEC §5 mock switches: control endpoints off unless enabled, slow wallet after the client's timeout", () => {
  it("defaults to no control endpoints and a slow wallet 2 s past the client's timeout", () => {
    expect(mockFlagsFromEnv({}, 15_000)).toEqual({ ok: true, control: false, slowTopupMs: 17_000 });
  });
  it("MOCK_GATEWAY_CONTROL=1 turns the control endpoints on; MOCK_GATEWAY_SLOW_MS sets the delay", () => {
    expect(mockFlagsFromEnv({ MOCK_GATEWAY_CONTROL: "1", MOCK_GATEWAY_SLOW_MS: "300" }, 15_000)).toEqual({
      ok: true,
      control: true,
      slowTopupMs: 300,
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
