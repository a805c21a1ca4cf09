import "server-only";
import { db } from "@/db/client";
import { cashinClientFromEnv } from "@/lib/cashin/from-env";
import { env } from "@/lib/env";
import type { TransferDeps } from "./deps";

/** The transfer domain wired to this process's database, Cash In client and clock. */
export function transferDeps(): TransferDeps {
  return { db: db(), gateway: cashinClientFromEnv(), now: () => new Date(), gatewayTimeoutMs: env().CASHIN_TIMEOUT_MS };
}
