import { isMixedScript } from "@/lib/cashin/names";

/** Names come from the payee's wallet: one that mixes alphabets may imitate another person's name. */
export function MixedScriptWarning({ name }: { name: string }) {
  if (!isMixedScript(name)) return null;
  return (
    <p role="note" className="rounded-md bg-warn-soft px-3 py-2 text-xs text-warn">
      This name mixes letters of different alphabets (for example Latin and Cyrillic letters that look the same). Check it carefully: it may
      imitate another person&apos;s name.
    </p>
  );
}
