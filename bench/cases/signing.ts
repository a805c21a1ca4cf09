import { sign, type KeyObject } from "node:crypto";
import { jakartaTimestamp } from "@/lib/cashin/headers";
import { GATEWAY_PATHS } from "@/lib/cashin/protocol";
import { asymmetricStringToSign, createAsymmetricSigner, type SignInput } from "@/lib/cashin/signer";
import { interleavedThroughput, result, type CaseResult } from "../measure";

/** Case 3: signatures per second through our signer against bare `crypto.sign` of the same string to sign. */
export async function signingCase(privateKey: KeyObject, { rounds, perRound }: { rounds: number; perRound: number }): Promise<CaseResult[]> {
  const signer = createAsymmetricSigner(privateKey);
  const input: SignInput = {
    method: "POST",
    relativePath: GATEWAY_PATHS.topup,
    body: JSON.stringify({
      partnerReferenceNo: "TRF20250310ABCDEFGHJKLM",
      amount: { value: "250000.00", currency: "IDR" },
      customerNumber: "6281234567890",
      additionalInfo: { channel: "TOP_UP_E_WALLET_DANA" },
    }),
    timestamp: jakartaTimestamp(),
  };
  const data = Buffer.from(asymmetricStringToSign(input), "utf8");
  if (!sign("sha256", data, privateKey).equals(Buffer.from(signer.sign(input), "base64"))) {
    throw new Error("signing: the baseline does not sign what the signer signs");
  }
  const [ours, bare] = await interleavedThroughput(rounds, [
    async () => {
      for (let i = 0; i < perRound; i++) signer.sign(input);
      return perRound;
    },
    async () => {
      for (let i = 0; i < perRound; i++) sign("sha256", data, privateKey);
      return perRound;
    },
  ]);
  return [result("signing (RSA-2048, SHA-256)", "sig/s", ours!, bare!, { of: "ratio", op: ">=", limit: 0.9 })];
}
