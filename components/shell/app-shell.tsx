import { LogOut } from "lucide-react";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { User } from "@/lib/users/schemas";
import { SidebarNav } from "./sidebar-nav";

const roleLabel = { staff: "Staff", manager: "Manager", admin: "Admin" } as const;

/** `signOut` is the sign-out server action, handed down by the layout (components do not import app/). */
export function AppShell({ user, signOut, children }: { user: Pick<User, "name" | "email" | "role">; signOut: () => Promise<void>; children: ReactNode }) {
  return (
    <div className="flex min-h-screen">
      <a
        href="#main"
        className="sr-only rounded-md bg-surface px-3 py-2 focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
      >
        Skip to content
      </a>
      <aside className="sticky top-0 flex h-screen w-56 shrink-0 flex-col border-r border-line bg-surface">
        <div className="flex h-14 items-center gap-2 border-b border-line px-4">
          <span aria-hidden className="flex size-7 items-center justify-center rounded-md bg-brand text-xs font-bold text-white">
            CI
          </span>
          <span className="text-sm font-semibold">Cash In Payouts</span>
        </div>
        <div className="flex-1 overflow-y-auto p-3">
          <SidebarNav role={user.role} />
        </div>
        <div className="border-t border-line p-3">
          <div className="mb-2 px-1">
            <p className="truncate text-sm font-medium" data-testid="current-user-name">
              {user.name}
            </p>
            <p className="truncate text-xs text-ink-muted">{user.email}</p>
            <Badge tone="brand" className="mt-1.5" data-testid="current-user-role">
              {roleLabel[user.role]}
            </Badge>
          </div>
          <form action={signOut}>
            <Button type="submit" variant="ghost" size="sm" className="w-full justify-start">
              <LogOut aria-hidden />
              Sign out
            </Button>
          </form>
        </div>
      </aside>
      <main id="main" className="min-w-0 flex-1 px-8 py-6">
        {children}
      </main>
    </div>
  );
}

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="mb-5 flex flex-wrap items-end justify-between gap-3">
      <div>
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-0.5 text-sm text-ink-muted">{description}</p> : null}
      </div>
      {actions ? <div className="flex gap-2">{actions}</div> : null}
    </header>
  );
}
