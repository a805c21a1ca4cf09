import type { Metadata } from "next";
import { PageHeader } from "@/components/shell/app-shell";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Overview · Cash In Payouts" };

const can = {
  staff: ["Look up e-wallet owners and send transfers", "Browse and refresh the transfer history", "Export transfers"],
  manager: [
    "Everything staff can do",
    "Approve or reject transfers at or above the approval threshold (never your own)",
  ],
  admin: ["Everything staff can do", "Manage users, roles and limits", "Read the audit trail"],
} as const;

export default async function OverviewPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title={`Welcome, ${user.name}`} description="Pay out to DANA, OVO, GoPay and ShopeePay wallets through Cash In." />
      <section aria-labelledby="can-heading" className="max-w-2xl rounded-lg border border-line bg-surface p-5">
        <h2 id="can-heading" className="mb-2 text-sm font-semibold">
          What you can do here
        </h2>
        <ul className="list-disc space-y-1 pl-5 text-sm text-ink-muted">
          {can[user.role].map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </section>
    </>
  );
}
