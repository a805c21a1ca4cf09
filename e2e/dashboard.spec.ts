import { randomInt } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { updateTransfer } from "./support/database";
import { setLanguage } from "./support/language";
import { seedTransfers, uniquePhone, uniqueReference, uniqueWord, type SeedTransfer } from "./support/seed";

/*
 * The overview's dashboard (issue 16, docs/dashboard.md): seeded transfers show in each chart's table with
 * the right rupiah, the range is chosen on the page, and a range that cannot be used is explained.
 */

/** WIB wall-clock time → the instant. */
const wib = (iso: string) => new Date(`${iso}+07:00`);

/**
 * Two days no other test writes to: a random pair in the years 2000–2019 (the app's other specs seed
 * around today or in March 2025), so the figures are exactly this test's transfers.
 */
function quietDays(): [string, string] {
  const first = Date.UTC(2000 + randomInt(20), randomInt(12), 1 + randomInt(27));
  const day = (at: number) => new Date(at).toISOString().slice(0, 10);
  return [day(first), day(first + 24 * 3600_000)];
}

const dayText = (day: string) => day.split("-").reverse().join("/");

class Dashboard {
  constructor(readonly page: Page) {}

  get section() {
    return this.page.getByRole("region", { name: /^(Dashboard|Dasbor)$/ });
  }

  card(title: string | RegExp): Locator {
    return this.section.getByRole("region", { name: title });
  }

  async goto(query = "") {
    await this.page.goto(`/${query ? `?${query}` : ""}`);
    await expect(this.section).toBeVisible();
  }

  async chooseRange(from: string, to: string) {
    await this.section.getByRole("textbox", { name: /^(From|Dari)/ }).fill(from);
    await this.section.getByRole("textbox", { name: /^(To|Sampai)/ }).fill(to);
    await this.section.getByRole("button", { name: /^(Show|Tampilkan)$/ }).click();
  }

  /** Opens the card's "Show as table" and returns its table. */
  async table(card: Locator): Promise<Locator> {
    await card.getByText(/^(Show as table|Tampilkan sebagai tabel)$/).click();
    const table = card.getByRole("table");
    await expect(table).toBeVisible();
    return table;
  }
}

test.describe("Dashboard on the overview (issue 16)", () => {
  test("seeded transfers show in the charts' tables with the right rupiah; the range is chosen on the page", async ({ page, signInAs }) => {
    const [day1, day2] = quietDays();
    const family = uniqueWord("Dasbor");
    const seed = (values: Omit<SeedTransfer, "reference" | "ownerName"> & { firstName: string }): SeedTransfer => {
      const { firstName, ...rest } = values;
      return { reference: uniqueReference(), ownerName: `${firstName} ${family}`, ...rest };
    };
    const repeat = uniquePhone();
    const late = seed({ firstName: "Siti", wallet: "DANA", amount: 150_000, phone: repeat, createdAt: wib(`${day1}T23:30:00`) });
    const transfers = [
      late,
      seed({ firstName: "Budi", wallet: "OVO", amount: 75_000, createdAt: wib(`${day1}T09:00:00`) }),
      seed({ firstName: "Siti", wallet: "DANA", amount: 50_000, phone: repeat, createdAt: wib(`${day2}T00:30:00`) }),
      seed({ firstName: "Joko", wallet: "GOPAY", amount: 1_250_000, createdAt: wib(`${day2}T10:00:00`) }),
      seed({ firstName: "Dewi", wallet: "SHOPEEPAY", amount: 300_000, status: "failed", createdAt: wib(`${day2}T11:00:00`) }),
      seed({ firstName: "Agus", wallet: "OVO", amount: 20_000, status: "processing", createdAt: wib(`${day2}T12:00:00`) }),
      seed({ firstName: "Rina", wallet: "DANA", amount: 7_500_000, status: "awaiting_approval", createdAt: wib(`${day2}T13:00:00`) }),
    ];
    seedTransfers(transfers);
    // Cash In took 20, 30, 40 and 90 seconds for the four succeeded ones: the median of an even count is 35 s.
    transfers
      .filter((t) => (t.status ?? "succeeded") === "succeeded")
      .forEach((t, i) => {
        const sentAt = t.createdAt!.getTime() + 1_000;
        updateTransfer(t.reference, { sent_at: sentAt, settled_at: sentAt + [20, 30, 40, 90][i]! * 1000 });
      });

    await signInAs("staff");
    const dashboard = new Dashboard(page);
    await dashboard.goto();
    await expect(dashboard.card("Volume, last 30 days")).toBeVisible();

    await dashboard.chooseRange(dayText(day1), dayText(day2));
    await expect(page).toHaveURL(new RegExp(`[?&]from=${day1}&to=${day2}`));
    const volume = dashboard.card("Volume per day");
    await expect(volume.getByTestId("dashboard-volume-total")).toHaveText("Rp 1,525,000");
    await expect(volume.getByTestId("dashboard-volume-count")).toHaveText("4 transfers");
    // The drawing arrives after the page: the chart's SVG inside an image labelled with what it shows.
    const chart = volume.getByRole("img", { name: /^Stacked bars of rupiah paid per day/ });
    await expect(chart).toHaveAttribute("aria-label", /Rp 1,525,000 in total; the busiest day was .* with Rp 1,300,000/);
    // Drawn once its place comes near the screen.
    await chart.scrollIntoViewIfNeeded();
    await expect(chart.locator("svg.recharts-surface")).toBeVisible();

    const days = await dashboard.table(volume);
    // 23:30 WIB belongs to its own day, 00:30 WIB to the next one.
    const first = days.locator(`tr[data-day="${day1}"]`);
    const second = days.locator(`tr[data-day="${day2}"]`);
    await expect(first.getByRole("cell")).toHaveText(["Rp 150,0001 transfer", "Rp 75,0001 transfer", "Rp 00 transfers", "Rp 00 transfers", "Rp 225,0002 transfers"]);
    await expect(second.getByRole("cell")).toHaveText(["Rp 50,0001 transfer", "Rp 00 transfers", "Rp 1,250,0001 transfer", "Rp 00 transfers", "Rp 1,300,0002 transfers"]);
    await expect(days.locator("tfoot").getByRole("cell").last()).toHaveText("Rp 1,525,0004 transfers");

    const outcomes = await dashboard.table(dashboard.card("Outcomes at Cash In"));
    await expect(outcomes.locator('tr[data-outcome="succeeded"]').getByRole("cell")).toHaveText(["4", "66.7%"]);
    await expect(outcomes.locator('tr[data-outcome="failed"]').getByRole("cell")).toHaveText(["1", "16.7%"]);
    await expect(outcomes.locator('tr[data-outcome="unsettled"]').getByRole("cell")).toHaveText(["1", "16.7%"]);
    await expect(outcomes.locator("tfoot").getByRole("cell").first()).toHaveText("6");

    await expect(dashboard.card("Median time to settle").getByTestId("dashboard-settle-median")).toHaveText("35 s");

    const top = await dashboard.table(dashboard.card("Top recipients"));
    await expect(top.locator("tbody tr")).toHaveCount(3);
    await expect(top.locator("tbody tr").first()).toContainText(`Joko ${family}`);
    await expect(top.locator("tbody tr").first().getByRole("cell").last()).toHaveText("Rp 1,250,000");
    // Siti's two payments to the same DANA number are one line.
    await expect(top.locator("tbody tr").nth(1)).toContainText(`Siti ${family}`);
    await expect(top.locator("tbody tr").nth(1).getByRole("cell")).toHaveText([/^DANA/, "2", "Rp 200,000"]);

    // Back to the default range.
    await dashboard.section.getByRole("link", { name: "Last 30 days" }).click();
    await expect(dashboard.card("Volume, last 30 days")).toBeVisible();
  });

  test("a range that cannot be used is explained, and the last 30 days are shown", async ({ page, signInAs }) => {
    await signInAs("staff");
    const dashboard = new Dashboard(page);
    await dashboard.goto();

    // Typed wrong: the field says so and nothing is sent.
    await dashboard.chooseRange("31/02/2025", "01/03/2025");
    await expect(dashboard.section.getByText("Type a date as dd/mm/yyyy, for example 31/01/2025")).toBeVisible();
    await expect(dashboard.section.getByRole("textbox", { name: /^From/ })).toBeFocused();

    for (const [query, message] of [
      ["from=2025-03-10&to=2025-03-01", "The start date comes after the end date, so the last 30 days are shown."],
      ["from=2023-01-01&to=2025-01-01", "A range can be at most 366 days, so the last 30 days are shown."],
      ["from=30/02/2025", "A date could not be read (type dd/mm/yyyy), so the last 30 days are shown."],
    ] as const) {
      await dashboard.goto(query);
      await expect(dashboard.section.getByRole("alert")).toHaveText(message);
      await expect(dashboard.card("Volume, last 30 days")).toBeVisible();
    }
  });

  test.describe("in Bahasa Indonesia", () => {
    test("amounts in rupiah the Indonesian way, every word in Indonesian, axe-clean and within a phone's width", async ({ page, context, signInAs }) => {
      // Two widths, each a page load, both drawings and an axe run: like the phone spec's pages, more than the default 30 s on a busy machine.
      test.setTimeout(90_000);
      const [day1] = quietDays();
      seedTransfers([{ reference: uniqueReference(), ownerName: uniqueWord("Dasbor "), wallet: "OVO", amount: 1_500_000, createdAt: wib(`${day1}T08:00:00`) }]);
      await signInAs("staff");
      await setLanguage(context, "id");
      const dashboard = new Dashboard(page);
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 844 });
        await dashboard.goto(`from=${day1}&to=${day1}`);
        const volume = dashboard.card("Volume per hari");
        await expect(volume.getByTestId("dashboard-volume-total")).toHaveText("Rp 1.500.000");
        await expect(volume.getByTestId("dashboard-volume-count")).toHaveText("1 transfer");
        for (const drawing of [volume.getByRole("img", { name: /^Grafik batang bertumpuk/ }), dashboard.card("Penerima teratas").getByRole("img", { name: /^Grafik batang rupiah/ })]) {
          await drawing.scrollIntoViewIfNeeded();
          await expect(drawing.locator("svg.recharts-surface")).toBeVisible();
        }
        for (const card of ["Volume per hari", "Hasil di Cash In", "Penerima teratas"]) await dashboard.table(dashboard.card(card));
        await expect(dashboard.card("Median waktu penyelesaian")).toContainText("Belum ada transfer berhasil");
        const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
        expect(widths.scroll, `${width} px`).toBeLessThanOrEqual(widths.inner);
        const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
        expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
      }
    });
  });
});
