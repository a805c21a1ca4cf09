import { z } from "zod";
import { roles } from "@/db/schema";

export { roles, type Role, type User } from "@/db/schema";

/** Shared by the forms (react-hook-form resolver) and the server actions: no server-only imports here. */

export const passwordRules = { min: 12, max: 256 } as const;

export const emailField = z
  .string({ error: "Enter an e-mail address" })
  .trim()
  .min(1, "Enter an e-mail address")
  .max(254, "An e-mail address is at most 254 characters")
  .pipe(z.email({ error: "Enter a valid e-mail address, like name@company.co.id" }))
  .transform((v) => v.toLowerCase());

export const nameField = z
  .string({ error: "Enter a name" })
  .trim()
  .min(1, "Enter a name")
  .max(100, "A name is at most 100 characters")
  // Bidirectional embeddings, overrides and isolates too: they make a name display as another in lists and the audit trail.
  .refine((v) => !/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(v), "A name cannot contain control characters");

export const roleField = z.enum(roles, { error: "Choose a role: staff, manager or admin" });

export const passwordField = z
  .string({ error: "Enter a password" })
  .min(passwordRules.min, `A password is at least ${passwordRules.min} characters`)
  .max(passwordRules.max, `A password is at most ${passwordRules.max} characters`);

export const userIdField = z.coerce
  .number({ error: "Unknown user" })
  .int("Unknown user")
  .positive("Unknown user")
  .max(Number.MAX_SAFE_INTEGER, "Unknown user");

export const signInSchema = z.object({
  email: emailField,
  // Not the password rules: a sign-in only checks the password, it never tells what a valid one looks like.
  password: z.string({ error: "Enter your password" }).min(1, "Enter your password").max(passwordRules.max, "Wrong e-mail or password"),
  callbackUrl: z.string().max(2000).optional(),
});

export const createUserSchema = z.object({
  name: nameField,
  email: emailField,
  role: roleField,
  password: passwordField,
});

export const changeRoleSchema = z.object({ userId: userIdField, role: roleField });
export const setActiveSchema = z.object({ userId: userIdField, active: z.boolean({ error: "Choose active or inactive" }) });
export const resetPasswordSchema = z.object({ userId: userIdField, password: passwordField });

export type CreateUserInput = z.infer<typeof createUserSchema>;

export const resetSecondFactorSchema = z.object({ userId: userIdField });
export const secondFactorPolicySchema = z.object({ requiredForAll: z.boolean({ error: "Choose whether staff need a second factor" }) });

/** A person's own password change; strength (common passwords) is checked on the server only. */
export const changePasswordSchema = z
  .object({
    currentPassword: z.string({ error: "Enter your current password" }).min(1, "Enter your current password").max(passwordRules.max, "Your current password is not right"),
    newPassword: passwordField,
    confirmPassword: z.string({ error: "Enter the new password again" }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "The two new passwords differ" });

/** A code from the authenticator app (6 digits) or a recovery code (abcde-fghij); the server tells which. */
export const secondFactorCodeSchema = z.object({
  code: z
    .string({ error: "Enter the code from your app" })
    .trim()
    .min(1, "Enter the code from your app")
    .max(32, "Enter the 6-digit code from your app, or a recovery code"),
  callbackUrl: z.string().max(2000).optional(),
});

export const enrolmentCodeSchema = z.object({
  code: z
    .string({ error: "Enter the 6-digit code from your app" })
    .trim()
    .regex(/^\d{6}$/, "Enter the 6-digit code your app shows now"),
});
