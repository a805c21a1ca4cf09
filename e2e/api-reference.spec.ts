import { expect, test } from "./fixtures";
import { languageState } from "./support/language";

/*
 * docs/api.md#the-openapi-document: the OpenAPI document and the reference page read from it are public (a developer
 * integrating the merchant's systems has no back-office session), and the problem types' URIs lead to their rows.
 */

test.describe("The API's reference", () => {
  test.use({ storageState: languageState("en") });

  test("the OpenAPI document is served without a session or key, and the reference page shows its operations", async ({ page }) => {
    const answer = await page.request.get("/api/v1/openapi.json");
    expect(answer.status()).toBe(200);
    expect(answer.headers()["content-type"]).toContain("application/json");
    const document = (await answer.json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    expect(document.openapi).toBe("3.1.0");
    const operationIds = Object.values(document.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(operationIds).toEqual(expect.arrayContaining(["createLookup", "createPayout", "getPayout", "listPayouts", "approvePayout"]));

    await page.goto("/docs/api");
    await expect(page.getByRole("heading", { level: 1, name: "Cash In Payouts API, version 1" })).toBeVisible();
    for (const id of operationIds) await expect(page.locator(`h3[id="${id}"]`)).toBeVisible();
    await expect(page.getByRole("heading", { name: "POST /api/v1/payouts", exact: true })).toBeVisible();
    // A problem's type URI, as an API answer carries it, leads to its row.
    await page.goto("/docs/api#validation-failed");
    await expect(page.locator("tr#validation-failed")).toContainText("422");
    await expect(page.getByRole("link", { name: "OpenAPI 3.1 document (JSON)" })).toHaveAttribute("href", "/api/v1/openapi.json");
  });
});
