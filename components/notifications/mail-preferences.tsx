"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useAction } from "@/components/ui/use-action";
import type { NotificationKind } from "@/lib/notifications/kinds";
import type { ActionResult } from "@/lib/result";

/**
 * My account's e-mail notifications (docs/notifications.md#turning-mails-off): one switch per kind the person
 * can receive, all on until turned off. Saved as the kinds turned off.
 */
export function MailPreferences({ kinds, off, save }: { kinds: readonly NotificationKind[]; off: readonly NotificationKind[]; save: (input: unknown) => Promise<ActionResult<null>> }) {
  const t = useTranslations("notifications");
  const [on, setOn] = useState<Set<NotificationKind>>(() => new Set(kinds.filter((kind) => !off.includes(kind))));
  const [saved, setSaved] = useState(() => kinds.filter((kind) => off.includes(kind)).join());
  const { pending, run } = useAction();
  const chosenOff = kinds.filter((kind) => !on.has(kind));
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        run(async () => {
          const result = await save({ off: [...chosenOff, ...off.filter((kind) => !kinds.includes(kind))] });
          if (result.ok) setSaved(chosenOff.join());
          return result;
        });
      }}
    >
      <fieldset>
        <legend className="sr-only">{t("title")}</legend>
        <div className="flex flex-col gap-3">
          {kinds.map((kind) => (
            <label key={kind} className="flex cursor-pointer items-start gap-2 text-sm">
              <input
                type="checkbox"
                name={kind}
                checked={on.has(kind)}
                onChange={(event) => {
                  const checked = event.currentTarget.checked;
                  setOn((current) => {
                    const next = new Set(current);
                    if (checked) next.add(kind);
                    else next.delete(kind);
                    return next;
                  });
                }}
                className="mt-0.5 size-4 shrink-0 accent-brand"
                aria-describedby={`mail-${kind}-hint`}
              />
              <span>
                <span className="font-medium">{t(`kinds.${kind}.label`)}</span>
                <span id={`mail-${kind}-hint`} className="block text-ink-muted">
                  {t(`kinds.${kind}.hint`)}
                </span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <Button type="submit" size="sm" variant="secondary" className="mt-3" disabled={pending || chosenOff.join() === saved}>
        {pending ? t("saving") : t("save")}
      </Button>
    </form>
  );
}
