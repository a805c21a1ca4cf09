import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import englishMessages from "../messages/en.json";
import indonesianMessages from "../messages/id.json";
import { expect, test } from "./fixtures";
import { withE2eDatabase } from "./support/database";
import { setLanguage } from "./support/language";
import { seedTransfers, uniqueReference, uniqueWord } from "./support/seed";

/*
 * app/(app)/error.tsx (issue 15): a signed-in page that fails on the server shows the error card inside the app's
 * frame (the navigation still works), with the reference an admin finds in the server's log, in the reader's
 * language; once the fault is gone, "Try again" brings the page back.
 *
 * The fault is a real one, with no test code in the app: the look-up row behind one transfer holds a date
 * JavaScript cannot represent (a damaged row), so that transfer's page throws while it renders. Only that
 * transfer's page reads that row (lib/transfers/history.ts getTransferDetail; lists, exports and metrics never read
 * look-ups, and the hourly look-up limit counts only recent ones), so the other worker's tests never meet it.
 */

/** Outside the range of a JavaScript Date (±8.64e15 ms): drizzle reads it as an Invalid Date, and formatting it throws. */
const damagedDate = -9e15;

function damageLookUp(inquiryReference: string, createdAt: number): void {
  withE2eDatabase((db) => {
    const { changes } = db.prepare("update inquiries set created_at = ? where reference = ?").run(createdAt, inquiryReference);
    if (changes !== 1) throw new Error(`No look-up ${inquiryReference}`);
  });
}

async function seriousAxeViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id} (${v.nodes.length}×: ${v.nodes.slice(0, 3).map((node) => node.target.join(" ")).join(", ")})`);
}

test.describe("A signed-in page that fails on the server (app/(app)/error.tsx)", () => {
  test("shows the error card with a reference inside the frame, in the reader's language, and Try again brings the page back", async ({
    page,
    context,
    signInAs,
  }) => {
    const reference = uniqueReference();
    const inquiryReference = reference.replace(/^TRF/, "INQ");
    seedTransfers([{ reference, ownerName: uniqueWord("Rusak "), status: "succeeded" }]);
    const transferId = withE2eDatabase((db) => (db.prepare("select id from transfers where reference = ?").get(reference) as { id: number }).id);
    await signInAs("staff");

    damageLookUp(inquiryReference, damagedDate);
    try {
      // English first, as the suite reads the app.
      await page.goto(`/transfers/${transferId}`);
      const card = page.getByRole("alert").filter({ has: page.getByRole("heading", { name: englishMessages.errors.somethingWentWrong }) });
      await expect(card).toBeVisible();
      await expect(card).toContainText(englishMessages.errors.somethingWentWrongBody);
      await expect(page.getByRole("navigation", { name: englishMessages.shell.mainNavigation })).toBeVisible();
      await expect(page.getByTestId("error-reference")).toHaveText(/^Reference: \S+$/);
      const digest = (await page.getByTestId("error-reference").innerText()).replace(/^Reference: /, "");
      await expect(page.getByTestId("transfer-reference")).toHaveCount(0);

      // In Bahasa Indonesia when the language cookie says so: the same fault, the same reference.
      await setLanguage(context, "id");
      await page.reload();
      const id = indonesianMessages.errors;
      const kartu = page.getByRole("alert").filter({ has: page.getByRole("heading", { name: id.somethingWentWrong }) });
      await expect(kartu).toBeVisible();
      await expect(page.locator("html")).toHaveAttribute("lang", "id");
      await expect(kartu).toContainText(id.somethingWentWrongBody);
      await expect(page.getByRole("navigation", { name: indonesianMessages.shell.mainNavigation })).toBeVisible();
      await expect(page.getByTestId("error-reference")).toHaveText(id.reference.replace("{reference}", digest));
      await expect(kartu.getByRole("link", { name: id.goToOverview })).toHaveAttribute("href", "/");
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      damageLookUp(inquiryReference, Date.now());
    }

    // The fault is gone: "Coba lagi" renders the page again, without leaving it.
    await page.getByRole("button", { name: indonesianMessages.errors.tryAgain }).click();
    await expect(page.getByTestId("transfer-reference")).toHaveText(reference);
    await expect(page.getByRole("alert").filter({ hasText: indonesianMessages.errors.somethingWentWrong })).toHaveCount(0);
    await expect(page).toHaveURL(new RegExp(`/transfers/${transferId}$`));
  });
});
