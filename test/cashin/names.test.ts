import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { GatewayCallRecord, TransferRequest } from "@/lib/cashin/client";
import { cleanOwnerName, isMixedScript, maxOwnerNameLength } from "@/lib/cashin/names";
import { startScriptedGateway, testClient, type ScriptedGateway } from "./support";

/**
 * The owner's name Cash In gives is untrusted input shown to the person who confirms the payee (docs/lifecycle.md#4-the-confirmed-name-is-the-stored-name):
 * nothing invisible may change how it reads, and a look-alike written in two scripts can be flagged.
 */

describe("docs/lifecycle.md#4-the-confirmed-name-is-the-stored-name owner names: invisible characters are removed", () => {
  it("a right-to-left override cannot make a name read as something else", () => {
    const cleaned = cleanOwnerName("eoD nhoJ\u202Egnp.exe");
    expect(cleaned).toBe("eoD nhoJgnp.exe");
    expect(cleaned).not.toMatch(/\u202E/);
  });

  it.each([
    ["U+200E left-to-right mark", "\u200E"],
    ["U+200F right-to-left mark", "\u200F"],
    ["U+061C Arabic letter mark", "\u061C"],
    ...["\u202A", "\u202B", "\u202C", "\u202D", "\u202E"].map((char) => [`U+${char.codePointAt(0)?.toString(16).toUpperCase()} embedding or override`, char]),
    ...["\u2066", "\u2067", "\u2068", "\u2069"].map((char) => [`U+${char.codePointAt(0)?.toString(16).toUpperCase()} isolate`, char]),
    ["U+200B zero-width space", "\u200B"],
    ["U+200C zero-width non-joiner", "\u200C"],
    ["U+200D zero-width joiner", "\u200D"],
    ["U+2060 word joiner", "\u2060"],
    ["U+FEFF byte order mark", "\uFEFF"],
    ["NUL", "\u0000"],
    ["BEL", "\u0007"],
    ["ESC", "\u001B"],
    ["DEL", "\u007F"],
    ["C1 CSI", "\u009B"],
  ])("removes %s", (_label, char) => {
    expect(cleanOwnerName(`Jo${char}hn ${char}Doe${char}`)).toBe("John Doe");
  });

  it("turns every run of whitespace, line breaks included, into one space and trims", () => {
    expect(cleanOwnerName("  John \t\r\n  Doe\u00A0\u2028Jr.\u3000")).toBe("John Doe Jr.");
  });

  it("a name of nothing visible comes out empty", () => {
    expect(cleanOwnerName("\u202E\u200B \u0000\t")).toBe("");
  });

  it("keeps accents and other scripts", () => {
    expect(cleanOwnerName("José Müller")).toBe("José Müller");
    expect(cleanOwnerName("山田 太郎")).toBe("山田 太郎");
  });
});

describe("docs/lifecycle.md#4-the-confirmed-name-is-the-stored-name owner names: at most 100 characters", () => {
  it("a 200,000-character name comes out at 100", () => {
    expect(maxOwnerNameLength).toBe(100);
    expect(cleanOwnerName("A".repeat(200_000))).toHaveLength(100);
  });

  it("counts code points and never cuts a surrogate pair in half", () => {
    const cleaned = cleanOwnerName("𝒜".repeat(150));
    expect(Array.from(cleaned)).toHaveLength(100);
    expect(cleaned).toBe("𝒜".repeat(100));
  });

  it("does not end on a space where the cut falls", () => {
    expect(cleanOwnerName(`${"A".repeat(99)} Budi`)).toBe("A".repeat(99));
  });
});

describe("docs/lifecycle.md#4-the-confirmed-name-is-the-stored-name owner names: a name written in two scripts is flagged", () => {
  it.each([
    ["a Cyrillic В in a Latin name", "\u0412udi Santoso"],
    ["a Greek Ο in a Latin name", "J\u039Fhn Doe"],
    ["a Cyrillic о inside a Latin word", "J\u043Ehn"],
  ])("%s is mixed", (_label, name) => {
    expect(isMixedScript(name)).toBe(true);
  });

  it.each([
    ["a plain Latin name", "Budi Santoso"],
    ["accents", "José Müller-Ñúñez"],
    ["a combining accent", "Jose\u0301"],
    ["digits and punctuation", "Budi S. 2"],
    ["one other script", "Иван Петров"],
    ["a Japanese name in kanji and kana", "山田 たろう"],
    ["nothing", ""],
  ])("%s is not mixed", (_label, name) => {
    expect(isMixedScript(name)).toBe(false);
  });
});

describe("docs/lifecycle.md#4-the-confirmed-name-is-the-stored-name owner names: the client returns the cleaned name, the call record the raw answer", () => {
  let scripted: ScriptedGateway;
  beforeAll(async () => {
    scripted = await startScriptedGateway();
  });
  afterAll(() => scripted.close());
  beforeEach(() => scripted.reset());

  const request: TransferRequest = { partnerReferenceNo: "REF-NAME-1", wallet: "DANA", customerNumber: "6281234567890", amount: 10_000 };

  it("a name with an override, controls and spaces is cleaned; the raw body stays in the record", async () => {
    const raw = "  Jo\u0000hn\u202E   Doe\u200B ";
    scripted.answer(200, { responseCode: "2003700", customerName: raw });
    const records: GatewayCallRecord[] = [];
    const result = await testClient(scripted).inquiry(request, { onCall: (record) => void records.push(record) });
    expect(result).toMatchObject({ kind: "success", customerName: "John Doe" });
    expect((JSON.parse(records[0]?.responseBody ?? "{}") as { customerName: string }).customerName).toBe(raw);
  });

  it("a 200,000-character name comes back at 100", async () => {
    scripted.answer(200, { responseCode: "2003700", customerName: "B".repeat(200_000) });
    const result = await testClient(scripted).inquiry(request);
    expect(result.kind === "success" && result.customerName).toBe("B".repeat(100));
  });

  it("a name with nothing visible is no name: the look-up is ambiguous, as without one", async () => {
    scripted.answer(200, { responseCode: "2003700", customerName: "\u202E\u200B\u0007 " });
    expect(await testClient(scripted).inquiry(request)).toMatchObject({ kind: "ambiguous", cause: "unexpected_answer" });
  });
});
