import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Download } from "lucide-react";
import { ImportRecipientsDialog } from "@/components/recipients/import-dialog";
import { NewRecipientDialog } from "@/components/recipients/recipient-dialogs";
import { RecipientList, RecipientToolbar, type RecipientView } from "@/components/recipients/recipient-list";
import { PageHeader } from "@/components/shell/app-shell";
import { Button } from "@/components/ui/button";
import { db } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { maxImportRows } from "@/lib/recipients/import";
import { listRecipients } from "@/lib/recipients/service";
import { first } from "@/lib/search-params";
import { getLimits } from "@/lib/transfers/settings";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("recipients");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

/** The view in the URL: `q`, `sort=label` (else most recently paid first), `archived=1`; anything else is the default. */
function viewOf(params: Record<string, string | string[] | undefined>): RecipientView {
  const q = first(params.q);
  return {
    q: typeof q === "string" ? q.trim().slice(0, 100) : "",
    sort: first(params.sort) === "label" ? "label" : "lastPaid",
    archived: first(params.archived) === "1",
  };
}

/** Saved recipients (docs/recipients.md): every role keeps the team's list. */
export default async function RecipientsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const t = await getTranslations("recipients");
  const view = viewOf(await searchParams);
  const rows = await listRecipients(db(), view);
  const { lookUpsPerHour } = await getLimits(db());
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <>
            <NewRecipientDialog />
            <ImportRecipientsDialog maxRows={maxImportRows} lookUpsPerHour={lookUpsPerHour} />
            <Button asChild variant="secondary">
              <a href="/recipients/export" download>
                <Download aria-hidden />
                {t("export")}
              </a>
            </Button>
          </>
        }
      />
      <RecipientToolbar view={view} />
      {rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-line-strong bg-surface p-8 text-center text-sm text-ink-muted">
          {view.q ? t("noMatch", { q: view.q }) : view.archived ? t("emptyArchived") : t("empty")}
        </p>
      ) : (
        <>
          <p className="mb-2 text-sm text-ink-muted" data-testid="recipient-count">
            {view.archived ? t("countArchived", { count: rows.length }) : t("count", { count: rows.length })}
          </p>
          <RecipientList rows={rows} archived={view.archived} />
        </>
      )}
    </>
  );
}
