import { createHmac } from "node:crypto";
import { generateSync } from "otplib";
import { withE2eDatabase } from "./database";

/*
 * Codes from an authenticator app, as the tests' "phone" computes them. Every sign-in of a manager or admin
 * goes through the second factor, like a person's; a code is accepted once per 30-second step per user
 * (docs/sign-in.md#second-factor), so the tests pick a step the user has not used yet.
 */

const periodSeconds = 30;
const base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** The secret the e2e seed enrolled a demo user with (e2e/support/enrol-demo-users.ts): derived from the e-mail. */
export function demoSecret(email: string): string {
  const bytes = createHmac("sha256", "e2e-demo-totp").update(email).digest().subarray(0, 20);
  let bits = "";
  for (const byte of bytes) bits += byte.toString(2).padStart(8, "0");
  return Array.from({ length: Math.floor(bits.length / 5) }, (_, i) => base32[parseInt(bits.slice(i * 5, i * 5 + 5), 2)]).join("");
}

/** The secret as the enrolment page shows it ("ABCD EFGH …"), without its spaces. */
export function secretFromScreen(shown: string): string {
  return shown.replace(/\s+/g, "");
}

export function codeAt(secret: string, step: number): string {
  return generateSync({ secret, epoch: step * periodSeconds });
}

function lastStep(email: string, databaseFile?: string): number {
  return withE2eDatabase(
    (db) =>
      (db.prepare("select f.last_step s from second_factors f join users u on u.id = f.user_id where u.email = ?").get(email) as { s: number } | undefined)?.s ?? 0,
    databaseFile,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A code the app accepts now for this user: the earliest step of the accepted window (one step either side)
 * that the user has not used yet, waiting for the next step when all three are used. `use` submits it and
 * says whether it was accepted; another worker may take the same step at the same moment, then it tries again.
 */
export async function withFreshCode<T>(
  email: string,
  secret: string,
  use: (code: string) => Promise<{ accepted: boolean; value: T }>,
  databaseFile?: string,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const now = Math.floor(Date.now() / 1000);
    const current = Math.floor(now / periodSeconds);
    // The previous step's code stops working at the next boundary: skip it when that is seconds away.
    const secondsLeftInStep = periodSeconds - (now % periodSeconds);
    const candidates = [...(secondsLeftInStep > 3 ? [current - 1] : []), current, current + 1];
    const used = lastStep(email, databaseFile);
    const step = candidates.find((s) => s > used);
    if (step === undefined) {
      await sleep((periodSeconds - (now % periodSeconds)) * 1000 + 200);
      continue;
    }
    const { accepted, value } = await use(codeAt(secret, step));
    if (accepted || attempt >= 6) return value;
  }
}
