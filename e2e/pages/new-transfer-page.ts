import { expect, type Locator, type Page } from "@playwright/test";

export class NewTransferPage {
  readonly phone: Locator;
  readonly amount: Locator;
  readonly lookUp: Locator;
  readonly ownerName: Locator;
  readonly review: Locator;
  readonly dialog: Locator;

  constructor(readonly page: Page) {
    this.phone = page.getByLabel("Phone number");
    this.amount = page.getByLabel("Amount (Rp)");
    this.lookUp = page.getByRole("button", { name: "Look up" });
    this.ownerName = page.getByTestId("owner-name");
    this.review = page.getByRole("button", { name: "Review transfer" });
    this.dialog = page.getByRole("dialog", { name: "Review transfer" });
  }

  async goto() {
    await this.page.goto("/transfers/new");
  }

  async lookUpWallet(wallet: "DANA" | "OVO" | "GoPay" | "ShopeePay", phone: string, amount: string) {
    await this.page.getByText(wallet, { exact: true }).click();
    await this.phone.fill(phone);
    await this.amount.fill(amount);
    await this.lookUp.click();
  }

  /** Looks the wallet up, checks the owner, confirms; returns the transfer's reference from its detail page. */
  async send(wallet: "DANA" | "OVO" | "GoPay" | "ShopeePay", phone: string, amount: string, expectedOwner: string, confirm = "Send") {
    await this.lookUpWallet(wallet, phone, amount);
    await expect(this.ownerName).toHaveText(expectedOwner);
    await this.review.click();
    await this.dialog.getByRole("button", { name: confirm }).click();
    await expect(this.page).toHaveURL(/\/transfers\/\d+$/);
    return (await this.page.getByTestId("transfer-reference").innerText()).trim();
  }
}
