import type { Role } from "@/lib/users/schemas";

/** Every screen of the app and who may open it (docs/roles.md#who-may-do-what); the sidebar shows only the allowed ones. */
export const navigation = [
  { href: "/", label: "Overview", icon: "overview", roles: ["staff", "manager", "admin"] },
  { href: "/transfers/new", label: "New transfer", icon: "send", roles: ["staff", "manager", "admin"] },
  { href: "/batches", label: "Batch payouts", icon: "batches", roles: ["staff", "manager", "admin"] },
  { href: "/transfers", label: "History", icon: "history", roles: ["staff", "manager", "admin"] },
  { href: "/approvals", label: "Approvals", icon: "approvals", roles: ["manager"] },
  { href: "/attention", label: "Needs attention", icon: "attention", roles: ["manager", "admin"] },
  { href: "/admin/users", label: "Users", icon: "users", roles: ["admin"] },
  { href: "/admin/limits", label: "Limits", icon: "limits", roles: ["admin"] },
  { href: "/admin/audit", label: "Audit trail", icon: "audit", roles: ["admin"] },
  { href: "/admin/sign-ins", label: "Sign-ins", icon: "signIns", roles: ["admin"] },
  { href: "/account", label: "My account", icon: "account", roles: ["staff", "manager", "admin"] },
] as const satisfies readonly { href: string; label: string; icon: string; roles: readonly Role[] }[];

export type NavIcon = (typeof navigation)[number]["icon"];

export function navigationFor(role: Role) {
  return navigation.filter((item) => (item.roles as readonly Role[]).includes(role));
}

/** The entry a path belongs to: the longest matching href, so /transfers/new is not also "History". */
export function activeHref(pathname: string): string | undefined {
  return navigation
    .map((item) => item.href)
    .filter((href) => (href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`)))
    .sort((a, b) => b.length - a.length)[0];
}
