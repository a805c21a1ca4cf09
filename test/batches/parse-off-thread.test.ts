import { afterEach, describe, expect, it, vi } from "vitest";
import { maxBatchBytes, maxBatchRows, parseBatchFile } from "@/lib/batches/parse";
import { parseBatchFileOffThread } from "@/lib/batches/parse-off-thread";
import { captureLogs } from "../support/log-capture";

const encode = (text: string) => new TextEncoder().encode(text);

/** A header, then newlines up to 5 MB: the file that kept the server's event loop busy for seconds. */
function newlines(): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(maxBatchBytes).fill(0x0a);
  bytes.set(encode("wallet,phone,amount\n"));
  return bytes;
}

function rows(count: number): Uint8Array<ArrayBuffer> {
  const lines = ["wallet,phone,amount,note"];
  for (let i = 0; i < count; i++) lines.push(`DANA,0812${String(i).padStart(8, "0")},${10_000 + i},row ${i}`);
  return encode(`${lines.join("\n")}\n`);
}

/**
 * Runs `work` and counts the turns the event loop made before its result was there: a setImmediate callback
 * runs only when the loop is free, so a loop that other requests could use keeps counting.
 */
async function loopTurnsDuring<T>(work: () => T | Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let counting = true;
  const turn = () => {
    if (!counting) return;
    turns++;
    setImmediate(turn);
  };
  setImmediate(turn);
  const result = await work();
  counting = false;
  return { result, turns };
}

describe("An uploaded file is read in a worker thread, leaving the event loop free", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  for (const [name, file] of [
    ["5 MB of newlines", newlines],
    ["10.000 valid rows", () => rows(maxBatchRows)],
  ] as const) {
    // Two parses of up to seconds each, while the counting loop keeps a core busy.
    it(`keeps the event loop turning while it reads ${name}, where the synchronous parse stops it`, { timeout: 60_000 }, async () => {
      const offThread = await loopTurnsDuring(() => parseBatchFileOffThread(file()));
      const inline = await loopTurnsDuring(() => parseBatchFile(file()));
      expect(offThread.turns).toBeGreaterThan(0);
      expect(inline.turns).toBe(0);
      expect(offThread.result).toEqual(inline.result);
    });
  }

  it("answers exactly as the synchronous parse for a small file and for a refused one", async () => {
    const small = () => encode("wallet,phone,amount,note\nDANA,081234567890,50000,Gaji\nOVO,0812,abc,\n");
    expect(await parseBatchFileOffThread(small())).toEqual(parseBatchFile(small()));
    const tooMany = await parseBatchFileOffThread(rows(maxBatchRows + 1));
    expect(tooMany).toEqual(parseBatchFile(rows(maxBatchRows + 1)));
    expect(tooMany).toEqual({ ok: false, message: "The file has 10,001 rows; a batch holds at most 10,000. Split it into smaller files." });
  });

  it("refuses a file that is not UTF-8 with the same message", async () => {
    const latin1 = () => new Uint8Array([...encode("wallet,phone,amount,note\nDANA,081234567890,50000,Caf"), 0xe9]);
    const refused = await parseBatchFileOffThread(latin1());
    expect(refused).toEqual(parseBatchFile(latin1()));
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('"CSV UTF-8') });
  });

  it("moves the bytes to the worker instead of copying them", async () => {
    const bytes = rows(3);
    const parsing = parseBatchFileOffThread(bytes);
    expect(bytes.byteLength).toBe(0);
    expect(await parsing).toMatchObject({ ok: true });
  });

  it("stops a worker that does not answer in time and says so", async () => {
    const logs = captureLogs();
    expect(await parseBatchFileOffThread(newlines(), { timeoutMs: 0 })).toEqual({
      ok: false,
      message: "Reading the file took too long and was stopped. Try again; if it happens again, split it into smaller files.",
    });
    logs.restore();
    expect(logs.lines()).toEqual([expect.objectContaining({ level: "error", problem: "no answer after 0 ms" })]);
  });

  it("turns a worker that fails into a refusal and a log line, not a hang", async () => {
    // As if bundled: the TypeScript entry is then started without tsx, and the worker fails to load it.
    vi.stubEnv("TURBOPACK", "1");
    const logs = captureLogs();
    expect(await parseBatchFileOffThread(rows(3))).toEqual({
      ok: false,
      message: "The file could not be read because of a problem on our side. Try again; if it happens again, tell an administrator.",
    });
    logs.restore();
    expect(logs.lines()).toEqual([expect.objectContaining({ level: "error", problem: "the worker failed", err: expect.objectContaining({ message: expect.any(String) }) })]);
  });
});
