import Papa from "papaparse";
import { deterministicOwner } from "../lib/cashin/mock/wallets";
import { demoUser, expect, test } from "./fixtures";
import { BatchPage } from "./pages/batch-page";
import { HistoryPage } from "./pages/history-page";
import { signInElsewhere } from "./support/sign-ins";
import { gatewayRequests, mockMode, setMockMode } from "./support/gateway";

/*
 * Batch payouts end to end against the mock gateway (docs/mock-gateway.md#test-wallets): a CSV file in, every wallet looked up,
 * the failing rows fixed inline, one approval by a second manager, every row sent once, the results out.
 */

type Wallet = "DANA" | "OVO" | "GoPay" | "ShopeePay";
type Final = "Succeeded" | "Failed" | "Processing" | "Removed";

/** One data row of the uploaded file, and what should become of it. */
type FileRow = {
  /** Physical line in the file (the header is line 1). */
  line: number;
  /** As written in the file: spellings and formats vary on purpose. */
  cells: { wallet: string; phone: string; amount: string; note: string };
  wallet: Wallet;
  /** Normalized (628…), once the row is valid. */
  phone: string;
  amount: number;
  owner: string | null;
  final: Final;
};

/** Amounts as the English interface writes them (the specs read it in English). */
const rupiah = (n: number) => `Rp ${new Intl.NumberFormat("en-GB").format(n)}`;
const dotted = (n: number) => new Intl.NumberFormat("id-ID").format(n);

/**
 * 50 rows: every test wallet of docs/mock-gateway.md#test-wallets on the four e-wallets, a number with no wallet (003), an inactive
 * wallet (008), a phone number that is not one, and a repeat of the first row; the rest are ordinary
 * wallets with deterministic names. Written the way people write them: semicolons, a byte-order mark, a
 * header in capitals, `Rp 250.000`, `0811-…`, `+62 8…`, `shopee pay`.
 */
function mixedFile() {
  const wallets: Wallet[] = ["DANA", "OVO", "GoPay", "ShopeePay"];
  const spelled: Record<Wallet, string[]> = { DANA: ["DANA", "dana"], OVO: ["OVO", "ovo"], GoPay: ["GoPay", "go-pay"], ShopeePay: ["ShopeePay", "shopee pay"] };
  const special: Record<number, Omit<FileRow, "line">> = {};
  const at = (index: number, row: Omit<FileRow, "line">) => (special[index] = row);
  const cell = (wallet: Wallet, phone: string, amount: number, note: string, amountText = dotted(amount)) => ({ wallet, phone, amount: amountText, note });

  at(0, { cells: cell("DANA", "6281234567890", 250_000, "June allowance", "Rp 250.000"), wallet: "DANA", phone: "6281234567890", amount: 250_000, owner: "John", final: "Succeeded" });
  at(3, { cells: cell("OVO", "0811-1000-001", 300_000, "Invoice 114"), wallet: "OVO", phone: "628111000001", amount: 300_000, owner: "Siti Rahayu", final: "Succeeded" });
  at(7, { cells: cell("GoPay", "+62 811 1000 002", 275_000, "Pending at first"), wallet: "GoPay", phone: "628111000002", amount: 275_000, owner: "Budi Santoso", final: "Succeeded" });
  // No wallet: fixed inline to Siti's number on OVO (another amount than her own row, so no repeat).
  at(11, { cells: cell("OVO", "0811 1000 003", 150_000, "Wrong number"), wallet: "OVO", phone: "628111000001", amount: 150_000, owner: "Siti Rahayu", final: "Succeeded" });
  at(15, { cells: cell("ShopeePay", "628111000004", 125_000, "Balance too low"), wallet: "ShopeePay", phone: "628111000004", amount: 125_000, owner: "Dewi Lestari", final: "Failed" });
  at(19, { cells: cell("DANA", "08111000005", 225_000, "Slow answer"), wallet: "DANA", phone: "628111000005", amount: 225_000, owner: "Agus Wijaya", final: "Succeeded" });
  at(23, { cells: cell("GoPay", "628111000006", 180_000, "Not processed"), wallet: "GoPay", phone: "628111000006", amount: 180_000, owner: "Rina Kartika", final: "Processing" });
  at(27, { cells: cell("ShopeePay", "628111000007", 210_000, "Fails later", "210000"), wallet: "ShopeePay", phone: "628111000007", amount: 210_000, owner: "Joko Susilo", final: "Failed" });
  // Inactive: removed from the batch.
  at(31, { cells: cell("DANA", "628111000008", 90_000, "Inactive"), wallet: "DANA", phone: "628111000008", amount: 90_000, owner: null, final: "Removed" });
  at(35, { cells: cell("OVO", "628111000009", 160_000, "Over the limit"), wallet: "OVO", phone: "628111000009", amount: 160_000, owner: "Hendra Gunawan", final: "Failed" });
  // Not a phone number: fixed inline to an ordinary wallet.
  at(39, { cells: cell("GoPay", "12345", 70_000, "Typo in the number"), wallet: "GoPay", phone: "6281299000041", amount: 70_000, owner: deterministicOwner("6281299000041"), final: "Succeeded" });
  // The first row again, written differently: the same wallet, number and amount.
  at(43, { cells: cell("DANA", "081234567890", 250_000, "Paid twice on purpose", "250000"), wallet: "DANA", phone: "6281234567890", amount: 250_000, owner: "John", final: "Succeeded" });

  const rows: FileRow[] = [];
  for (let index = 0; index < 50; index++) {
    const line = index + 2;
    const fixed = special[index];
    if (fixed) {
      rows.push({ line, ...fixed });
      continue;
    }
    const wallet = wallets[index % wallets.length]!;
    const phone = `62812770${String(index).padStart(5, "0")}`;
    const amount = 200_000 + index * 5_000;
    const written = index % 3 === 0 ? `0${phone.slice(2)}` : index % 3 === 1 ? `+62 ${phone.slice(2, 5)} ${phone.slice(5)}` : phone;
    rows.push({
      line,
      cells: { wallet: spelled[wallet][index % 2]!, phone: written, amount: index % 2 ? `Rp ${dotted(amount)}` : String(amount), note: `Row ${index + 1}; payroll` },
      wallet,
      phone,
      amount,
      owner: deterministicOwner(phone),
      final: "Succeeded",
    });
  }
  const quote = (value: string) => (/[;"]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  const text = `\uFEFFWallet;Phone;Amount;Note\r\n${rows.map((r) => [r.cells.wallet, r.cells.phone, r.cells.amount, r.cells.note].map(quote).join(";")).join("\r\n")}\r\n`;
  const byLine = (line: number) => rows.find((r) => r.line === line)!;
  return { rows, text, byLine };
}

/** A second person in a browser of their own, from another client address. */

/** Line → transfer reference, from the links in the rows of a submitted batch. */
async function transferReferences(batch: BatchPage): Promise<Map<number, string>> {
  const pairs = await batch.rows.evaluateAll((rows) =>
    rows.map((row) => [Number(row.getAttribute("data-testid")!.replace("batch-row-", "")), row.querySelector('a[href^="/transfers/"]')?.textContent?.trim() ?? ""] as const),
  );
  return new Map(pairs.filter(([, reference]) => reference !== ""));
}

function parseCsv(text: string): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

test.describe("Batch payouts: upload, check, fix, approve, send (issue: batch payouts)", () => {
  test("a 50-row file of every test wallet: checked with progress, fixed inline, approved by a second manager, each row sent once, results exported", async ({
    page,
    browser,
    signInAs,
  }) => {
    test.setTimeout(150_000);
    const file = mixedFile();
    const batch = new BatchPage(page);
    const [notFound, inactive, badPhone, repeat] = [13, 33, 41, 45];
    const sent = file.rows.filter((r) => r.final !== "Removed");
    const uploadedTotal = file.rows.filter((r) => r.line !== badPhone).reduce((sum, r) => sum + r.amount, 0);
    const sentTotal = sent.reduce((sum, r) => sum + r.amount, 0);
    const lineOf = (phone: string) => file.rows.find((r) => r.phone === phone && r.line !== notFound)!.line;
    const [budi, dewi, joko, hendra] = [lineOf("628111000002"), lineOf("628111000004"), lineOf("628111000007"), lineOf("628111000009")] as const;
    // Above the approval threshold even while admin-limits.spec has it at Rp 6.000.000 for a moment.
    expect(sentTotal).toBeGreaterThan(10_000_000);

    let references = new Map<number, string>();
    // The maker is a manager, so that "a second manager" approves: they may not approve their own batch.
    await signInAs("manager");
    let id = 0;
    let reference = "";

    await test.step("upload: the file is taken and its check starts at once", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Batch payouts" }).click();
      await expect(page).toHaveURL(/\/batches$/);
      await expect(page.getByRole("link", { name: "Download the template" })).toHaveAttribute("href", "/batches/template");
      await expect(page.getByRole("link", { name: "Excel template" })).toHaveAttribute("href", "/batches/template?format=xlsx");
      await expect(batch.fileInput).toHaveAttribute("accept", /\.xlsx/);
      ({ id, reference } = await batch.upload("june-payroll.csv", file.text));
      await expect(batch.heading).toHaveText(`Batch ${reference}`);
      await expect(batch.totalRows).toHaveText("50");
      await expect(batch.checkProgress).toBeVisible();
      await expect(batch.progress("checked")).toHaveText(/^\d+ \/ 50$/);
      await expect(batch.checkProgress.getByRole("progressbar")).toHaveAttribute("aria-valuemax", "50");
    });

    await test.step("check: progress reaches 50 / 50 with 3 errors, names are filled in", async () => {
      await expect(batch.progress("checked")).toHaveText("50 / 50", { timeout: 30_000 });
      await expect(batch.checkProgress.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "50");
      await expect(batch.progress("errors")).toHaveText("3");
      await expect(batch.progress("confirmed")).toHaveText("47");
      // Done at 100 %, and the badge says what is true while rows block submitting.
      await expect(batch.checkProgress).toContainText("Wallets checked");
      await expect(batch.checkProgress).not.toContainText("Checking wallets");
      await expect(batch.status).toHaveText("Needs fixes");
      await expect(batch.totalAmount).toHaveText(rupiah(uploadedTotal));
      await expect(batch.totalAttention).toHaveText("4");
      await expect(batch.rows).toHaveCount(50);
      for (const row of file.rows) {
        if ([notFound, inactive, badPhone].includes(row.line)) continue;
        await expect(batch.row(row.line), `line ${row.line}`).toHaveAttribute("data-state", "ok");
        await expect(batch.ownerName(row.line), `line ${row.line}`).toHaveText(row.owner!);
        await expect(batch.rowStatus(row.line)).toHaveText(row.line === repeat ? "Repeated" : "Confirmed");
      }
    });

    await test.step("the failing rows are flagged with their reasons, and block submitting", async () => {
      await expect(batch.row(notFound)).toHaveAttribute("data-state", "unconfirmed");
      await expect(batch.problem(notFound)).toContainText("No OVO wallet is registered to 628111000003");
      await expect(batch.rowStatus(notFound)).toHaveText("Not confirmed");
      await expect(batch.row(inactive)).toHaveAttribute("data-state", "unconfirmed");
      await expect(batch.problem(inactive)).toContainText("This DANA wallet is inactive");
      await expect(batch.rowStatus(inactive)).toHaveText("Not confirmed");
      await expect(batch.row(badPhone)).toHaveAttribute("data-state", "invalid");
      await expect(batch.problem(badPhone)).toContainText("Enter an Indonesian mobile number starting with 08, +62 8 or 628");
      await expect(batch.rowStatus(badPhone)).toHaveText("Needs fixing");
      await expect(batch.row(repeat)).toContainText("Repeats line 2: same e-wallet, phone and amount.");
      await expect(page.getByRole("button", { name: "Submit batch" })).toBeDisabled();
      // The rows are numbered by their line in the file, and say so; the column and its buttons use one word.
      await expect(page.getByText("Line: the line in the uploaded file (the header row is line 1).")).toBeVisible();
      const table = page.getByRole("table", { name: "Rows of the batch" });
      await expect(table.getByRole("columnheader", { name: "Line" })).toBeVisible();
      await expect(table.getByRole("columnheader", { name: "Edit" })).toBeVisible();
      await expect(page.getByRole("button", { name: `Edit line ${notFound}` })).toHaveText("Edit");

      await batch.tab("Needing attention").click();
      await expect(page).toHaveURL(/\?view=attention$/);
      await expect(batch.tab("Needing attention")).toHaveText("Needing attention (4)");
      await expect(batch.rows).toHaveCount(4);
      expect(await batch.rows.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-testid")))).toEqual(
        [notFound, inactive, badPhone, repeat].map((line) => `batch-row-${line}`),
      );
      await batch.tab("All rows").click();
      await expect(batch.rows).toHaveCount(50);
    });

    await test.step("fix inline: the number with no wallet, then the one that is not a number", async () => {
      await batch.editRow(notFound, { phone: "0811 1000 001" });
      await expect(batch.rowStatus(notFound)).toHaveText("Confirmed", { timeout: 15_000 });
      await expect(batch.ownerName(notFound)).toHaveText("Siti Rahayu");
      await expect(batch.problem(notFound)).toHaveCount(0);

      // The editor checks the row as the file's rows are checked, before anything is saved.
      const dialog = await batch.openEditor(badPhone);
      await batch.fillEditor(dialog, { phone: "0999 12" });
      await dialog.getByRole("button", { name: "Save and check again" }).click();
      const phone = dialog.getByLabel("Phone", { exact: true });
      await expect(phone).toHaveAttribute("aria-invalid", "true");
      await expect(phone).toHaveAccessibleDescription("Enter an Indonesian mobile number starting with 08, +62 8 or 628");
      await batch.fillEditor(dialog, { phone: "0812-9900-0041" });
      await dialog.getByRole("button", { name: "Save and check again" }).click();
      await expect(dialog).toBeHidden();
      await expect(batch.rowStatus(badPhone)).toHaveText("Confirmed", { timeout: 15_000 });
      await expect(batch.ownerName(badPhone)).toHaveText(file.byLine(badPhone).owner!);
    });

    await test.step("remove the inactive wallet's row", async () => {
      await batch.removeRow(inactive);
      await expect(batch.rows).toHaveCount(49);
      await expect(batch.totalRows).toHaveText("49");
      await expect(batch.totalAttention).toHaveText("1");
      await expect(batch.totalAmount).toHaveText(rupiah(sentTotal));
      await expect(batch.tab("Needing attention")).toHaveText("Needing attention (1)"); // Only the repeat.
      await expect(batch.tab("Removed")).toHaveText("Removed (1)");
      await batch.tab("Removed").click();
      await expect(batch.rows).toHaveCount(1);
      await expect(batch.row(inactive)).toHaveAttribute("data-state", "removed");
      await expect(batch.rowStatus(inactive)).toHaveText("Removed");
      await batch.tab("All rows").click();
      await expect(batch.rows).toHaveCount(49);
      await expect(batch.status).toHaveText("Ready to submit");
    });

    await test.step("submit for approval, saying the repeat is meant", async () => {
      const dialog = await batch.openSubmit();
      await expect(dialog).toContainText(`They total ${rupiah(sentTotal)}, at or above the approval threshold`);
      const confirm = dialog.getByRole("button", { name: "Submit for approval" });
      await expect(confirm).toBeDisabled();
      await dialog.getByRole("checkbox", { name: /I mean to pay these people more than once/ }).check();
      await confirm.click();
      await expect(batch.status).toHaveText("Awaiting approval");
      await expect(batch.rowStatus(2)).toHaveText("Awaiting approval");
      // One transfer per row, each linked from its row; none has reached Cash In yet.
      references = await transferReferences(batch);
      expect(references.size).toBe(49);
      expect([...references.keys()].sort((a, b) => a - b)).toEqual(sent.map((r) => r.line));
      const topups = new Set((await gatewayRequests("topup")).map((r) => r.partnerReferenceNo));
      expect([...references.values()].filter((r) => topups.has(r))).toEqual([]);
    });

    await test.step("the maker cannot approve their own batch", async () => {
      await expect(page.getByRole("button", { name: "Approve batch" })).toHaveCount(0);
      await expect(page.getByRole("button", { name: "Reject batch" })).toHaveCount(0);
      await page.goto("/approvals");
      const queued = page.getByTestId(`approval-batch-${reference}`);
      await expect(queued).toContainText("(you)");
      await expect(queued.getByRole("link", { name: "Review rows" })).toHaveCount(0);
      await expect(queued.getByRole("link", { name: "View" })).toBeVisible();
    });

    const manager2 = await signInElsewhere(browser, demoUser("manager", 1), "192.0.2.171");
    try {
      await test.step("a second manager reviews the rows and approves the batch", async () => {
        await manager2.goto("/approvals");
        const queued = manager2.getByTestId(`approval-batch-${reference}`);
        await expect(queued).toContainText("49");
        await expect(queued).toContainText(rupiah(sentTotal));
        await queued.getByRole("link", { name: "Review rows" }).click();
        await expect(manager2).toHaveURL(new RegExp(`/batches/${id}$`));
        const approverView = new BatchPage(manager2);
        await expect(approverView.status).toHaveText("Awaiting approval");
        // Only the maker changes rows; the approver sees them as they are.
        await expect(approverView.rows).toHaveCount(49);
        await expect(manager2.getByRole("button", { name: /^(Edit|Remove) line/ })).toHaveCount(0);
        await expect(manager2.getByRole("button", { name: "Submit batch" })).toHaveCount(0);
        const dialog = await approverView.openApprove(reference);
        const approve = dialog.getByRole("button", { name: `Approve and send ${rupiah(sentTotal)}` });
        // The repeated row the maker accepted is flagged for the approver too, who ticks it (docs/lifecycle.md#paying-twice-is-impossible).
        await expect(approve).toBeDisabled();
        await dialog.getByTestId("approve-duplicates").getByRole("checkbox").check();
        await approve.click();
        await expect(approverView.sendProgress).toBeVisible();
      });
    } finally {
      await manager2.context().close();
    }

    await test.step("sending: progress reaches 49 / 49 and the batch is sent", async () => {
      await page.goto(`/batches/${id}`);
      await expect(batch.sendProgress).toBeVisible();
      await expect(batch.checkProgress).toHaveCount(0);
      await expect(batch.progress("sent")).toHaveText("49 / 49", { timeout: 30_000 });
      await expect(batch.status).toHaveText("Sent", { timeout: 15_000 });
      await expect(page.getByText("approved by Citra Maharani")).toBeVisible();
    });

    await test.step("the rows settle as the wallet table says (the page refreshes itself)", async () => {
      for (const row of sent) {
        if (row.line === budi) continue; // Budi's third status call is a minute away (checks at 5 s, 15 s, 60 s): refreshed by hand below.
        await expect(batch.rowStatus(row.line), `line ${row.line} (${row.owner})`).toHaveText(row.final, { timeout: 40_000 });
      }
      await expect(batch.row(dewi)).toContainText("The merchant's Cash In balance is too low for this transfer.");
      await expect(batch.row(hendra)).toContainText("The amount exceeds the limit Cash In allows for this transfer.");
      await expect(batch.row(joko)).toContainText("Cash In reports the transfer failed");
    });

    await test.step("View in history: only the batch's transfers; Budi's is refreshed there until it succeeds", async () => {
      await page.getByRole("link", { name: "View in history" }).click();
      await expect(page).toHaveURL(new RegExp(`/transfers\\?batch=${id}$`));
      await expect(page.getByTestId("batch-filter")).toContainText(`Rows of batch ${reference}`);
      const history = new HistoryPage(page);
      await expect(history.summary).toHaveText("Showing 1–25 of 25+");
      await history.goto(`?batch=${id}&pageSize=100`);
      await expect(history.rows).toHaveCount(49);
      expect((await history.references()).sort()).toEqual([...references.values()].sort());

      const budiReference = references.get(budi)!;
      const budiRow = history.row(budiReference);
      await expect(async () => {
        const refresh = budiRow.getByRole("button", { name: `Refresh status of ${budiReference}` });
        if ((await refresh.isVisible()) && (await refresh.isEnabled())) await refresh.click();
        await expect(budiRow).toContainText("Succeeded", { timeout: 2000 });
      }).toPass({ timeout: 40_000 });
    });

    await test.step("final statuses: 45 succeeded, Rina's processing, 3 failed", async () => {
      await page.goto(`/batches/${id}`);
      for (const row of sent) await expect(batch.rowStatus(row.line), `line ${row.line} (${row.owner})`).toHaveText(row.final);
      await expect(batch.progress("sent")).toHaveText("49 / 49");
      await expect(batch.progress("succeeded")).toHaveText("45");
      await expect(batch.progress("processing")).toHaveText("1");
      await expect(batch.progress("failed")).toHaveText("3");
    });

    await test.step("exactly one top-up per row reached the mock gateway", async () => {
      const topups = await gatewayRequests("topup");
      for (const [line, transferReference] of references) {
        expect(topups.filter((r) => r.partnerReferenceNo === transferReference), `top-ups of line ${line} (${transferReference})`).toHaveLength(1);
      }
    });

    await test.step("Export results: every row of the file with its outcome", async () => {
      await expect(page.getByRole("link", { name: "Excel (.xlsx)" })).toHaveAttribute("href", `/batches/${id}/export?format=xlsx`);
      const download = await batch.exportResults();
      expect(download.suggestedFilename()).toMatch(new RegExp(`^batch-${reference}-\\d{8}-\\d{4}\\.csv$`));
      const bytes = await (await download.createReadStream()).toArray();
      const text = Buffer.concat(bytes).toString("utf8");
      expect(text.startsWith("\uFEFF")).toBe(true);
      const body = text.slice(1);
      expect(body.split("\r\n")[0]).toBe("line,wallet,phone,phone_local,amount,note,owner_name,status,cashin_reference,transfer_reference,detail");
      const lines = parseCsv(body);
      expect(lines.map((l) => Number(l.line))).toEqual(file.rows.map((r) => r.line));
      for (const row of file.rows) {
        const out = lines.find((l) => Number(l.line) === row.line)!;
        const what = `export line ${row.line}`;
        expect(out.wallet, what).toBe(row.wallet);
        expect(out.phone, what).toBe(row.phone);
        expect(Number(out.amount), what).toBe(row.amount);
        expect(out.status, what).toBe(row.final);
        if (row.final === "Removed") {
          expect(out.transfer_reference, what).toBe("");
          expect(out.cashin_reference, what).toBe("");
          continue;
        }
        expect(out.owner_name, what).toBe(row.owner);
        expect(out.transfer_reference, what).toBe(references.get(row.line));
        // Cash In's own reference comes with its status answer: every succeeded row has one (fetched after
        // the send), and so do rows settled by a status call.
        if (row.final === "Succeeded" || ["628111000002", "628111000005", "628111000007"].includes(row.phone)) {
          expect(out.cashin_reference, what).toMatch(/^TF\d{10}$/);
        }
        if (row.final === "Failed") expect(out.detail, what).not.toBe("");
      }
      expect(lines.find((l) => Number(l.line) === dewi)!.detail).toBe("The merchant's Cash In balance is too low for this transfer.");
      expect(lines.find((l) => Number(l.line) === inactive)!.detail).toContain("This DANA wallet is inactive");
      expect(lines.find((l) => Number(l.line) === 13)!.note).toBe("Wrong number");
    });
  });
});


function ordinaryRows(count: number, firstPhone: number): string {
  const lines = ["wallet,phone,amount,note"];
  for (let i = 0; i < count; i++) lines.push(`${["DANA", "OVO", "GoPay", "ShopeePay"][i % 4]},0812${String(firstPhone + i).padStart(8, "0")},${10_000 + i * 1_000},row ${i + 1}`);
  return `${lines.join("\n")}\n`;
}

test.describe("Batch payouts: files refused as a whole, and progress kept across reloads", () => {
  test("a file of 10.001 rows is refused with the limit in words, and no batch is made", async ({ page, signInAs }) => {
    await signInAs("staff");
    const batch = new BatchPage(page);
    await batch.gotoUpload();
    const name = `too-many-${Date.now()}.csv`;
    await batch.submitFile(name, ordinaryRows(10_001, 10_000_000));
    await expect(batch.uploadForm.getByText("The file has 10,001 rows; a batch holds at most 10,000. Split it into smaller files.")).toBeVisible();
    await expect(batch.fileInput).toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL(/\/batches$/);
    await page.reload();
    await expect(page.getByText(name)).toHaveCount(0);
  });

  test("a file without the required columns is refused, naming what is missing and what was found", async ({ page, signInAs }) => {
    await signInAs("staff");
    const batch = new BatchPage(page);
    await batch.gotoUpload();
    await batch.submitFile("wrong-headers.csv", "ewallet;telephone;amount;note\nDANA;081234567890;50.000;x\n");
    await expect(
      batch.uploadForm.getByText(
        "The first line must name the columns wallet, phone and amount (note is optional). Missing: wallet, phone. Found: ewallet, telephone, amount, note.",
      ),
    ).toBeVisible();
    await expect(page).toHaveURL(/\/batches$/);
  });

  test("the check's progress is kept on the server: a reload mid-check shows it, and it goes on to the end", async ({ page, signInAs }) => {
    // Every look-up answers 300 ms late, so that 120 rows (8 at a time) take about 4.5 s to check. The mode is
    // the shared mock's, seen by the other worker's tests too: it is small (well under the client's 1 500 ms
    // timeout, so nothing times out that would not anyway), set only for those seconds, and put back.
    await signInAs("staff");
    const batch = new BatchPage(page);
    await batch.gotoUpload();
    await batch.fileInput.setInputFiles({ name: "slow-check.csv", mimeType: "text/csv", buffer: Buffer.from(ordinaryRows(120, 30_000_000)) });
    const previous = await mockMode();
    await setMockMode({ ...previous, latencyMs: 300 });
    try {
      await batch.uploadButton.click();
      await expect(page).toHaveURL(/\/batches\/\d+$/, { timeout: 15_000 });
      await expect(batch.status).toHaveText("Checking");
      const reloaded = await page.reload();
      // What the server rendered for the reload, before the page refreshes itself again.
      const html = (await reloaded!.text()).replace(/<!-- -->/g, "");
      const checked = /data-testid="progress-checked"[^>]*>(\d+) \/ 120</.exec(html);
      expect(checked, "the check's progress in the reloaded page").not.toBeNull();
      expect(Number(checked![1])).toBeLessThan(120);
      test.info().annotations.push({ type: "checked when reloaded", description: `${checked![1]} / 120` });
      await expect(batch.checkProgress).toBeVisible();
      await expect(batch.progress("checked")).toHaveText("120 / 120", { timeout: 30_000 });
      await expect(batch.progress("errors")).toHaveText("0");
      await expect(batch.status).toHaveText("Ready to submit");
    } finally {
      await setMockMode(previous);
    }
  });

  test("the template to start from is served", async ({ page, signInAs }) => {
    await signInAs("staff");
    await page.goto("/batches");
    const response = await page.request.get("/batches/template");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("text/csv");
    const text = (await response.body()).toString("utf8");
    expect(text.startsWith("\uFEFF")).toBe(true);
    expect(text.slice(1).split(/\r?\n/)[0]).toBe("wallet,phone,amount,note");
  });
});
