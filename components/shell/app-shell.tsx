import { LogOut } from "lucide-react";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { User } from "@/lib/users/schemas";
import { MobileMenu } from "./mobile-menu";
import { SidebarNav } from "./sidebar-nav";

type ShellUser = Pick<User, "name" | "email" | "role">;

/**
 * The signed-in frame. From `md` (768 px) up a sidebar; below it a top bar whose menu button opens the same
 * navigation in a drawer, so a page has the whole width of a phone (docs/language.md#phones).
 * `signOut` is the sign-out server action, handed down by the layout (components do not import app/).
 */
export function AppShell({ user, signOut, children }: { user: ShellUser; signOut: () => Promise<void>; children: ReactNode }) {
  const t = useTranslations();
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <a
        href="#main"
        className="sr-only rounded-md bg-surface px-3 py-2 focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
      >
        {t("shell.skipToContent")}
      </a>
      <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b border-line bg-surface px-3 md:hidden">
        <MobileMenu role={user.role} footer={<UserCard user={user} signOut={signOut} />} />
        <Brand />
      </header>
      <aside className="sticky top-0 hidden h-screen w-56 shrink-0 flex-col border-r border-line bg-surface md:flex">
        <div className="flex h-14 items-center gap-2 border-b border-line px-4">
          <Brand />
        </div>
        <div className="flex-1 overflow-y-auto p-3">
          <SidebarNav role={user.role} />
        </div>
        <div className="border-t border-line p-3">
          <UserCard user={user} signOut={signOut} />
        </div>
      </aside>
      <main id="main" className="min-w-0 flex-1 px-4 py-5 md:px-8 md:py-6">
        {children}
      </main>
    </div>
  );
}

function Brand() {
  const t = useTranslations("meta");
  return (
    <span className="flex items-center gap-2">
      <span aria-hidden className="flex size-7 items-center justify-center rounded-md bg-brand text-xs font-bold text-white">
        {"CI"}
      </span>
      <span className="text-sm font-semibold">{t("appName")}</span>
    </span>
  );
}

function UserCard({ user, signOut }: { user: ShellUser; signOut: () => Promise<void> }) {
  const t = useTranslations();
  return (
    <>
      <div className="mb-2 px-1">
        <p className="truncate text-sm font-medium" data-testid="current-user-name">
          {user.name}
        </p>
        <p className="truncate text-xs text-ink-muted">{user.email}</p>
        <Badge tone="brand" className="mt-1.5" data-testid="current-user-role">
          {t(`roles.${user.role}`)}
        </Badge>
      </div>
      <form action={signOut}>
        <Button type="submit" variant="ghost" size="sm" className="w-full justify-start">
          <LogOut aria-hidden />
          {t("shell.signOut")}
        </Button>
      </form>
    </>
  );
}

/** A page's title, its one-line explanation and its buttons; the buttons wrap under the title on a phone. */
export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="mb-5 flex flex-wrap items-end justify-between gap-3">
      <div className="min-w-0">
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-0.5 text-sm text-ink-muted">{description}</p> : null}
      </div>
      {actions ? <div className="flex flex-wrap gap-2">{actions}</div> : null}
    </header>
  );
}
