import type { Db } from "@/db/client";
import type { CashinClient } from "@/lib/cashin/client";

/** What the transfer domain needs from the outside; tests pass an in-memory database, a client and a clock. */
export type TransferDeps = {
  db: Db;
  gateway: CashinClient;
  now: () => Date;
  /** The gateway client's timeout: a `sending` transfer older than this (plus a margin) is no longer in flight. */
  gatewayTimeoutMs: number;
};

export type { Actor, ActorContext } from "@/lib/actor";
