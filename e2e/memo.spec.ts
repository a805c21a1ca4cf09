import { readFile } from "node:fs/promises";
import { randomInt } from "node:crypto";
import { deterministicOwner } from "../lib/cashin/mock/wallets";
import { expect, test } from "./fixtures";
import { BatchPage } from "./pages/batch-page";
import { HistoryPage } from "./pages/history-page";
import { NewTransferPage } from "./pages/new-transfer-page";
import { uniquePhone, uniqueWord } from "./support/seed";

/*
 * A memo says what a payment is for (issue 16): typed on New transfer or carried from a batch row's note, it is
 * shown on the transfer's page and in the history, found by the history's search, and exported.
 */

/** Under the approval threshold, an amount of its own. */
const smallAmount = () => 10_000 + randomInt(1, 40_000);

test.describe("Memo", () => {
  test("typed on New transfer: reviewed, then shown on the transfer, found in the history and exported", async ({ page, signInAs }) => {
    await signInAs("staff");
    const memo = `Invoice ${uniqueWord("INV-")}`;
    const phone = uniquePhone();
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();

    // A memo that cannot be kept is refused on the form, before anything is looked up.
    await page.getByLabel("Memo (optional)").fill("pay \u202Eevil");
    await newTransfer.lookUpWallet("DANA", phone, String(smallAmount()));
    await expect(page.getByText("A memo cannot contain line breaks, tabs, control characters or text-direction marks")).toBeVisible();
    await expect(newTransfer.ownerName).toHaveCount(0);

    await page.getByLabel("Memo (optional)").fill(memo);
    await newTransfer.lookUp.click();
    await expect(newTransfer.ownerName).toHaveText(deterministicOwner(phone));
    await newTransfer.review.click();
    await expect(newTransfer.dialog.getByTestId("review-memo")).toHaveText(memo);
    await newTransfer.dialog.getByRole("button", { name: "Send" }).click();
    await expect(page).toHaveURL(/\/transfers\/\d+$/);
    const reference = (await page.getByTestId("transfer-reference").innerText()).trim();
    await expect(page.getByRole("region", { name: "Transfer" }).getByText(memo)).toBeVisible();

    const history = new HistoryPage(page);
    await history.goto();
    await history.searchFor(memo.slice(-8).toLowerCase());
    await expect.poll(() => history.references()).toEqual([reference]);
    await expect(history.rows.first()).toContainText(`Memo: ${memo}`);

    const download = await history.exportCsv();
    const csv = await readFile((await download.path())!, "utf8");
    const [header, row] = csv.replace(/^\uFEFF/, "").split("\r\n");
    const columns = header!.split(",");
    expect(row!.split(",")[columns.indexOf("Memo")]).toBe(memo);
    expect(row!.split(",")[columns.indexOf("Reference")]).toBe(reference);
  });

  test("a batch row's note becomes its transfer's memo", async ({ page, signInAs }) => {
    await signInAs("staff");
    const note = uniqueWord("Gaji ");
    const batch = new BatchPage(page);
    await batch.gotoUpload();
    const phone = uniquePhone();
    await batch.upload("memo.csv", `wallet,phone,amount,note\nDANA,${phone},${smallAmount()},${note}\n`);
    await expect(batch.status).toHaveText("Ready to submit", { timeout: 20_000 });
    const dialog = await batch.openSubmit();
    await dialog.getByRole("button", { name: "Submit and send" }).click();
    await expect(batch.status).toHaveText(/Sending|Sent/);

    const history = new HistoryPage(page);
    await history.goto();
    await history.searchFor(note);
    await expect(history.rows).toHaveCount(1);
    await expect(history.rows.first()).toContainText(`Memo: ${note}`);
    await expect(history.rows.first()).toContainText(deterministicOwner(phone));
  });
});
