import { transferStatuses } from "../../db/schema";
import { expect, type Download, type Locator, type Page } from "@playwright/test";

type StatusLabel = "Awaiting approval" | "Approved" | "Sending" | "Processing" | "Succeeded" | "Failed" | "Refunded" | "Rejected" | "Canceled" | "Expired" | "In a scheduled batch";

export class HistoryPage {
  readonly filters: Locator;
  readonly search: Locator;
  readonly statusPicker: Locator;
  readonly wallet: Locator;
  readonly madeBy: Locator;
  readonly from: Locator;
  readonly to: Locator;
  readonly minAmount: Locator;
  readonly maxAmount: Locator;
  readonly rows: Locator;
  readonly summary: Locator;

  constructor(readonly page: Page) {
    this.filters = page.getByRole("search", { name: "Filter transfers" });
    this.search = this.filters.getByRole("searchbox", { name: "Search" });
    this.statusPicker = this.filters.getByRole("button", { name: /^Status:/ });
    this.wallet = this.filters.getByLabel("Wallet");
    this.madeBy = this.filters.getByLabel("Made by");
    this.from = this.filters.getByLabel("From date (WIB)");
    this.to = this.filters.getByLabel("To date (WIB)");
    this.minAmount = this.filters.getByLabel("Min amount (Rp)");
    this.maxAmount = this.filters.getByLabel("Max amount (Rp)");
    // Within <main>: while the page streams in, React keeps the next rows in a hidden <div id="S:…"> at the end of
    // <body> until it swaps them in, and for that moment the same row is in the document twice.
    this.rows = page.getByRole("main").locator('tbody tr[data-testid^="transfer-row-"]');
    this.summary = page.getByRole("navigation", { name: "Pages" }).getByText(/^Showing|^No transfers/);
  }

  async goto(query = "") {
    await this.page.goto(`/transfers${query}`);
  }

  row(reference: string): Locator {
    return this.page.getByRole("main").getByTestId(`transfer-row-${reference}`);
  }

  /** The references in the table, top to bottom. */
  async references(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-testid")!.replace("transfer-row-", "")));
  }

  /** Runs an action that changes the view, and waits until the page shows the new one. */
  private async changesView(action: () => Promise<void>) {
    const before = this.page.url();
    await action();
    await expect(this.page).not.toHaveURL(before);
  }

  async searchFor(text: string) {
    await this.changesView(async () => {
      await this.search.fill(text);
      await this.search.press("Enter");
    });
  }

  async chooseWallet(label: "All wallets" | "DANA" | "OVO" | "GoPay" | "ShopeePay") {
    await this.changesView(async () => {
      await this.wallet.selectOption({ label });
    });
  }

  /** Ticks exactly these statuses, with the keyboard, and closes the list (which applies it). */
  async chooseStatuses(...labels: StatusLabel[]) {
    const list = this.page.getByRole("group", { name: "Show transfers that are" });
    // A click that lands before the page is hydrated opens nothing: click until the list shows.
    await expect(async () => {
      if (!(await list.isVisible())) await this.statusPicker.click();
      await expect(list).toBeVisible({ timeout: 1000 });
    }).toPass();
    // Every status, and "In a scheduled batch" (docs/batches.md#scheduled-batches).
    await expect(list.getByRole("checkbox")).toHaveCount(transferStatuses.length + 1);
    for (const box of await list.getByRole("checkbox").all()) {
      const label = (await box.evaluate((el) => el.parentElement?.textContent ?? "")).trim();
      if ((await box.isChecked()) !== labels.includes(label as StatusLabel)) {
        await box.focus();
        await this.page.keyboard.press("Space");
      }
    }
    await this.changesView(() => this.page.keyboard.press("Escape"));
  }

  async applyAmountRange(min: string, max: string) {
    await this.minAmount.fill(min);
    await this.maxAmount.fill(max);
    await this.changesView(() => this.filters.getByRole("button", { name: "Apply" }).click());
  }

  async applyDateRange(from: string, to: string) {
    await this.from.fill(from);
    await this.to.fill(to);
    await this.changesView(() => this.filters.getByRole("button", { name: "Apply" }).click());
  }

  async sortBy(column: "Created" | "Amount") {
    await this.changesView(() => this.page.getByRole("columnheader").getByRole("link", { name: column }).click());
  }

  async exportCsv(): Promise<Download> {
    const download = this.page.waitForEvent("download");
    await this.page.getByRole("link", { name: "Export CSV" }).click();
    return download;
  }
}
