import { expect, type Download, type Locator, type Page } from "@playwright/test";

export type RecipientFields = { label: string; wallet?: "DANA" | "OVO" | "GoPay" | "ShopeePay"; phone: string; amount?: string; memo?: string };

/** Recipients (`/recipients`) at desktop width: the table, its dialogs and the search. */
export class RecipientsPage {
  readonly search: Locator;
  readonly rows: Locator;
  readonly dialog: Locator;

  constructor(readonly page: Page) {
    this.search = page.getByRole("search", { name: "Search recipients" }).getByRole("searchbox", { name: "Search" });
    // Within <main>: while the page streams in, React keeps the rows in a hidden element at the end of <body> too.
    this.rows = page.getByRole("main").locator('tbody tr[data-testid^="recipient-row-"]');
    this.dialog = page.getByRole("dialog");
  }

  async goto(query = "") {
    await this.page.goto(`/recipients${query}`);
  }

  row(label: string): Locator {
    return this.rows.filter({ has: this.page.getByText(label, { exact: true }) });
  }

  /** The labels in the table, top to bottom. */
  async labels(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((row) => row.querySelector("td p")?.textContent ?? ""));
  }

  async searchFor(q: string) {
    await this.search.fill(q);
    await this.search.press("Enter");
    await expect(this.page).toHaveURL(new RegExp(`q=${encodeURIComponent(q).replace(/%20/g, "\\+")}`));
  }

  /** Fills New recipient's or Edit's fields: only those given. */
  async fill({ label, wallet, phone, amount, memo }: Partial<RecipientFields>) {
    if (label !== undefined) await this.dialog.getByLabel("Label").fill(label);
    if (wallet !== undefined) await this.dialog.getByLabel("E-wallet").selectOption({ label: wallet });
    if (phone !== undefined) await this.dialog.getByLabel("Phone number").fill(phone);
    if (amount !== undefined) await this.dialog.getByLabel("Default amount (Rp, optional)").fill(amount);
    if (memo !== undefined) await this.dialog.getByLabel("Default memo (optional)").fill(memo);
  }

  /** New recipient, filled and sent: the dialog then shows the owner's name or what to fix. */
  async saveNew(fields: RecipientFields) {
    await this.page.getByRole("button", { name: "New recipient" }).click();
    await this.fill({ wallet: "DANA", ...fields });
    await this.dialog.getByRole("button", { name: "Look up and save" }).click();
  }

  async exportCsv(): Promise<Download> {
    const download = this.page.waitForEvent("download");
    await this.page.getByRole("link", { name: "Export all (CSV)" }).click();
    return download;
  }

  async importCsv(name: string, csv: string) {
    await this.page.getByRole("button", { name: "Import CSV" }).click();
    await this.dialog.getByLabel("CSV file").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv) });
    await this.dialog.getByRole("button", { name: "Import and look up" }).click();
  }
}
