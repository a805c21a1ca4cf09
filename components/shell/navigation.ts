import type { Role } from "@/lib/users/schemas";

/** Every screen of the app and who may open it (docs/roles.md#who-may-do-what); the sidebar shows only the allowed ones, named by messages `nav.<icon>`. */
export const navigation = [
  { href: "/", icon: "overview", roles: ["staff", "manager", "admin"] },
  { href: "/transfers/new", icon: "send", roles: ["staff", "manager", "admin"] },
  { href: "/recipients", icon: "recipients", roles: ["staff", "manager", "admin"] },
  { href: "/batches", icon: "batches", roles: ["staff", "manager", "admin"] },
  { href: "/transfers", icon: "history", roles: ["staff", "manager", "admin"] },
  { href: "/approvals", icon: "approvals", roles: ["manager"] },
  { href: "/attention", icon: "attention", roles: ["manager", "admin"] },
  { href: "/admin/users", icon: "users", roles: ["admin"] },
  { href: "/admin/limits", icon: "limits", roles: ["admin"] },
  { href: "/admin/tiers", icon: "tiers", roles: ["admin"] },
  { href: "/admin/audit", icon: "audit", roles: ["admin"] },
  { href: "/admin/sign-ins", icon: "signIns", roles: ["admin"] },
  { href: "/admin/sign-in-addresses", icon: "signInAddresses", roles: ["admin"] },
  { href: "/admin/api-keys", icon: "apiKeys", roles: ["admin"] },
  { href: "/admin/webhooks", icon: "webhooks", roles: ["admin"] },
  { href: "/admin/mail", icon: "mail", roles: ["admin"] },
  { href: "/admin/sending", icon: "sending", roles: ["admin"] },
  { href: "/account", icon: "account", roles: ["staff", "manager", "admin"] },
] as const satisfies readonly { href: string; icon: string; roles: readonly Role[] }[];

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
