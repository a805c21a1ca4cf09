import type { Role } from "./schema";

/**
 * Demo users for the embedded demo and the end-to-end tests. Two managers, because a transfer needs a
 * second person to approve it. Demo only: a real deployment creates its users from the admin screen.
 */
export const demoUsers = [
  { name: "Sari Wulandari", email: "staff@demo.test", role: "staff", password: "demo-staff-pass" },
  { name: "Bambang Prasetyo", email: "manager@demo.test", role: "manager", password: "demo-manager-pass" },
  { name: "Citra Maharani", email: "manager2@demo.test", role: "manager", password: "demo-manager2-pass" },
  { name: "Ayu Lestari", email: "admin@demo.test", role: "admin", password: "demo-admin-pass" },
] as const satisfies readonly { name: string; email: string; role: Role; password: string }[];
