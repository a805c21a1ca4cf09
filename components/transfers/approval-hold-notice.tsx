/**
 * Tells a manager on approval hold why they cannot decide yet (docs/roles.md#two-people-not-two-accounts).
 * `message` is `approvalHoldMessage` of lib/transfers/approval-hold.ts, the words the server refuses with.
 */
export function ApprovalHoldNotice({ message }: { message: string }) {
  return (
    <p role="status" className="mb-4 rounded-md border border-warn/40 bg-warn-soft px-3 py-2 text-sm text-warn" data-testid="approval-hold">
      {message} Until then you can review, but another manager decides.
    </p>
  );
}
