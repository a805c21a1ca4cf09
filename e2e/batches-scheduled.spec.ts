import { expect, test } from "./fixtures";
import { BatchPage } from "./pages/batch-page";
import { withE2eDatabase } from "./support/database";
import { topupsSent } from "./support/gateway";

/*
 * Scheduled batches (issue 17, docs/batches.md#scheduled-batches): submitted "to send on" a time in WIB, shown as
 * scheduled on the batch page, the overview and in history; canceled by its maker before the time; sent by the runner
 * once the time has come (the time is moved into the past in the e2e database rather than waited for).
 */

const wib = 7 * 60 * 60_000;
/** `dd/mm/yyyy` and `HH:MM` of an instant in WIB, as a person types them. */
function typed(at: Date) {
  const iso = new Date(at.getTime() + wib).toISOString();
  return { day: `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`, time: iso.slice(11, 16), date: iso.slice(0, 10) };
}

/** Two rows of ordinary wallets, numbers of their own for this run (no near-duplicates with other tests), under the approval threshold. */
function smallFile() {
  const base = 20_000_000 + Math.floor(Math.random() * 70_000_000);
  const phones = [0, 1].map((i) => `62812${String(base + i).padStart(8, "0")}`);
  const amounts = [11_000 + (base % 1000), 12_000 + (base % 1000)];
  return { phones, amounts, csv: `wallet,phone,amount,note\nDANA,${phones[0]},${amounts[0]},scheduled 1\nOVO,${phones[1]},${amounts[1]},scheduled 2\n` };
}

async function uploadChecked(batch: BatchPage, csv: string) {
  await batch.gotoUpload();
  const uploaded = await batch.upload("scheduled.csv", csv);
  await expect(batch.status).toHaveText("Ready to submit", { timeout: 30_000 });
  return uploaded;
}

async function submitAt(batch: BatchPage, day: string, time: string) {
  const dialog = await batch.openSubmit();
  await dialog.getByLabel("Day").fill(day);
  await dialog.getByLabel("Time (WIB)").fill(time);
  await dialog.getByRole("button", { name: "Submit and schedule" }).click();
  return dialog;
}

test.describe("Scheduled batches", () => {
  test("submitted to send a few minutes ahead: refused in the past, scheduled on the batch page, the overview and history, then canceled by its maker", async ({ page, signInAs }) => {
    await signInAs("staff");
    const batch = new BatchPage(page);
    const file = smallFile();
    const { id } = await uploadChecked(batch, file.csv);

    // A time in the past: refused under the field, nothing submitted.
    const past = typed(new Date(Date.now() - 10 * 60_000));
    const dialog = await submitAt(batch, past.day, past.time);
    await expect(dialog.getByText(/That time has passed/)).toBeVisible();
    // A day that does not exist.
    await dialog.getByLabel("Day").fill("31/02/2026");
    await dialog.getByRole("button", { name: "Submit and schedule" }).click();
    await expect(dialog.getByText("Enter the day as dd/mm/yyyy, for example 03/12/2026")).toBeVisible();
    await dialog.getByRole("button", { name: "Not yet" }).click();
    await expect(batch.status).toHaveText("Ready to submit");

    const at = new Date(Date.now() + 10 * 60_000);
    const when = typed(at);
    await submitAt(batch, when.day, when.time);
    await expect(batch.status).toHaveText("Scheduled");
    await expect(page.getByTestId("batch-sentence")).toHaveText(/^Scheduled to send on \d{1,2} \w{3} \d{4} \d{2}:\d{2} WIB\. You can cancel it until then\.$/);
    await expect(page.getByTestId("batch-sentence")).toContainText(`${when.time} WIB`);

    // History: "In a scheduled batch" lists its two transfers, not yet sent.
    await page.goto(`/transfers?scheduled=1&batch=${id}`);
    await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(2);

    // The overview, when its time falls today (Jakarta).
    if (when.date === typed(new Date()).date) {
      await page.goto("/");
      await expect(page.getByTestId("scheduled-today")).toContainText(/Scheduled today: \d+ batch(es)?, Rp /);
    }

    await page.goto(`/batches/${id}`);
    await page.getByRole("button", { name: "Cancel batch" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel batch" }).click();
    await expect(batch.status).toHaveText("Canceled");
    expect(await topupsSent(file.phones[0]!, file.amounts[0]!)).toHaveLength(0);
  });

  test("sent by the runner once its time has come, each row once", async ({ page, signInAs }) => {
    await signInAs("staff");
    const batch = new BatchPage(page);
    const file = smallFile();
    const { id } = await uploadChecked(batch, file.csv);
    const when = typed(new Date(Date.now() + 3 * 60_000));
    await submitAt(batch, when.day, when.time);
    await expect(batch.status).toHaveText("Scheduled");
    await page.waitForTimeout(2_000);
    expect(await topupsSent(file.phones[0]!, file.amounts[0]!)).toHaveLength(0);

    // The time arrives: moved a second into the past in the database (the reconciler runs every second in e2e).
    withE2eDatabase((db) => db.prepare("update batches set send_at = ? where id = ?").run(Date.now() - 1_000, id));
    await expect(batch.status).toHaveText("Sent", { timeout: 30_000 });
    for (const [i, phone] of file.phones.entries()) expect(await topupsSent(phone, file.amounts[i]!)).toHaveLength(1);
    await expect(page.getByRole("button", { name: "Cancel batch" })).toHaveCount(0);
  });
});
