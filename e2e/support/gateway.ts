import { e2eEnv } from "../../playwright.config";

/** The mock gateway's test-only control endpoints (MOCK_GATEWAY_CONTROL=1 in the e2e run). */
const controlUrl = e2eEnv.CASHIN_BASE_URL.replace(/\/pg\/fo$/, "/__control");

type RecordedRequest = { call: string | null; partnerReferenceNo: string | null; responseCode: string | null };

export async function gatewayRequests(call: "inquiry" | "topup" | "status", reference?: string): Promise<RecordedRequest[]> {
  const response = await fetch(`${controlUrl}/requests?call=${call}`);
  const { requests } = (await response.json()) as { requests: RecordedRequest[] };
  return reference ? requests.filter((r) => r.partnerReferenceNo === reference) : requests;
}
