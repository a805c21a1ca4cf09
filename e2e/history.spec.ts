import { readFile } from "node:fs/promises";
import { expect, test } from "./fixtures";
import { formatPhone } from "../lib/phone-display";
import { HistoryPage } from "./pages/history-page";
import { withE2eDatabase } from "./support/database";
import { seedTransfers, uniquePhone, uniqueReference, uniqueWord, type SeedTransfer } from "./support/seed";

/** WIB wall-clock time → the instant. */
const wib = (iso: string) => new Date(`${iso}+07:00`);

/** Transfers whose owners share a family name no other test uses, so a search for it finds only them. */
function family(prefix: string) {
  const name = uniqueWord(prefix);
  return {
    name,
    transfer: (seed: Omit<SeedTransfer, "reference" | "ownerName"> & { firstName: string }): SeedTransfer => {
      const { firstName, ...rest } = seed;
      return { reference: uniqueReference(), ownerName: `${firstName} ${name}`, ...rest };
    },
  };
}

test.describe("History: filters, search and the URL (issue 4 flow 5)", () => {
  test("status and wallet filters narrow a search, and reloading or sharing the URL reproduces the view", async ({ page, context, signInAs }) => {
    const owners = family("Histori");
    const paid = owners.transfer({ firstName: "Siti", status: "succeeded", wallet: "DANA", amount: 50_000 });
    const failed = owners.transfer({ firstName: "Budi", status: "failed", wallet: "OVO", amount: 75_000 });
    const pending = owners.transfer({ firstName: "Joko", status: "processing", wallet: "GOPAY", amount: 1_000_000 });
    const waiting = owners.transfer({ firstName: "Dewi", status: "awaiting_approval", wallet: "OVO", amount: 7_500_000 });
    seedTransfers([paid, failed, pending, waiting]);

    await signInAs("staff");
    const history = new HistoryPage(page);
    await history.goto();
    await history.searchFor(owners.name.toUpperCase());
    await expect(history.rows).toHaveCount(4);
    await expect(history.summary).toHaveText("Showing 1–4 of 4");

    // Only a transfer whose outcome Cash In has not settled can be refreshed.
    await expect(history.row(pending.reference).getByRole("button", { name: `Refresh status of ${pending.reference}` })).toBeVisible();
    await expect(history.row(failed.reference).getByRole("button")).toHaveCount(0);
    await expect(history.row(paid.reference).getByRole("button")).toHaveCount(0);

    await history.chooseStatuses("Processing", "Failed", "Awaiting approval");
    await expect(history.rows).toHaveCount(3);
    await expect(history.statusPicker).toHaveText("Awaiting approval, Processing +1");
    await history.chooseWallet("OVO");
    await expect(history.rows).toHaveCount(2);
    expect(new Set(await history.references())).toEqual(new Set([failed.reference, waiting.reference]));

    const url = new URL(page.url());
    expect(url.searchParams.get("q")).toBe(owners.name.toUpperCase());
    expect(url.searchParams.getAll("status").sort()).toEqual(["awaiting_approval", "failed", "processing"]);
    expect(url.searchParams.get("wallet")).toBe("OVO");

    await page.reload();
    await expect(history.rows).toHaveCount(2);
    await expect(history.search).toHaveValue(owners.name.toUpperCase());
    await expect(history.wallet).toHaveValue("OVO");
    await expect(history.statusPicker).toHaveText("Awaiting approval, Processing +1");

    const shared = new HistoryPage(await context.newPage());
    await shared.page.goto(page.url());
    expect(new Set(await shared.references())).toEqual(new Set([failed.reference, waiting.reference]));

    await page.getByRole("link", { name: "Clear" }).click();
    await expect(page).toHaveURL(/\/transfers$/);
    await expect(history.search).toHaveValue("");
  });

  test("the search box finds a reference, and a phone number typed as 08… or +62…", async ({ page, signInAs }) => {
    const owners = family("Cari");
    const phone = uniquePhone();
    const wanted = owners.transfer({ firstName: "Rina", phone });
    const other = owners.transfer({ firstName: "Agus" });
    seedTransfers([wanted, other]);

    await signInAs("staff");
    const history = new HistoryPage(page);
    await history.goto();
    await history.searchFor(wanted.reference.toLowerCase());
    await expect(history.rows).toHaveCount(1);
    await expect(history.row(wanted.reference)).toBeVisible();

    await history.searchFor(wanted.reference.slice(0, 16));
    await expect(history.rows).toHaveCount(1);

    const local = `0${phone.slice(2)}`;
    await history.searchFor(`${local.slice(0, 4)}-${local.slice(4, 8)}-${local.slice(8)}`);
    await expect(history.rows).toHaveCount(1);
    await expect(history.row(wanted.reference)).toContainText(formatPhone(phone));

    await history.searchFor(`+62 ${phone.slice(2)}`);
    await expect(history.rows).toHaveCount(1);
    await expect(history.row(wanted.reference)).toBeVisible();
  });

  test("amount and Jakarta date ranges, sorting by amount and paging", async ({ page, signInAs }) => {
    const owners = family("Jumlah");
    const many = Array.from({ length: 30 }, (_, i) =>
      owners.transfer({ firstName: "Eka", amount: (i + 1) * 10_000, createdAt: new Date(wib("2024-01-10T09:00:00").getTime() + i * 60_000) }),
    );
    // 23:30 WIB on 15 January is still the 15th in Jakarta (though the 15th's 16:30 in UTC).
    const lateOnThe15th = owners.transfer({ firstName: "Larut", amount: 900_000, createdAt: wib("2024-01-15T23:30:00") });
    const earlyOnThe16th = owners.transfer({ firstName: "Pagi", amount: 900_000, createdAt: wib("2024-01-16T00:30:00") });
    seedTransfers([...many, lateOnThe15th, earlyOnThe16th]);

    await signInAs("staff");
    const history = new HistoryPage(page);
    await history.goto();
    await history.searchFor(owners.name);
    await expect(history.rows).toHaveCount(25);
    await expect(history.summary).toHaveText("Showing 1–25 of 25+");
    await page.getByRole("link", { name: "Next" }).click();
    await expect(history.rows).toHaveCount(7);
    await expect(history.summary).toHaveText("Showing 26–32 of 32");
    await expect(page).toHaveURL(/page=2/);

    await history.applyAmountRange("50.000", "100000");
    await expect(page).not.toHaveURL(/page=/);
    await expect(history.rows).toHaveCount(6);
    await history.sortBy("Amount");
    await expect(history.rows.first()).toContainText("Rp 100,000");
    await history.sortBy("Amount");
    await expect(page).toHaveURL(/sort=amount&dir=asc/);
    await expect(history.rows.first()).toContainText("Rp 50,000");
    await expect(history.rows.last()).toContainText("Rp 100,000");

    await history.minAmount.fill("");
    await history.maxAmount.fill("");
    await history.applyDateRange("2024-01-15", "2024-01-15");
    await expect(history.rows).toHaveCount(1);
    await expect(history.row(lateOnThe15th.reference)).toBeVisible();
    await expect(page).toHaveURL(/sort=amount&dir=asc/);
  });
});

test.describe("CSV export of the filtered set (issue 4 flow 5)", () => {
  test("downloads what the filters show, with a header row, Jakarta times, whole-rupiah amounts and defused formulas, and audits it", async ({ page, signInAs }) => {
    const owners = family("Ekspor");
    const quoted = owners.transfer({
      firstName: "Budi,",
      status: "failed",
      amount: 1_250_000,
      wallet: "SHOPEEPAY",
      phone: uniquePhone(),
      createdAt: wib("2024-03-31T23:30:05"),
    });
    const formula = owners.transfer({ firstName: "=SUM(1+1)", status: "failed", amount: 20_000 });
    const filteredOut = owners.transfer({ firstName: "Siti", status: "succeeded" });
    seedTransfers([quoted, formula, filteredOut]);

    await signInAs("staff");
    const history = new HistoryPage(page);
    await history.goto(`?q=${owners.name}&status=failed`);
    await expect(history.rows).toHaveCount(2);
    const download = await history.exportCsv();
    expect(download.suggestedFilename()).toMatch(/^transfers-\d{8}-\d{4}\.csv$/);
    const csv = (await readFile(await download.path(), "utf8")).replace(/^\uFEFF/, "");
    const [header, ...rows] = csv.trimEnd().split("\r\n");
    expect(header).toBe(
      "Reference,Created (WIB),Wallet,Phone,Phone (local format),Owner name,Amount (IDR),Memo,Status,Maker,Approver,Decided (WIB),Reason,Cash In reference,Last code,Last message,Sent (WIB),Settled (WIB),Discrepancy",
    );
    expect(rows).toHaveLength(2);
    const row = (reference: string) => rows.find((line) => line.startsWith(`${reference},`)) ?? "";
    expect(row(quoted.reference)).toContain(`,2024-03-31 23:30:05,ShopeePay,${quoted.phone},${formatPhone(quoted.phone!)},"Budi, ${owners.name}",1250000,,Failed,Sari Wulandari,`);
    expect(row(formula.reference)).toContain(`,'=SUM(1+1) ${owners.name},20000,,Failed,`);
    expect(csv).not.toContain(filteredOut.reference);

    const audited = withE2eDatabase((db) =>
      db.prepare("select actor_email as actor, after from audit_entries where action = 'transfer.export' order by id desc limit 20").all(),
    ) as { actor: string; after: string }[];
    expect(audited.map((entry) => ({ actor: entry.actor, filters: JSON.parse(entry.after).filters }))).toContainEqual({
      actor: "staff@demo.test",
      filters: { status: ["failed"], q: owners.name, sort: "created", dir: "desc" },
    });
  });

  test("an anonymous request gets no CSV", async ({ page }) => {
    const response = await page.request.get("/transfers/export", { maxRedirects: 0 });
    expect(response.status()).toBe(401);
    expect(response.headers()["content-type"]).not.toContain("text/csv");
  });
});
