import { randomInt } from "node:crypto";
import type { Browser, BrowserContext, Locator, Page } from "@playwright/test";
import { rejected } from "../lib/cashin/codes";
import { deterministicOwner } from "../lib/cashin/mock/wallets";
import indonesianMessages from "../messages/id.json";
import { formatPhone } from "../lib/phone-display";
import { translatorIn } from "../lib/i18n/translate";
import { demoUser, expect, test } from "./fixtures";
import { BatchPage } from "./pages/batch-page";
import { LoginPage } from "./pages/login-page";
import { updateTransfer, withE2eDatabase } from "./support/database";
import { gatewayRequests } from "./support/gateway";
import { languageState, setLanguage } from "./support/language";
import { seedTransfers, uniqueReference, uniqueWord } from "./support/seed";

/*
 * The send and approval flows in Bahasa Indonesia (issue 15), and a manager approving from a phone. The English
 * flows are transfers.spec.ts and money-safety.spec.ts. Only the screens of sending, history and approvals are read
 * in Indonesian here: each person signs in with the English sign-in pages, then switches the language cookie.
 */

type Language = "id" | "en";

/** A mobile number of its own (`62812…`, 13 digits) for each transfer: near-duplicate checks compare wallet, number and amount. */
function uniqueMobile(): string {
  for (;;) {
    const phone = `62812${String(randomInt(0, 100_000_000)).padStart(8, "0")}`;
    // 6281234567890 is the README's John; every other number gets a name derived from it (docs/mock-gateway.md).
    if (phone !== "6281234567890") return phone;
  }
}

/** Above the approval threshold (at most Rp 6.000.000 while admin-limits.spec raises it), an amount of its own. */
const amountNeedingApproval = () => 7_500_000 + randomInt(1, 400_000);

const status = (page: Page) => page.getByTestId("transfer-status");

/** The page's document: no sideways scrolling at this width. */
async function expectNoSidewaysScroll(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `page is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
}

/** Presses Tab until `target` has the focus (at most `max` times), as a keyboard user moves through a dialog. */
async function tabTo(page: Page, target: Locator, max = 8) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused();
}

/** Staff in this test's browser: signed in through the sign-in pages in English, then reading the app in `language`. */
async function signInStaff(context: BrowserContext, signInAs: (who: "staff") => Promise<Page>, language: Language) {
  await setLanguage(context, "en");
  const page = await signInAs("staff");
  await setLanguage(context, language);
  return page;
}

/**
 * A manager in a browser of their own (their own cookies and address), with the code from their phone. Signed in
 * at desktop width (the sign-in helper waits for the sidebar), then shown at `viewport`.
 */
async function signInManager(browser: Browser, index: number, language: Language, viewport?: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({
    storageState: languageState("en"),
    viewport: { width: 1280, height: 800 },
    extraHTTPHeaders: { "X-Forwarded-For": `198.19.${randomInt(0, 250)}.${randomInt(1, 250)}` },
  });
  const page = await context.newPage();
  const login = new LoginPage(page);
  await login.goto();
  await login.signInFully(demoUser("manager", index));
  await setLanguage(context, language);
  if (viewport) await page.setViewportSize(viewport);
  return page;
}

/** The Indonesian new-transfer form, kept to its words: the English page object reads English labels. */
async function submitInIndonesian(page: Page, phone: string, amount: number, button: "Kirim" | "Ajukan persetujuan") {
  await page.goto("/transfers/new");
  await page.getByText("OVO", { exact: true }).click();
  await page.getByLabel("Nomor HP").fill(`0${phone.slice(2)}`);
  await page.getByLabel("Nominal (Rp)").fill(String(amount));
  await page.getByRole("button", { name: "Cari" }).click();
  await expect(page.getByTestId("owner-name")).toHaveText(deterministicOwner(phone));
  await page.getByRole("button", { name: "Tinjau transfer" }).click();
  await page.getByRole("dialog", { name: "Tinjau transfer" }).getByRole("button", { name: button }).click();
  await expect(page).toHaveURL(/\/transfers\/\d+$/);
  return (await page.getByTestId("transfer-reference").innerText()).trim();
}

test.describe("Bahasa Indonesia: sending and approving (issue 15)", () => {
  test.use({ storageState: languageState("id") });

  test("staff send Rp 15.000 with the keyboard alone, in Indonesian words and formats, and it succeeds", async ({ page, context, signInAs }) => {
    await signInStaff(context, signInAs, "id");
    const phone = uniqueMobile();
    const owner = deterministicOwner(phone);
    const shownPhone = formatPhone(phone);
    expect(shownPhone).toMatch(/^0812-\d{4}-\d{4}$/);

    await page.goto("/transfers/new");
    await expect(page.locator("html")).toHaveAttribute("lang", "id");
    await expect(page.getByRole("heading", { level: 1, name: "Transfer baru" })).toBeVisible();
    await expect(page.getByRole("group", { name: "Dompet digital" })).toBeVisible();

    // Keyboard only: the wallet with the arrow keys, the number and amount typed, Enter looks the wallet up.
    await page.getByRole("radio", { name: "DANA" }).focus();
    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("radio", { name: "OVO" })).toBeChecked();
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Nomor HP")).toBeFocused();
    await page.keyboard.type(`0${phone.slice(2, 5)} ${phone.slice(5, 9)} ${phone.slice(9)}`);
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Nominal (Rp)")).toBeFocused();
    await page.keyboard.type("15000");
    await expect(page.getByText("Rp 15.000, rupiah tanpa sen")).toBeVisible();
    await page.keyboard.press("Enter");

    // The owner's name takes the focus and is announced.
    const ownerName = page.getByTestId("owner-name");
    await expect(ownerName).toHaveText(owner);
    await expect(ownerName).toBeFocused();
    await expect(page.locator('[aria-live="polite"]').filter({ hasText: `Pemilik akun: ${owner}` })).toHaveCount(1);
    await expect(page.getByRole("heading", { name: "Pemilik akun" })).toBeVisible();
    await expect(page.getByRole("main")).toContainText(`OVO · ${shownPhone}`);

    await page.keyboard.press("Tab");
    const review = page.getByRole("button", { name: "Tinjau transfer" });
    await expect(review).toBeFocused();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Tinjau transfer" });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("Rp 15.000");
    await expect(dialog).toContainText(shownPhone);
    await expect(dialog).toContainText(owner);
    await expect(dialog).toContainText("Tidak diperlukan: langsung dikirim");
    const send = dialog.getByRole("button", { name: "Kirim", exact: true });
    await tabTo(page, send);
    await page.keyboard.press("Enter");

    await expect(page).toHaveURL(/\/transfers\/\d+$/);
    await expect(status(page)).toHaveText("Berhasil");
    const reference = (await page.getByTestId("transfer-reference").innerText()).trim();
    await expect(page.getByRole("heading", { level: 1, name: `Transfer ${reference}` })).toBeVisible();
    const details = page.getByRole("region", { name: "Transfer", exact: true });
    await expect(details).toContainText("Nominal");
    await expect(details).toContainText("Rp 15.000");
    await expect(details).toContainText(shownPhone);
    await expect(page.getByRole("heading", { name: "Linimasa" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "id");
    expect(await gatewayRequests("topup", reference)).toHaveLength(1);

    // History, in Indonesian: the transfer with its amount and number as people write them, dates typed as hh/bb/tttt.
    await page.goto(`/transfers?q=${reference}`);
    await expect(page.getByRole("heading", { level: 1, name: "Riwayat" })).toBeVisible();
    // Within <main>: a streamed page's rows are also in React's hidden staging <div> until they are swapped in.
    const row = page.getByRole("main").getByTestId(`transfer-row-${reference}`);
    await expect(row).toContainText("Rp 15.000");
    await expect(row).toContainText(shownPhone);
    await expect(row).toContainText("Berhasil");
    // Dates are typed day first in both languages; a day that does not exist is refused in words, the URL keeps yyyy-mm-dd.
    const from = page.getByLabel("Dari tanggal (WIB)");
    await expect(from).toHaveAttribute("placeholder", "hh/bb/tttt");
    const before = page.url();
    await from.fill("31/02/2026");
    await page.getByRole("button", { name: "Terapkan" }).click();
    await expect(page.getByText("Masukkan tanggal dengan format hh/bb/tttt, misalnya 31/01/2025")).toBeVisible();
    await expect(from).toHaveAttribute("aria-invalid", "true");
    expect(page.url()).toBe(before);
    await from.fill("01/01/2024");
    await page.getByRole("button", { name: "Terapkan" }).click();
    await expect(page).toHaveURL(/from=2024-01-01/);
    await expect(page.getByLabel("Dari tanggal (WIB)")).toHaveValue("01/01/2024");
    await expect(page.getByRole("main").getByTestId(`transfer-row-${reference}`)).toBeVisible();
  });

  test("a transfer above the threshold waits; a manager approves it in Indonesian and it is sent", async ({ page, context, signInAs, browser }) => {
    test.setTimeout(90_000);
    await signInStaff(context, signInAs, "id");
    const phone = uniqueMobile();
    const owner = deterministicOwner(phone);
    const amount = amountNeedingApproval();
    const shownAmount = `Rp ${new Intl.NumberFormat("id-ID").format(amount)}`;
    const reference = await submitInIndonesian(page, phone, amount, "Ajukan persetujuan");
    await expect(status(page)).toHaveText("Menunggu persetujuan");
    expect(await gatewayRequests("topup", reference)).toHaveLength(0);

    const manager = await signInManager(browser, 1, "id");
    await manager.goto("/approvals");
    await expect(manager.locator("html")).toHaveAttribute("lang", "id");
    await expect(manager.getByRole("heading", { level: 1, name: "Persetujuan" })).toBeVisible();
    const row = manager.getByTestId(`approval-${reference}`);
    await expect(row).toContainText(owner);
    await expect(row).toContainText(shownAmount);
    await expect(row).toContainText(formatPhone(phone));
    await expect(row).toContainText("Sari Wulandari");

    // With the keyboard: Enter on the row's Setujui, then to the dialog's own button.
    const approve = row.getByRole("button", { name: `Setujui ${reference}` });
    await approve.focus();
    await manager.keyboard.press("Enter");
    const dialog = manager.getByRole("dialog", { name: `Setujui ${shownAmount} ke ${owner}?` });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("Cek nama");
    const send = dialog.getByRole("button", { name: "Setujui dan kirim" });
    await tabTo(manager, send);
    await manager.keyboard.press("Enter");
    await expect(row).toHaveCount(0);

    await page.reload();
    await expect(status(page)).toHaveText("Berhasil");
    await expect(page.getByRole("region", { name: "Pemrosesan" })).toContainText("Disetujui oleh Citra Maharani");
    expect(await gatewayRequests("topup", reference)).toHaveLength(1);
    await manager.context().close();
  });
});

test.describe("A manager approves from a phone (390 × 844, issue 15)", () => {
  test("the queue and the approval dialog fit the screen, Approve is within reach, and the transfer is sent", async ({ page, context, signInAs, browser }) => {
    test.setTimeout(90_000);
    await signInStaff(context, signInAs, "en");
    const phone = uniqueMobile();
    const owner = deterministicOwner(phone);
    const amount = amountNeedingApproval();
    const shownAmount = `Rp ${new Intl.NumberFormat("en-GB").format(amount)}`;
    await page.goto("/transfers/new");
    await page.getByText("OVO", { exact: true }).click();
    await page.getByLabel("Phone number").fill(phone);
    await page.getByLabel("Amount (Rp)").fill(String(amount));
    await page.getByRole("button", { name: "Look up" }).click();
    await expect(page.getByTestId("owner-name")).toHaveText(owner);
    await page.getByRole("button", { name: "Review transfer" }).click();
    await page.getByRole("dialog", { name: "Review transfer" }).getByRole("button", { name: "Submit for approval" }).click();
    await expect(page).toHaveURL(/\/transfers\/\d+$/);
    const reference = (await page.getByTestId("transfer-reference").innerText()).trim();
    await expect(status(page)).toHaveText("Awaiting approval");

    const manager = await signInManager(browser, 0, "en", { width: 390, height: 844 });
    await manager.goto("/approvals");
    await expectNoSidewaysScroll(manager);
    const row = manager.getByTestId(`approval-${reference}`);
    await row.scrollIntoViewIfNeeded();
    await expect(row).toContainText(owner);
    // The amount and both decisions are on the screen, not cut off to the right.
    await expect(row.getByText(shownAmount)).toBeInViewport({ ratio: 1 });
    const approve = row.getByRole("button", { name: `Approve ${reference}` });
    await expect(approve).toBeVisible();
    await expect(approve).toBeInViewport({ ratio: 1 });
    await expect(row.getByRole("button", { name: `Reject ${reference}` })).toBeInViewport({ ratio: 1 });
    await expectNoSidewaysScroll(manager);

    await approve.click();
    const dialog = manager.getByRole("dialog", { name: /^Approve Rp/ });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(shownAmount);
    const send = dialog.getByRole("button", { name: "Approve and send" });
    await send.scrollIntoViewIfNeeded();
    await expect(send).toBeInViewport({ ratio: 1 });
    await expectNoSidewaysScroll(manager);
    await send.click();
    await expect(row).toHaveCount(0);

    await page.reload();
    await expect(status(page)).toHaveText("Succeeded");
    expect(await gatewayRequests("topup", reference)).toHaveLength(1);
    await manager.context().close();
  });
});

test.describe("What the server stored in English reads in Bahasa Indonesia", () => {
  test("a failed transfer's reason and Cash In's last answer, on its page", async ({ page, context, signInAs }) => {
    const reference = uniqueReference();
    seedTransfers([{ reference, ownerName: uniqueWord("Stored "), status: "failed" }]);
    // As the send path stores a refusal of Cash In (lib/transfers/send.ts): the English description of 4033818.
    const stored = rejected("inactive_account", "4033818", "Inactive Account").message;
    updateTransfer(reference, { reason: stored, last_code: "4033818", last_message: stored });
    const id = withE2eDatabase((db) => (db.prepare("select id from transfers where reference = ?").get(reference) as { id: number }).id);
    await signInAs("staff");
    await setLanguage(context, "id");
    await page.goto(`/transfers/${id}`);
    const indonesian = indonesianMessages.server.cashin.rejected.inactive_account;
    await expect(page.getByText(indonesian).first()).toBeVisible();
    await expect(page.getByText(stored)).toHaveCount(0);
    await setLanguage(context, "en");
    await page.reload();
    await expect(page.getByText(stored).first()).toBeVisible();
  });

  test("texts with details in them: amounts, Cash In's answer inside our sentence, a batch row's problems", async ({ page, context, signInAs }) => {
    const english = translatorIn("en");
    const reference = uniqueReference();
    seedTransfers([{ reference, ownerName: uniqueWord("Details "), status: "failed" }]);
    // As the reconciler stores them (lib/transfers/settle.ts): Cash In's words are Cash In's; ours are translated.
    const lastMessage = english("server.transfers.stored.noFinalAnswer", { message: rejected("insufficient_funds", "4033814", "Insufficient Fund").message });
    updateTransfer(reference, { reason: english("server.transfers.stored.reportsFailed", { description: "Insufficient Fund" }), last_message: lastMessage });
    const id = withE2eDatabase((db) => (db.prepare("select id from transfers where reference = ?").get(reference) as { id: number }).id);
    await signInAs("staff");

    // A batch with a row naming an unknown wallet and one over the per-transfer maximum, uploaded in English.
    const batch = new BatchPage(page);
    await batch.gotoUpload();
    await batch.upload("details.csv", "wallet,phone,amount\nLinkAja,081234567890,50000\nDANA,081234567891,900000000\n");
    await expect(batch.row(2)).toContainText('Unknown e-wallet "LinkAja"');
    const batchUrl = page.url();

    await setLanguage(context, "id");
    await page.goto(`/transfers/${id}`);
    await expect(page.getByText("Cash In melaporkan transfer gagal: Insufficient Fund")).toBeVisible();
    await expect(page.getByText("Tidak ada jawaban akhir dari Cash In setelah 3 hari pengecekan (terakhir: Saldo Cash In merchant tidak cukup untuk transfer ini.).")).toBeVisible();
    await expect(page.getByText(lastMessage)).toHaveCount(0);

    await page.goto(batchUrl);
    await expect(batch.row(2)).toContainText('E-wallet "LinkAja" tidak dikenal: gunakan DANA, OVO, GoPay atau ShopeePay.');
    // The maximum as the admin set it, written the Indonesian way (Rp 25.000.000 by default).
    await expect(batch.row(3)).toContainText(/Batas per transfer Rp \d{1,3}(\.\d{3})+: pecah pembayaran ini/);
    await expect(batch.row(3)).not.toContainText("The maximum per transfer");
  });
});
