import { expect, type Page } from "@playwright/test";

/**
 * Approving a single transfer from the queue: the row's Approve opens the approval dialog (recipient, amount,
 * name check, and the code field when the last code is older than 5 minutes); its own button sends.
 */
export async function openApproval(page: Page, reference: string) {
  await page.getByRole("button", { name: `Approve ${reference}` }).click();
  const dialog = page.getByRole("dialog", { name: /^Approve Rp/ });
  await expect(dialog).toBeVisible();
  return dialog;
}

export async function approveFromQueue(page: Page, reference: string) {
  const dialog = await openApproval(page, reference);
  await dialog.getByRole("button", { name: "Approve and send" }).click();
  return dialog;
}
