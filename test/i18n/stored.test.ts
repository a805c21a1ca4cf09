import { describe, expect, it } from "vitest";
import { rejected } from "@/lib/cashin/codes";
import { storedText } from "@/lib/i18n/stored";
import { withLocale } from "@/lib/i18n/request-locale";
import { msg } from "@/lib/i18n/translate";

describe("Texts stored in English are read in the reader's language when they are one of our fixed messages", () => {
  it("translates Cash In's refusal descriptions, as stored on a failed transfer", () => {
    const stored = rejected("inactive_account", "4033818", "Inactive Account").message;
    expect(stored).toBe("The recipient's e-wallet account is inactive.");
    const indonesian = withLocale("id", () => msg("server.cashin.rejected.inactive_account"));
    expect(indonesian).not.toBe(stored);
    expect(storedText(stored, "id")).toBe(indonesian);
    expect(storedText(stored, "en")).toBe(stored);
  });

  it("leaves a text with details in it, or one that is not ours, as stored", () => {
    expect(storedText("No final answer from Cash In after 3 days of checks (last: Pending).", "id")).toBe(
      "No final answer from Cash In after 3 days of checks (last: Pending).",
    );
    expect(storedText("Insufficient Fund", "id")).toBe("Insufficient Fund");
  });
});
