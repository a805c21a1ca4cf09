import { useTranslations } from "next-intl";
import { isMixedScript } from "@/lib/cashin/names";

/** Names come from the payee's wallet: one that mixes alphabets may imitate another person's name. */
export function MixedScriptWarning({ name }: { name: string }) {
  const t = useTranslations("transfers");
  if (!isMixedScript(name)) return null;
  return (
    <p role="note" className="rounded-md bg-warn-soft px-3 py-2 text-xs text-warn">
      {t("mixedScript")}
    </p>
  );
}
