"use client";

import { RefreshCw } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { useAction } from "@/components/ui/use-action";
import { cn } from "@/lib/cn";
import { useServerActions } from "@/components/server-actions";

/** Asks Cash In now about one transfer whose outcome is still open (call 39). */
export function RefreshStatusButton({ transferId, reference, compact = false }: { transferId: number; reference: string; compact?: boolean }) {
  const t = useTranslations("transfers.refresh");
  const statusLabel = useTranslations("transferStatus");
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
      aria-label={compact ? t("oneOf", { reference }) : undefined}
      title={compact ? t("one") : undefined}
      onClick={() =>
        run(
          () => actions.refreshTransfers({ transferIds: [transferId] }),
          (result) => {
            const status = result.ok ? result.data.results[0]?.status : null;
            if (!status) return;
            notify({ tone: "info", title: t("result", { reference, status: statusLabel(`${status}.label`) }) });
            router.refresh();
          },
        )
      }
    >
      <RefreshCw aria-hidden className={cn(pending && "animate-spin")} />
      {compact ? null : t("one")}
    </Button>
  );
}

/** Transfers per request: the server checks each chunk 4 at a time; progress shows between chunks. */
const chunkSize = 8;

/** Refreshes every unsettled transfer in chunks and shows how far it got. */
export function RefreshAllUnsettledButton() {
  const t = useTranslations("transfers.refresh");
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
        notify({ tone: "info", title: t("nothingTitle"), description: t("nothingDescription") });
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
          ? { tone: "ok", title: t("allDone", { count: total }) }
          : { tone: "danger", title: t("someDone", { done: total - failed, total }), description: t("someFailed", { failed }) },
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
        {progress ? (progress.total > 0 ? t("progress", { done: progress.done, total: progress.total }) : t("finding")) : null}
      </span>
      <Button variant="secondary" disabled={busy} onClick={refreshAll}>
        <RefreshCw aria-hidden className={cn(busy && "animate-spin")} />
        {t("all")}
      </Button>
    </div>
  );
}
