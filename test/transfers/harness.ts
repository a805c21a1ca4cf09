import { eq } from "drizzle-orm";
import { first } from "@/db/client";
import { auditEntries, transfers, type Role, type Transfer } from "@/db/schema";
import type { MockGateway } from "@/lib/cashin/mock/server";
import type { Wallet } from "@/lib/cashin/protocol";
import { createTransfer } from "@/lib/transfers/create";
import type { TransferDeps } from "@/lib/transfers/deps";
import { nearDuplicates } from "@/lib/transfers/duplicates";
import { lookUpWallet } from "@/lib/transfers/inquiry";
import { getLimits } from "@/lib/transfers/settings";
import { createTestDb, insertUser, type TestDb } from "../db";
import { startTestGateway, testClient } from "../cashin/support";

/** A transfer domain wired to an in-memory database, the real client, the real mock and a clock the test moves. */
export async function createHarness(options: { timeoutMs?: number; slowTopupMs?: number; lateVisibilityMs?: number } = {}) {
  const gateway: MockGateway = await startTestGateway({ slowTopupMs: options.slowTopupMs ?? 600, lateVisibilityMs: options.lateVisibilityMs });
  const db: TestDb = await createTestDb();
  let clock = new Date();
  const deps: TransferDeps = {
    db,
    gateway: testClient(gateway, { timeoutMs: options.timeoutMs ?? 2000 }),
    now: () => clock,
    gatewayTimeoutMs: options.timeoutMs ?? 2000,
  };
  const staff = await insertUser(db, { name: "Sari", email: "staff@x.test", role: "staff" });
  const manager = await insertUser(db, { name: "Bambang", email: "manager@x.test", role: "manager" });
  const manager2 = await insertUser(db, { name: "Citra", email: "manager2@x.test", role: "manager" });
  const admin = await insertUser(db, { name: "Ayu", email: "admin@x.test", role: "admin" });

  const harness = {
    gateway,
    db,
    deps,
    staff,
    manager,
    manager2,
    admin,
    advance(ms: number) {
      clock = new Date(clock.getTime() + ms);
    },
    now: () => clock,
    /**
     * Look up, then confirm: the New transfer screen's two steps. `separate` ticks "this is a separate
     * payment" for the near-duplicates the look-up shows, as a person would.
     */
    async send(query: { wallet?: Wallet; phone: string; amount: number }, maker: { id: number; email: string; role: Role } = staff, { separate = false, retryOf }: { separate?: boolean; retryOf?: number } = {}) {
      const full = { wallet: query.wallet ?? ("DANA" as const), phone: query.phone, amount: query.amount };
      const inquiry = await lookUpWallet(deps, maker.id, full, { purpose: "transfer" });
      const separateFrom = separate ? (await nearDuplicates(db, full, { around: clock, windowHours: (await getLimits(db)).nearDuplicateWindowHours })).map((d) => d.id) : undefined;
      return createTransfer(deps, { actor: maker, ip: "203.0.113.1" }, { ...full, inquiryId: inquiry.id, separateFrom, retryOf });
    },
    async transfer(id: number): Promise<Transfer> {
      return (await first(db.select().from(transfers).where(eq(transfers.id, id)).limit(1)))!;
    },
    topupsAtGateway(reference?: string) {
      return gateway.requests().filter((r) => r.call === "topup" && (reference === undefined || r.partnerReferenceNo === reference));
    },
    statusCallsAtGateway(reference?: string) {
      return gateway.requests().filter((r) => r.call === "status" && (reference === undefined || r.partnerReferenceNo === reference));
    },
    async auditOf(transferId: number) {
      return (await db.select().from(auditEntries)).filter((e) => e.targetType === "transfer" && e.targetId === String(transferId));
    },
    close: () => gateway.close(),
  };
  return harness;
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;

export function expectOk<T>(result: { ok: true; data: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new Error(`expected ok, got: ${result.message}`);
  return result.data;
}
