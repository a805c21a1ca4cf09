import { expect, type Download, type Locator, type Page } from "@playwright/test";

export type BatchStatusLabel = "Checking" | "Ready to submit" | "Needs fixes" | "No rows left" | "Awaiting approval" | "Sending" | "Sent" | "Rejected" | "Canceled" | "Expired";
export type RowEdit = { wallet?: "DANA" | "OVO" | "GoPay" | "ShopeePay"; phone?: string; amount?: string; note?: string };

/** The batch payouts screens: the upload form on /batches and one batch's page, /batches/<id>. */
export class BatchPage {
  readonly uploadForm: Locator;
  readonly fileInput: Locator;
  readonly uploadButton: Locator;
  readonly heading: Locator;
  readonly status: Locator;
  readonly totalRows: Locator;
  readonly totalAmount: Locator;
  readonly totalAttention: Locator;
  readonly checkProgress: Locator;
  readonly sendProgress: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.uploadForm = page.getByRole("form", { name: "Upload a batch" });
    this.fileInput = page.getByLabel("CSV or Excel file");
    this.uploadButton = page.getByRole("button", { name: "Upload and check" });
    this.heading = page.getByRole("heading", { level: 1, name: /^Batch BAT/ });
    this.status = page.getByTestId("batch-status");
    this.totalRows = page.getByTestId("total-rows");
    this.totalAmount = page.getByTestId("total-amount");
    this.totalAttention = page.getByTestId("total-attention");
    this.checkProgress = page.getByTestId("check-progress");
    this.sendProgress = page.getByTestId("send-progress");
    this.rows = page.getByRole("table", { name: "Rows of the batch" }).locator('tbody tr[data-testid^="batch-row-"]');
  }

  async gotoUpload() {
    await this.page.goto("/batches");
  }

  /** Uploads CSV text as a file from the /batches form; does not wait for the outcome. */
  async submitFile(name: string, text: string | Buffer) {
    await this.fileInput.setInputFiles({ name, mimeType: "text/csv", buffer: typeof text === "string" ? Buffer.from(text, "utf8") : text });
    await this.uploadButton.click();
  }

  /** Uploads and lands on the new batch's page; returns its id and reference. */
  async upload(name: string, text: string | Buffer): Promise<{ id: number; reference: string }> {
    await this.submitFile(name, text);
    await expect(this.page).toHaveURL(/\/batches\/\d+$/, { timeout: 15_000 });
    const id = Number(/\/batches\/(\d+)$/.exec(this.page.url())![1]);
    return { id, reference: await this.reference() };
  }

  async reference(): Promise<string> {
    const text = await this.heading.innerText();
    return /Batch (BAT\S+)/.exec(text)![1]!;
  }

  row(line: number): Locator {
    // Within <main>: while the page streams in, React keeps the rows in a hidden element at the end of <body> too.
    return this.page.getByRole("main").getByTestId(`batch-row-${line}`);
  }

  ownerName(line: number): Locator {
    return this.row(line).getByTestId("owner-name");
  }

  problem(line: number): Locator {
    return this.row(line).getByTestId("row-problem");
  }

  rowStatus(line: number): Locator {
    return this.row(line).getByTestId("row-status");
  }

  /** The tab links above the rows: "All rows (N)", "Needing attention (N)", "Removed (N)". */
  tab(name: "All rows" | "Needing attention" | "Removed"): Locator {
    return this.page.getByRole("navigation", { name: "Rows shown" }).getByRole("link", { name: new RegExp(`^${name} \\(`) });
  }

  progress(name: "checked" | "confirmed" | "errors" | "sent" | "succeeded" | "processing" | "failed"): Locator {
    return this.page.getByTestId(`progress-${name}`);
  }

  /** Opens a dialog with its trigger, again if a click landed before the page was hydrated. */
  private async openDialog(trigger: Locator, dialog: Locator) {
    await expect(async () => {
      if (!(await dialog.isVisible())) await trigger.click();
      await expect(dialog).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 10_000 });
  }

  editDialog(line: number): Locator {
    return this.page.getByRole("dialog", { name: `Line ${line}` });
  }

  async openEditor(line: number): Promise<Locator> {
    const dialog = this.editDialog(line);
    await this.openDialog(this.page.getByRole("button", { name: `Edit line ${line}` }), dialog);
    return dialog;
  }

  async fillEditor(dialog: Locator, changes: RowEdit) {
    if (changes.wallet) await dialog.getByLabel("E-wallet").selectOption({ label: changes.wallet });
    if (changes.phone !== undefined) await dialog.getByLabel("Phone", { exact: true }).fill(changes.phone);
    if (changes.amount !== undefined) await dialog.getByLabel("Amount (Rp)").fill(changes.amount);
    if (changes.note !== undefined) await dialog.getByLabel("Note (optional)").fill(changes.note);
  }

  /** Fixes a row inline and waits until the dialog closes (the row is then looked up again). */
  async editRow(line: number, changes: RowEdit) {
    const dialog = await this.openEditor(line);
    await this.fillEditor(dialog, changes);
    await dialog.getByRole("button", { name: "Save and check again" }).click();
    await expect(dialog).toBeHidden();
  }

  async removeRow(line: number) {
    await this.page.getByRole("button", { name: `Remove line ${line}` }).click();
    // The row leaves every view but "Removed", where it is listed as removed.
    await expect(this.page.locator(`[data-testid="batch-row-${line}"]:not([data-state="removed"])`)).toHaveCount(0);
  }

  async openSubmit(): Promise<Locator> {
    const dialog = this.page.getByRole("dialog", { name: /^Submit \d+ transfers?\?$/ });
    await this.openDialog(this.page.getByRole("button", { name: "Submit batch" }), dialog);
    return dialog;
  }

  async openApprove(reference: string): Promise<Locator> {
    const dialog = this.page.getByRole("dialog", { name: `Approve ${reference}?` });
    await this.openDialog(this.page.getByRole("button", { name: "Approve batch" }), dialog);
    return dialog;
  }

  async openReject(reference: string): Promise<Locator> {
    const dialog = this.page.getByRole("dialog", { name: `Reject ${reference}?` });
    await this.openDialog(this.page.getByRole("button", { name: "Reject batch" }), dialog);
    return dialog;
  }

  async exportResults(): Promise<Download> {
    const download = this.page.waitForEvent("download");
    await this.page.getByRole("link", { name: "Export results" }).click();
    return download;
  }
}
