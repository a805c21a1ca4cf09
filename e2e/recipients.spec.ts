import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { deterministicOwner } from "../lib/cashin/mock/wallets";
import { formatPhone } from "../lib/phone-display";
import { demoUser, expect, test, toasts } from "./fixtures";
import { RecipientsPage } from "./pages/recipients-page";
import { invokeAction, serverActions } from "./support/actions";
import { withE2eDatabase } from "./support/database";
import { setLanguage } from "./support/language";
import { uniquePhone, uniqueWord } from "./support/seed";

/*
 * Saved recipients (issue 16, docs/recipients.md): saving looks the wallet up and shows the owner's name Cash In
 * gave; a new number is looked up again; archive; search and sort; the export imports back; bad input says what to fix.
 */

/** A recipient saved through the page's action, as the New recipient dialog saves one: its id. */
async function saved(page: Page, fields: { label: string; phone: string; wallet?: string; defaultAmount?: string; defaultMemo?: string }): Promise<number> {
  const reply = await invokeAction<{ recipientId: number }>(page.request, serverActions.saveRecipient, { wallet: "DANA", defaultAmount: "", defaultMemo: "", ...fields });
  if (!reply.result?.ok) throw new Error(`Saving ${fields.label}: ${JSON.stringify(reply)}`);
  return reply.result.data.recipientId;
}

test.describe("Recipients", () => {
  test("save one (the owner's name shown), edit its number (looked up again), search, sort and archive", async ({ page, signInAs }) => {
    await signInAs("staff");
    const recipients = new RecipientsPage(page);
    const word = uniqueWord("Payroll ");
    const [phone, newPhone] = [uniquePhone(), uniquePhone()];
    await recipients.goto();

    await recipients.saveNew({ label: `${word} A`, phone: formatPhone(phone), amount: "50.000", memo: "Gaji" });
    await expect(recipients.dialog.getByTestId("saved-owner-name")).toHaveText(deterministicOwner(phone));
    await expect(recipients.dialog.getByRole("region", { name: "Wallet owner" }).getByText(`Saved: DANA ${formatPhone(phone)} belongs to ${deterministicOwner(phone)}.`)).toBeVisible();
    const payNow = await recipients.dialog.getByRole("link", { name: "Pay now" }).getAttribute("href");
    expect(payNow).toMatch(/^\/transfers\/new\?recipient=\d+$/);
    await recipients.dialog.getByRole("button", { name: "Done" }).click();
    const row = recipients.row(`${word} A`);
    await expect(row).toContainText(deterministicOwner(phone));
    await expect(row).toContainText(`DANA · ${formatPhone(phone)}`);
    await expect(row).toContainText("Rp 50,000");
    await expect(row).toContainText("Memo: Gaji");
    await expect(row).toContainText("Never paid");
    await expect(row.getByRole("link", { name: `Pay ${word} A` })).toHaveAttribute("href", payNow!);

    // A new number: said before saving, looked up when saved, and its owner replaces the saved one.
    await row.getByRole("button", { name: `Edit ${word} A` }).click();
    await recipients.fill({ phone: newPhone });
    await expect(recipients.dialog.getByText("A new e-wallet or number: it is looked up again when you save.")).toBeVisible();
    await recipients.dialog.getByRole("button", { name: "Look up and save" }).click();
    await expect(toasts(page).getByText(`Saved: the number was looked up again and belongs to ${deterministicOwner(newPhone)}.`)).toBeVisible();
    await expect(row).toContainText(deterministicOwner(newPhone));
    await expect(row).toContainText(formatPhone(newPhone));

    // B was paid last: first by last paid, second by label.
    const second = await saved(page, { label: `${word} B`, phone: uniquePhone() });
    withE2eDatabase((db) => db.prepare("update recipients set last_paid_at = ? where id = ?").run(Date.now(), second));
    await recipients.searchFor(word);
    await expect.poll(() => recipients.labels()).toEqual([`${word} B`, `${word} A`]);
    await expect(recipients.row(`${word} B`)).not.toContainText("Never paid");
    await page.getByRole("group", { name: "Sort by" }).getByRole("link", { name: "Label" }).click();
    await expect(page).toHaveURL(/sort=label/);
    await expect.poll(() => recipients.labels()).toEqual([`${word} A`, `${word} B`]);

    await recipients.row(`${word} A`).getByRole("button", { name: `Archive ${word} A` }).click();
    await expect(recipients.dialog).toContainText("Transfers already made to it keep pointing to it.");
    await recipients.dialog.getByRole("button", { name: "Archive" }).click();
    await expect(toasts(page).getByText("Archived. Its transfers keep pointing to it.")).toBeVisible();
    await expect.poll(() => recipients.labels()).toEqual([`${word} B`]);
    await page.getByRole("group", { name: "Show" }).getByRole("link", { name: "Archived" }).click();
    await expect.poll(() => recipients.labels()).toEqual([`${word} A`]);
    await expect(recipients.rows.getByRole("button")).toHaveCount(0);
  });

  test("the CSV export (read in Indonesian) imports back once its recipients are archived", async ({ page, context, signInAs }) => {
    await signInAs("staff");
    const recipients = new RecipientsPage(page);
    const word = uniqueWord("Export ");
    const phones = [uniquePhone(), uniquePhone()];
    const ids = [await saved(page, { label: `${word} 1`, phone: phones[0]!, defaultAmount: "75000", defaultMemo: "Gaji, Juni" }), await saved(page, { label: `${word} 2`, phone: phones[1]!, wallet: "OVO" })];

    await setLanguage(context, "id");
    await recipients.goto();
    const downloadPromise = page.waitForEvent("download");
    await page.getByRole("link", { name: "Ekspor semua (CSV)" }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(/^recipients-\d{8}-\d{4}\.csv$/);
    const csv = (await readFile((await download.path())!, "utf8")).replace(/^\uFEFF/, "");
    const [header, ...lines] = csv.split("\r\n");
    expect(header).toBe("label,dompet,nomor_hp,nomor_hp_lokal,pemilik_akun,nominal_default,memo_default,terakhir_dibayar_wib,dibuat_oleh");
    const ours = lines.filter((line) => line.startsWith(word));
    const savedBy = demoUser("staff").name;
    expect(ours).toEqual([
      `${word} 1,DANA,${phones[0]},${formatPhone(phones[0]!)},${deterministicOwner(phones[0]!)},75000,"Gaji, Juni",,${savedBy}`,
      `${word} 2,OVO,${phones[1]},${formatPhone(phones[1]!)},${deterministicOwner(phones[1]!)},,,,${savedBy}`,
    ]);

    for (const recipientId of ids) expect((await invokeAction(page.request, serverActions.archiveRecipient, { recipientId })).result).toMatchObject({ ok: true });
    await setLanguage(context, "en");
    await recipients.goto();
    await recipients.importCsv("recipients.csv", [header, ...ours].join("\r\n"));
    await expect(toasts(page).getByText("Imported 2 recipients, each looked up.")).toBeVisible();
    await recipients.searchFor(word);
    await expect.poll(() => recipients.labels()).toEqual([`${word} 1`, `${word} 2`]);
    await expect(recipients.row(`${word} 1`)).toContainText(deterministicOwner(phones[0]!));
    await expect(recipients.row(`${word} 1`)).toContainText("Memo: Gaji, Juni");
  });

  test("bad input says what to fix: a label in use, a number Cash In does not know, a memo with a control character, a file with bad lines", async ({ page, signInAs }) => {
    await signInAs("staff");
    const recipients = new RecipientsPage(page);
    const label = uniqueWord("Taken ");
    await saved(page, { label, phone: uniquePhone() });
    await recipients.goto();

    await recipients.saveNew({ label: label.toUpperCase(), phone: uniquePhone() });
    await expect(recipients.dialog.getByText(`Another recipient is already labelled “${label}”: choose another label.`)).toBeVisible();
    await expect(recipients.dialog.getByLabel("Label")).toHaveAttribute("aria-invalid", "true");

    await recipients.fill({ label: uniqueWord("Nobody "), phone: "628111000003" });
    await recipients.dialog.getByRole("button", { name: "Look up and save" }).click();
    await expect(recipients.dialog.getByText(/No DANA wallet is registered to 628111000003/)).toBeVisible();
    await expect(recipients.dialog.getByLabel("Phone number")).toHaveAttribute("aria-invalid", "true");

    await recipients.fill({ phone: uniquePhone(), memo: "pay \u202Eevil" });
    await recipients.dialog.getByRole("button", { name: "Look up and save" }).click();
    await expect(recipients.dialog.getByText("A memo cannot contain line breaks, tabs, control characters or text-direction marks")).toBeVisible();
    await page.keyboard.press("Escape");

    await recipients.importCsv("bad.csv", `label,wallet,phone\n${label},DANA,${uniquePhone()}\nTwice,LinkAja,${uniquePhone()}\ntwice,OVO,628111000003\n`);
    await expect(recipients.dialog.getByRole("alert")).toContainText("Nothing was imported: 3 lines need fixing.");
    await expect(recipients.dialog.getByTestId("import-problems").getByRole("listitem")).toHaveText([
      `Line 2: Another recipient is already labelled “${label}”: choose another label.`,
      'Line 3: Unknown e-wallet "LinkAja": use DANA, OVO, GoPay or ShopeePay',
      "Line 4: the label “twice” is also on line 3",
    ]);
  });
});
