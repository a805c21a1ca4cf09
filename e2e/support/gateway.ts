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
