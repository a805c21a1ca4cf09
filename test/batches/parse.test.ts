import { describe, expect, it } from "vitest";
import {
  decodeBatchFile,
  findDuplicates,
  maxBatchBytes,
  maxBatchRows,
  parseBatchCsv,
  type ParsedRow,
  type ParseResult,
  validateBatchRow,
} from "@/lib/batches/parse";

const JOHN = "6281234567890";
const JANE = "6289876543210";

function rowsOf(result: ParseResult): ParsedRow[] {
  if (!result.ok) throw new Error(`expected the file to parse, got: ${result.message}`);
  return result.rows;
}

function refusal(result: ParseResult): string {
  if (result.ok) throw new Error("expected the file to be refused");
  return result.message;
}

function csv(...lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

function manyRows(count: number): string {
  const lines = ["wallet,phone,amount,note"];
  for (let i = 0; i < count; i++) lines.push(`DANA,0812${String(i).padStart(8, "0")},${10_000 + i},row ${i}`);
  return csv(...lines);
}

describe("A batch file is read into rows", () => {
  it("reads valid rows into normalized values, keeping the trimmed cell text", () => {
    const rows = rowsOf(parseBatchCsv(csv("wallet,phone,amount,note", "DANA, 0812-3456-7890 ,50000,Salary March", "ovo,+62 898 7654 3210,Rp 1.500.000,")));
    expect(rows).toEqual([
      {
        line: 2,
        raw: { wallet: "DANA", phone: "0812-3456-7890", amount: "50000", note: "Salary March" },
        value: { wallet: "DANA", phone: JOHN, amount: 50_000, note: "Salary March" },
        problems: {},
      },
      {
        line: 3,
        raw: { wallet: "ovo", phone: "+62 898 7654 3210", amount: "Rp 1.500.000", note: "" },
        value: { wallet: "OVO", phone: JANE, amount: 1_500_000, note: null },
        problems: {},
      },
    ]);
  });

  it("ignores a byte-order mark before the header", () => {
    const rows = rowsOf(parseBatchCsv(`\uFEFF${csv("wallet,phone,amount", "DANA,081234567890,50000")}`));
    expect(rows[0]?.value).toMatchObject({ wallet: "DANA", amount: 50_000 });
  });

  it("reads semicolon-separated files, where a comma can be a thousand separator", () => {
    const result = parseBatchCsv(csv("wallet;phone;amount;note", "GoPay;081234567890;50,000;Bonus, March", "OVO;081234567890;50.000;x"));
    expect(result.ok && result.delimiter).toBe(";");
    expect(rowsOf(result).map((row) => row.value)).toEqual([
      { wallet: "GOPAY", phone: JOHN, amount: 50_000, note: "Bonus, March" },
      { wallet: "OVO", phone: JOHN, amount: 50_000, note: "x" },
    ]);
  });

  it("reads comma-separated files even when notes contain semicolons", () => {
    const result = parseBatchCsv(csv("wallet,phone,amount,note", "DANA,081234567890,50000,a;b;c;d", "DANA,081234567890,50000,e;f"));
    expect(result.ok && result.delimiter).toBe(",");
    expect(rowsOf(result).map((row) => row.value?.note)).toEqual(["a;b;c;d", "e;f"]);
  });

  it("reads quoted fields: the delimiter and escaped double quotes inside a note", () => {
    const rows = rowsOf(parseBatchCsv(csv("wallet,phone,amount,note", 'DANA,081234567890,"50,000","Pak ""Budi"", March, bonus"')));
    expect(rows[0]?.raw.note).toBe('Pak "Budi", March, bonus');
    expect(rows[0]?.value).toMatchObject({ amount: 50_000, note: 'Pak "Budi", March, bonus' });
  });

  it("accepts CRLF, LF and a missing final line break alike", () => {
    const expected = [50_000, 60_000];
    for (const text of [
      "wallet,phone,amount\r\nDANA,081234567890,50000\r\nOVO,081234567890,60000\r\n",
      "wallet,phone,amount\nDANA,081234567890,50000\nOVO,081234567890,60000",
      "wallet,phone,amount\r\nDANA,081234567890,50000\nOVO,081234567890,60000\r\n",
    ]) {
      const rows = rowsOf(parseBatchCsv(text));
      expect(rows.map((row) => row.value?.amount)).toEqual(expected);
      expect(rows.map((row) => row.line)).toEqual([2, 3]);
    }
  });

  it("skips empty, whitespace-only and blank-spreadsheet lines, including trailing ones", () => {
    const rows = rowsOf(parseBatchCsv(csv("wallet,phone,amount", "", "DANA,081234567890,50000", "   ", ",,", "\t", "OVO,081234567890,60000", "", "")));
    expect(rows.map((row) => row.value?.wallet)).toEqual(["DANA", "OVO"]);
  });

  it("numbers rows by their physical line, counting skipped lines and line breaks inside quotes", () => {
    const text = "\nwallet,phone,amount,note\r\nDANA,081234567890,50000,a\r\n\r\n  \r\nOVO,081234567890,50000,\"two\nlines\"\nGOPAY,081234567890,50000,c\n";
    expect(rowsOf(parseBatchCsv(text)).map((row) => row.line)).toEqual([3, 6, 8]);
  });

  it("reports the line after an empty line in the middle correctly", () => {
    const rows = rowsOf(parseBatchCsv(csv("wallet,phone,amount", "DANA,081234567890,50000", "", "DANA,081234567890,abc")));
    expect(rows[1]).toMatchObject({ line: 4, value: null, problems: { amount: expect.any(String) } });
  });

  it("accepts 10.000 rows", () => {
    const rows = rowsOf(parseBatchCsv(manyRows(maxBatchRows)));
    expect(rows).toHaveLength(10_000);
    expect(rows.every((row) => row.value !== null)).toBe(true);
    expect(rows.at(-1)).toMatchObject({ line: 10_001, value: { amount: 19_999, note: "row 9999" } });
  });

  it("refuses 10.001 rows and says how to fix it", () => {
    expect(refusal(parseBatchCsv(manyRows(maxBatchRows + 1)))).toBe("The file has 10,001 rows; a batch holds at most 10,000. Split it into smaller files.");
  });

  it("does not count empty lines towards the row limit", () => {
    const text = manyRows(maxBatchRows).replace(/\n/g, "\n\n");
    expect(rowsOf(parseBatchCsv(text))).toHaveLength(10_000);
  });
});

describe("The header names the columns", () => {
  it("matches names case-insensitively, trimmed and in any order", () => {
    const rows = rowsOf(parseBatchCsv(csv(' Amount ,"NOTE", Phone,WALLET', "50.000,hi,081234567890,dana")));
    expect(rows[0]?.value).toEqual({ wallet: "DANA", phone: JOHN, amount: 50_000, note: "hi" });
  });

  it("ignores columns it does not know", () => {
    const rows = rowsOf(parseBatchCsv(csv("name,wallet,employee id,phone,amount", "Budi,OVO,E-17,081234567890,75000")));
    expect(rows[0]?.value).toEqual({ wallet: "OVO", phone: JOHN, amount: 75_000, note: null });
  });

  it("treats the note column as optional", () => {
    expect(rowsOf(parseBatchCsv(csv("wallet,phone,amount", "DANA,081234567890,50000")))[0]?.value?.note).toBeNull();
  });

  it("names the missing columns and what it found", () => {
    expect(refusal(parseBatchCsv(csv("wallet,nomor,amount", "DANA,081234567890,50000")))).toBe(
      "The first line must name the columns wallet, phone and amount (note is optional). Missing: phone. Found: wallet, nomor, amount.",
    );
  });

  it("refuses a file whose first line is data rather than column names", () => {
    const message = refusal(parseBatchCsv(csv("DANA,081234567890,50000")));
    expect(message).toContain("Missing: wallet, phone, amount.");
    expect(message).toContain("Found: DANA, 081234567890, 50000.");
  });

  it("refuses a single-column header with the same message", () => {
    expect(refusal(parseBatchCsv(csv("wallet", "DANA")))).toContain("Missing: phone, amount. Found: wallet.");
  });

  it("says so when the columns are separated by tabs", () => {
    expect(refusal(parseBatchCsv(csv("wallet\tphone\tamount", "DANA\t081234567890\t50000")))).toContain("separated by tabs");
  });

  it("refuses a column named twice", () => {
    expect(refusal(parseBatchCsv(csv("wallet,phone,amount,Phone", "DANA,081234567890,50000,081234567890")))).toContain('names the column "phone" twice');
  });

  it("refuses a file with only a header, or nothing at all", () => {
    expect(refusal(parseBatchCsv(csv("wallet,phone,amount", "", "  ")))).toBe("The file has no rows after the header.");
    expect(refusal(parseBatchCsv("\n \n"))).toContain("The file is empty.");
  });
});

describe("Each row is checked field by field", () => {
  function amountOf(text: string, delimiter = ",") {
    const rows = rowsOf(parseBatchCsv(csv(["wallet", "phone", "amount"].join(delimiter), ["DANA", "081234567890", text].join(delimiter))));
    return rows[0]!;
  }

  it("reads amounts with thousand separators and a Rp prefix", () => {
    expect(amountOf("50.000").value?.amount).toBe(50_000);
    expect(amountOf("Rp 50.000").value?.amount).toBe(50_000);
    expect(amountOf("Rp50000").value?.amount).toBe(50_000);
    expect(amountOf("1.500.000").value?.amount).toBe(1_500_000);
    expect(amountOf('"50,000"').value?.amount).toBe(50_000);
    expect(amountOf("50,000", ";").value?.amount).toBe(50_000);
  });

  it("gives a problem for an amount that is not whole positive rupiah", () => {
    // Semicolons, so "12,5" stays one cell as an Indonesian spreadsheet would write it.
    for (const text of ["12,5", "-100", "abc", "0", ""]) {
      const row = amountOf(text, ";");
      expect(row.value, text).toBeNull();
      expect(row.problems.amount, text).toEqual(expect.any(String));
    }
    expect(amountOf('"12,5"').problems.amount).toBe("Enter whole rupiah, like 50000 or 50.000 (no cents)");
    expect(amountOf("").problems.amount).toBe("Enter the amount in rupiah");
  });

  it("flags an invalid phone and an unknown wallet while the other rows stay valid", () => {
    const rows = rowsOf(parseBatchCsv(csv("wallet,phone,amount", "DANA,081234567890,50000", "LinkAja,0212345678,50000", "OVO,081234567890,60000")));
    expect(rows[0]?.value).not.toBeNull();
    expect(rows[2]?.value).not.toBeNull();
    expect(rows[1]).toMatchObject({
      line: 3,
      value: null,
      problems: {
        wallet: 'Unknown e-wallet "LinkAja": use DANA, OVO, GoPay or ShopeePay',
        phone: "Enter an Indonesian mobile number starting with 08, +62 8 or 628",
      },
    });
    expect(rows[1]?.problems).not.toHaveProperty("amount");
  });

  it("reads the wallet however it is written", () => {
    const wallets = ["dana", "OVO", "GoPay", "Go-Pay", "gopay", "ShopeePay", "Shopee Pay", "shopee-pay"];
    const rows = rowsOf(parseBatchCsv(csv("wallet,phone,amount", ...wallets.map((wallet) => `${wallet},081234567890,50000`))));
    expect(rows.map((row) => row.value?.wallet)).toEqual(["DANA", "OVO", "GOPAY", "GOPAY", "GOPAY", "SHOPEEPAY", "SHOPEEPAY", "SHOPEEPAY"]);
  });

  it("treats missing trailing cells as empty fields", () => {
    const rows = rowsOf(parseBatchCsv(csv("wallet,phone,amount,note", "DANA,081234567890", "OVO,081234567890,50000")));
    expect(rows[0]).toMatchObject({ raw: { amount: "", note: "" }, value: null, problems: { amount: "Enter the amount in rupiah" } });
    expect(rows[0]?.problems).not.toHaveProperty("row");
    expect(rows[1]?.value).toMatchObject({ amount: 50_000, note: null });
  });

  it("flags a line with more fields than the header", () => {
    const rows = rowsOf(parseBatchCsv(csv("wallet,phone,amount,note", "DANA,081234567890,Rp 50,000,bonus,March")));
    expect(rows[0]).toMatchObject({
      value: null,
      problems: { row: "This line has 6 fields but the header has 4. Put values that contain a comma in double quotes." },
    });
  });

  it("tolerates a stray delimiter at the end of a line", () => {
    const rows = rowsOf(parseBatchCsv(csv("wallet,phone,amount", "DANA,081234567890,50000,,")));
    expect(rows[0]).toMatchObject({ value: { amount: 50_000 }, problems: {} });
  });

  it("explains phone numbers that a spreadsheet turned into scientific notation", () => {
    const rows = rowsOf(parseBatchCsv(csv("wallet;phone;amount", "DANA;6,28123E+12;50000")));
    expect(rows[0]?.problems.phone).toContain("Format the phone column as Text");
  });
});

describe("A file that cannot be read is refused whole", () => {
  it("refuses an unclosed quote and names its line", () => {
    const message = refusal(parseBatchCsv(csv("wallet,phone,amount,note", "DANA,081234567890,50000,ok", "", 'OVO,081234567890,50000,"never closed', "DANA,081234567890,50000,x")));
    expect(message).toBe('Line 4 opens a double quote (") that is never closed, so the rest of the file cannot be read. Close or remove the quote, then upload again.');
  });

  it("refuses text right after a closing quote and names its line", () => {
    expect(refusal(parseBatchCsv(csv("wallet,phone,amount", 'DANA,081234567890,"50"000')))).toMatch(/^Line 2 has text right after a closing double quote/);
  });
});

describe("An uploaded file must be UTF-8", () => {
  const encode = (text: string) => new TextEncoder().encode(text);

  it("decodes UTF-8 and drops the byte-order mark Excel writes", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encode("wallet,phone,amount,note\nDANA,081234567890,50000,Café")]);
    const decoded = decodeBatchFile(bytes);
    expect(decoded).toEqual({ ok: true, text: "wallet,phone,amount,note\nDANA,081234567890,50000,Café" });
    if (decoded.ok) expect(rowsOf(parseBatchCsv(decoded.text))[0]?.value?.note).toBe("Café");
  });

  it('refuses anything else and says to save as "CSV UTF-8"', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, 0x77, 0x00, 0x61, 0x00]);
    const latin1 = new Uint8Array([...encode("wallet,phone,amount,note\nDANA,081234567890,50000,Caf"), 0xe9]);
    for (const bytes of [utf16, latin1]) {
      const decoded = decodeBatchFile(bytes);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.message).toContain('"CSV UTF-8');
    }
  });

  it("refuses an empty file", () => {
    expect(decodeBatchFile(new Uint8Array())).toEqual({ ok: false, message: "The file is empty. Choose the CSV file with the transfers." });
    expect(decodeBatchFile(new Uint8Array([0xef, 0xbb, 0xbf, 0x0a]))).toMatchObject({ ok: false, message: expect.stringContaining("empty") });
  });

  it("refuses a file over 5 MB and accepts one of exactly 5 MB", () => {
    expect(decodeBatchFile(new Uint8Array(maxBatchBytes + 1).fill(0x61))).toEqual({
      ok: false,
      message: "The file is 5.1 MB; a batch file is at most 5 MB. Split it into smaller files.",
    });
    expect(decodeBatchFile(new Uint8Array(maxBatchBytes).fill(0x61)).ok).toBe(true);
  });
});

describe("A row edited in the UI is checked like a file row", () => {
  it("returns the normalized value of a valid row", () => {
    expect(validateBatchRow({ wallet: " shopee pay ", phone: "+62 812-3456-7890", amount: "Rp 50.000", note: "  " })).toEqual({
      value: { wallet: "SHOPEEPAY", phone: JOHN, amount: 50_000, note: null },
      problems: {},
    });
  });

  it("returns one problem per invalid field", () => {
    expect(validateBatchRow({ wallet: "", phone: "", amount: "-100", note: "x".repeat(141) })).toEqual({
      value: null,
      problems: {
        wallet: "Enter the e-wallet: DANA, OVO, GoPay or ShopeePay",
        phone: "Enter the wallet's phone number",
        amount: "Enter whole rupiah, like 50000 or 50.000 (no cents)",
        note: "A note is at most 140 characters",
      },
    });
  });

  it("refuses control and text-direction characters in a note", () => {
    // The note becomes the transfer's memo: one line, read as written (a line break or tab inside quotes is refused too).
    for (const note of ["a\u0007b", "pay \u202Eevil", "two\nlines", "tab\there", "mark \u200Fhere", "c1 \u0085", "line\u2028separator", "zero\u200Bwidth", "b\uFEFFom"]) {
      expect(validateBatchRow({ wallet: "DANA", phone: "081234567890", amount: "50000", note }).problems.note, JSON.stringify(note)).toBe(
        "A note cannot contain line breaks, tabs, control characters or text-direction marks",
      );
    }
  });
});

describe("Duplicates are rows that repeat an earlier wallet, phone and amount", () => {
  const row = (wallet: string, phone: string, amount: string) => validateBatchRow({ wallet, phone, amount, note: "" });

  it("compares phones and amounts after normalization and points at the first occurrence", () => {
    const rows = [
      row("DANA", "081234567890", "50000"),
      row("OVO", "081234567890", "50000"),
      row("dana", "+62 812 3456 7890", "50.000"),
      row("DANA", "6281234567890", "Rp 50.000"),
      row("DANA", "081234567890", "60000"),
    ];
    expect(findDuplicates(rows)).toEqual(
      new Map([
        [2, 0],
        [3, 0],
      ]),
    );
  });

  it("ignores rows without a value", () => {
    const rows = [row("DANA", "081234567890", "abc"), row("DANA", "081234567890", "abc"), row("DANA", "081234567890", "50000")];
    expect(findDuplicates(rows).size).toBe(0);
  });

  it("does not care about the note", () => {
    const rows = [validateBatchRow({ wallet: "DANA", phone: "081234567890", amount: "50000", note: "a" }), validateBatchRow({ wallet: "DANA", phone: "081234567890", amount: "50000", note: "b" })];
    expect(findDuplicates(rows)).toEqual(new Map([[1, 0]]));
  });
});
