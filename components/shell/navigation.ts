import type { Role } from "@/db/schema";

/** Every screen of the app and who may open it (SPEC §3.1); the sidebar shows only the allowed ones. */
export const navigation = [
  { href: "/", label: "Overview", icon: "overview", roles: ["staff", "manager", "admin"] },
  { href: "/admin/users", label: "Users", icon: "users", roles: ["admin"] },
] as const satisfies readonly { href: string; label: string; icon: string; roles: readonly Role[] }[];

export type NavIcon = (typeof navigation)[number]["icon"];

export function navigationFor(role: Role) {
  return navigation.filter((item) => (item.roles as readonly Role[]).includes(role));
}
