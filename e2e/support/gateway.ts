import { expect } from "@playwright/test";
import { e2eEnv } from "../../playwright.config";

/** The mock gateway's test-only control endpoints (MOCK_GATEWAY_CONTROL=1 in the e2e run). */
const controlUrl = e2eEnv.CASHIN_BASE_URL.replace(/\/pg\/fo$/, "/__control");

/** `body` is the raw request body as the gateway received it. */
type RecordedRequest = { call: string | null; partnerReferenceNo: string | null; responseCode: string | null; body: string };

export async function gatewayRequests(call: "inquiry" | "topup" | "status", reference?: string): Promise<RecordedRequest[]> {
  const response = await fetch(`${controlUrl}/requests?call=${call}`);
  const { requests } = (await response.json()) as { requests: RecordedRequest[] };
  return reference ? requests.filter((r) => r.partnerReferenceNo === reference) : requests;
}

/** Top-ups the gateway received for this wallet number and amount, whatever reference each one carried. */
export async function topupsSent(customerNumber: string, rupiah: number): Promise<RecordedRequest[]> {
  return (await gatewayRequests("topup")).filter((request) => {
    const body = JSON.parse(request.body) as { customerNumber: string; amount: { value: string } };
    return body.customerNumber === customerNumber && Number(body.amount.value) === rupiah;
  });
}

/** The mock's mode in force (latency, faults): read it first, and put it back after changing it. */
export async function mockMode(): Promise<Record<string, unknown>> {
  return (await (await fetch(`${controlUrl}/mode`)).json()) as Record<string, unknown>;
}

export async function setMockMode(mode: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${controlUrl}/mode`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(mode) });
  expect(response.status, await response.text()).toBe(200);
}
