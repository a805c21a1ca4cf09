"use client";

import { RefreshCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { useAction } from "@/components/ui/use-action";
import { cn } from "@/lib/cn";
import { statusInfo } from "@/lib/transfers/status";
import { useServerActions } from "@/components/server-actions";

/** Asks Cash In now about one transfer whose outcome is still open (call 39). */
export function RefreshStatusButton({ transferId, reference, compact = false }: { transferId: number; reference: string; compact?: boolean }) {
  const actions = useServerActions();
  const router = useRouter();
  const notify = useToast();
  const { pending, run } = useAction();
  return (
    <Button
      variant={compact ? "ghost" : "secondary"}
      size={compact ? "icon" : "md"}
      className={cn(compact && "size-7")}
      disabled={pending}
      aria-label={compact ? `Refresh status of ${reference}` : undefined}
      title={compact ? "Refresh status" : undefined}
      onClick={() =>
        run(
          () => actions.refreshTransfers({ transferIds: [transferId] }),
          (result) => {
            const status = result.ok ? result.data.results[0]?.status : null;
            if (!status) return;
            notify({ tone: "info", title: `${reference}: ${statusInfo[status].label}` });
            router.refresh();
          },
        )
      }
    >
      <RefreshCw aria-hidden className={cn(pending && "animate-spin")} />
      {compact ? null : "Refresh status"}
    </Button>
  );
}

/** Transfers per request: the server checks each chunk 4 at a time; progress shows between chunks. */
const chunkSize = 8;

/** Refreshes every unsettled transfer in chunks and shows how far it got. */
export function RefreshAllUnsettledButton() {
  const actions = useServerActions();
  const router = useRouter();
  const notify = useToast();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);

  async function refreshAll() {
    setProgress({ done: 0, total: 0 });
    try {
      const listed = await actions.listUnsettled({});
      if (!listed.ok) {
        notify({ tone: "danger", title: listed.message });
        return;
      }
      const queue = [...listed.data.transferIds];
      const total = queue.length;
      if (total === 0) {
        notify({ tone: "info", title: "Nothing to refresh", description: "No transfer is waiting for Cash In's answer." });
        return;
      }
      let done = 0;
      let failed = 0;
      setProgress({ done, total });
      while (queue.length > 0) {
        const chunk = queue.splice(0, chunkSize);
        const result = await actions.refreshTransfers({ transferIds: chunk });
        if (!result.ok) failed += chunk.length;
        done += chunk.length;
        setProgress({ done, total });
      }
      notify(
        failed === 0
          ? { tone: "ok", title: `Refreshed ${total} unsettled ${total === 1 ? "transfer" : "transfers"}` }
          : { tone: "danger", title: `Refreshed ${total - failed} of ${total} transfers`, description: `${failed} could not be checked; try again later.` },
      );
      router.refresh();
    } finally {
      setProgress(null);
    }
  }

  const busy = progress !== null;
  return (
    <div className="flex items-center gap-2">
      <span role="status" className="text-xs text-ink-muted tabular-nums">
        {progress ? (progress.total > 0 ? `Refreshing ${progress.done} / ${progress.total}` : "Finding unsettled transfers…") : null}
      </span>
      <Button variant="secondary" disabled={busy} onClick={refreshAll}>
        <RefreshCw aria-hidden className={cn(busy && "animate-spin")} />
        Refresh all unsettled
      </Button>
    </div>
  );
}
