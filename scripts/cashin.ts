import { parseArgs } from "node:util";
import { EnvError, gatewayEnv } from "@/lib/env";
import { toAmountValue } from "@/lib/cashin/amount";
import { CashinRequestError, type GatewayCallRecord, type TransferRequest } from "@/lib/cashin/client";
import type { AmbiguousOutcome, RejectedOutcome } from "@/lib/cashin/codes";
import { cashinClientFromEnv } from "@/lib/cashin/from-env";
import { maskPhone, normalizePhone } from "@/lib/cashin/phone";
import { parseWallet, WALLETS } from "@/lib/cashin/protocol";
import { KeyFileError } from "@/lib/cashin/signer";
import { formatRupiah } from "@/lib/format";

/**
 * `npm run cashin -- <inquiry|topup|status> …`: one call to Cash In with the app's own configuration, for
 * support staff checking credentials against the sandbox. The gateway's JSON answer goes to stdout; what
 * happened, in words, goes to stderr.
 */

const HELP = `Usage: npm run cashin -- <command> [options]

Calls Cash In once with the app's configuration and prints the gateway's JSON answer.

Commands
  inquiry   Look up the owner of an e-wallet (account inquiry, service 37)
  topup     Send money to an e-wallet (top-up, service 38); sent once, never retried
  status    Ask how a top-up went (transfer status, service 39)

Options
  --wallet <name>    ${WALLETS.join(" | ")} (inquiry, topup)
  --phone <number>   08…, +62 8… or 628… (inquiry, topup)
  --amount <rupiah>  whole rupiah, e.g. 10000 (inquiry, topup)
  --ref <reference>  partnerReferenceNo: required for topup and status; inquiry makes one up if absent
  --yes              required to send a top-up to the production gateway
  -h, --help         this text

Environment (the same as the app; defaults point at the local mock gateway)
  CASHIN_BASE_URL          e.g. https://sandbox-api.cashin.co.id/pg/fo
  CASHIN_PARTNER_ID        your client id at Cash In, e.g. CID1234567890
  CASHIN_CHANNEL_ID        your channel id (digits)
  CASHIN_PRIVATE_KEY_PATH  your RSA private key (PEM); its public key must be registered with Cash In
  CASHIN_TIMEOUT_MS        default 15000

Exit codes
  0  success code (2003700, 2003800 or 2003900)
  1  refused by Cash In, or the outcome is unknown (timeout, 5xx, unreadable answer)
  2  wrong usage or configuration
  3  top-up accepted and in progress: ask its status later

Examples
  npm run cashin -- inquiry --wallet DANA --phone 081234567890 --amount 10000
  npm run cashin -- topup --wallet OVO --phone 081234567890 --amount 10000 --ref REF123
  npm run cashin -- status --ref REF123
`;

class UsageError extends Error {}

type Command =
  | { command: "status"; ref: string }
  | { command: "inquiry" | "topup"; transfer: TransferRequest; yes: boolean };

function parseCommand(argv: string[]): Command | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      wallet: { type: "string" },
      phone: { type: "string" },
      amount: { type: "string" },
      ref: { type: "string" },
      yes: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || positionals.length === 0) return "help";
  const [command, ...extra] = positionals;
  if (command !== "inquiry" && command !== "topup" && command !== "status") {
    throw new UsageError(`Unknown command "${command}": use inquiry, topup or status`);
  }
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`);
  if (command !== "inquiry" && !values.ref) throw new UsageError(`${command} needs --ref <partnerReferenceNo>`);
  if (command === "status") return { command, ref: values.ref ?? "" };

  if (!values.wallet) throw new UsageError(`${command} needs --wallet ${WALLETS.join("|")}`);
  const wallet = parseWallet(values.wallet);
  if (!wallet) throw new UsageError(`Unknown wallet "${values.wallet}": use ${WALLETS.join(", ")}`);
  if (!values.phone) throw new UsageError(`${command} needs --phone <number>`);
  const phone = normalizePhone(values.phone);
  if (!phone.ok) throw new UsageError(`--phone: ${phone.message}`);
  if (!values.amount) throw new UsageError(`${command} needs --amount <whole rupiah>`);
  const amount = toAmountValue(values.amount);
  if (!amount.ok) throw new UsageError(`--amount: ${amount.message}`);
  const transfer = {
    partnerReferenceNo: values.ref ?? `CLI${Date.now()}`,
    wallet,
    customerNumber: phone.customerNumber,
    amount: amount.rupiah,
  };
  return { command, transfer, yes: values.yes };
}

function describeCall(record: GatewayCallRecord): string {
  const answer = record.error ? record.error : `HTTP ${record.httpStatus} ${record.responseCode ?? "(no code)"}`;
  return `${record.call} attempt ${record.attempt}, X-EXTERNAL-ID ${record.externalId}: ${answer} in ${record.durationMs} ms`;
}

/** Exactly as received: whether a field came as a number or a string is what support staff look for. */
function printAnswer(record: GatewayCallRecord | undefined): void {
  if (record?.responseBody) console.log(record.responseBody);
}

async function run(command: Command): Promise<number> {
  const env = gatewayEnv();
  const client = cashinClientFromEnv();
  const calls: GatewayCallRecord[] = [];
  const onCall = (record: GatewayCallRecord) => {
    calls.push(record);
    console.error(describeCall(record));
  };
  console.error(`Cash In at ${env.CASHIN_BASE_URL}, partner ${env.CASHIN_PARTNER_ID}, channel ${env.CASHIN_CHANNEL_ID}`);

  if (command.command === "status") {
    const result = await client.status({ partnerReferenceNo: command.ref }, { onCall });
    printAnswer(calls.at(-1));
    if (result.kind !== "success") return failure(result);
    console.error(`Transfer ${command.ref}: ${result.transferStatus.code} ${result.transferStatus.label} (${result.description})`);
    return 0;
  }

  const { transfer } = command;
  console.error(
    `${command.command} ${transfer.wallet} ${maskPhone(transfer.customerNumber)} ${formatRupiah(transfer.amount)} ref ${transfer.partnerReferenceNo}`,
  );

  if (command.command === "inquiry") {
    const result = await client.inquiry(transfer, { onCall });
    printAnswer(calls.at(-1));
    if (result.kind !== "success") return failure(result);
    console.error(`Wallet owner: ${result.customerName}`);
    return 0;
  }

  if (new URL(env.CASHIN_BASE_URL).hostname === "api.cashin.co.id" && !command.yes) {
    throw new UsageError("This would send real money through the production gateway: add --yes if you mean it");
  }
  const result = await client.topup(transfer, { onCall });
  printAnswer(calls.at(-1));
  if (result.kind === "success") {
    console.error(`Top-up ${transfer.partnerReferenceNo} succeeded.`);
    return 0;
  }
  if (result.kind === "in_progress") {
    console.error(`Top-up ${transfer.partnerReferenceNo} is in progress: npm run cashin -- status --ref ${transfer.partnerReferenceNo}`);
    return 3;
  }
  return failure(result);
}

function failure(outcome: RejectedOutcome | AmbiguousOutcome): number {
  const said = outcome.kind === "rejected" && outcome.gatewayMessage ? ` Cash In said: "${outcome.gatewayMessage}".` : "";
  console.error(`Failed (${outcome.kind === "rejected" ? outcome.reason : `unknown outcome: ${outcome.cause}`}): ${outcome.message}${said}`);
  return 1;
}

async function main(): Promise<number> {
  let command: Command | "help";
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (error) {
    // parseArgs reports unknown options with a TypeError carrying a readable message.
    console.error(`${error instanceof Error ? error.message : String(error)}\nRun "npm run cashin -- --help" for usage.`);
    return 2;
  }
  if (command === "help") {
    console.log(HELP);
    return 0;
  }
  try {
    return await run(command);
  } catch (error) {
    if (error instanceof EnvError || error instanceof KeyFileError || error instanceof UsageError || error instanceof CashinRequestError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("Unexpected error:", error);
    process.exitCode = 1;
  },
);
