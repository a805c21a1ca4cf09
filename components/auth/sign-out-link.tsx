import { useTranslations } from "next-intl";

/** Leaves a sign-in half-way (another account, or later): the half-signed-in session is revoked. */
export function SignOutLink({ signOut }: { signOut: () => Promise<void> }) {
  const t = useTranslations("auth");
  return (
    <form action={signOut} className="mt-4 border-t border-line pt-3 text-center">
      <button type="submit" className="min-h-6 text-xs text-ink-muted underline-offset-4 hover:text-ink hover:underline">
        {t("signOutAndSwitch")}
      </button>
    </form>
  );
}
