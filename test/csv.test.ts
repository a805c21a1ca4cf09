import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "@/lib/csv";

/** Values as they reach an export (owner names from the payee, notes, reasons), each with what the file must say. */
const hostile: [value: string | number, defused: string][] = [
  ['Budi;=HYPERLINK("http://x","y")', `Budi;'=HYPERLINK("http://x","y")`],
  ["a,=1+1", "a,'=1+1"],
  ["x\t=cmd", "x\t'=cmd"],
  ["\t=cmd", "'\t'=cmd"],
  ["note\n@SUM(1)", "note\n'@SUM(1)"],
  ["note\r\n+1", "note\r\n'+1"],
  ["- 5", "'- 5"],
  ["=1+1", "'=1+1"],
  ["a; +1", "a; '+1"],
  ['x;"=1"', `x;"'=1"`],
  ["Siti Rahayu", "Siti Rahayu"],
  [-5, "-5"],
];

const values = hostile.map(([value]) => value);
/** Each value alone in an export-like row, then all of them in one row. */
const csv = [...values.map((value) => csvLine(["TRF1", value, 50_000])), csvLine(values)].join("");

/** The cells a spreadsheet would run: text starting with = + - or @ once spaces and quotes around it are gone. */
function formulas(cells: string[]): string[] {
  return cells.map((cell) => cell.replace(/^[\s"]+|[\s"]+$/g, "")).filter((cell) => /^[=+\-@]/.test(cell) && !Number.isFinite(Number(cell)));
}

describe("An exported CSV cell never starts a spreadsheet formula, whichever separator the spreadsheet splits at", () => {
  it("reads back as the defused text when parsed with commas, as written", () => {
    const { data, errors } = Papa.parse<string[]>(csv, { delimiter: ",", newline: "\r\n", skipEmptyLines: true });
    expect(errors).toEqual([]);
    expect(data).toEqual([...hostile.map(([, defused]) => ["TRF1", defused, "50000"]), hostile.map(([, defused]) => defused)]);
  });

  it("starts no formula when parsed with semicolons, as Excel does in Indonesia", () => {
    const { data } = Papa.parse<string[]>(csv, { delimiter: ";", newline: "\r\n" });
    expect(formulas(data.flat())).toEqual([]);
  });

  for (const separator of [";", ",", "\t"]) {
    it(`starts no formula when every line is split at ${JSON.stringify(separator)} with quotes ignored`, () => {
      const cells = csv.split(/\r\n|\r|\n/).flatMap((line) => line.split(separator));
      expect(formulas(cells)).toEqual([]);
    });
  }

  it("quotes values with a semicolon or a tab, and leaves numbers as they are", () => {
    expect(csvCell("a;b")).toBe('"a;b"');
    expect(csvCell("a\tb")).toBe('"a\tb"');
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(12.5)).toBe("12.5");
  });
});

describe("Cells with nothing to quote or defuse are written as they are", () => {
  /** The rule as csvCell states it, without its shortcut for plain text. */
  function byTheRule(value: string): string {
    const defused = value.replace(/(^|[,;\t\r\n])([ "]*)(?=[=+\-@])/g, "$1$2'");
    const safe = /^[\t\r]/.test(defused) ? `'${defused}` : defused;
    return /[",;\t\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  }

  it("gives what the full rule gives, for plain names and for every mix of the characters that matter", () => {
    const alphabet = ["a", "B", " ", '"', ",", ";", "\t", "\r", "\n", "=", "+", "-", "@", "1", "'", "é"];
    let seed = 11;
    const pick = () => alphabet[(seed = (seed * 16_807) % 2_147_483_647) % alphabet.length]!;
    const values = ["Siti Rahayu", "TRF20250310ABCDEFGHJKLM", "2025-03-31 23:30:05", " -1", "", ...Array.from({ length: 5000 }, () => Array.from({ length: 1 + (seed % 6) }, pick).join(""))];
    for (const value of values) expect(csvCell(value), JSON.stringify(value)).toBe(byTheRule(value));
  });
});
