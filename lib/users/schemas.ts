import { z } from "zod";
import { roles } from "@/db/schema";
import { formatFor } from "@/lib/format";
import { currentLocale } from "@/lib/i18n/current";
import { msg } from "@/lib/i18n/translate";

export { roles, type Role, type User } from "@/db/schema";

/**
 * Shared by the forms (react-hook-form resolver) and the server actions: no server-only imports here. Messages are
 * worded when a value is checked, not when this module loads: in the page's language in the browser, the
 * requester's in an action.
 */

export const passwordRules = { min: 12, max: 256 } as const;

type FieldMessage = Parameters<typeof msg>[0] & `server.users.field.${string}`;
/** A lazy zod message from server.users.field. */
const says = (key: FieldMessage) => ({ error: () => msg(key) });
const number = (value: number) => formatFor(currentLocale()).number(value);

export const emailField = z
  .string(says("server.users.field.emailMissing"))
  .trim()
  .min(1, says("server.users.field.emailMissing"))
  .max(254, { error: () => msg("server.users.field.emailTooLong", { max: number(254) }) })
  .pipe(z.email(says("server.users.field.emailInvalid")))
  .transform((v) => v.toLowerCase());

export const nameField = z
  .string(says("server.users.field.nameMissing"))
  .trim()
  .min(1, says("server.users.field.nameMissing"))
  .max(100, { error: () => msg("server.users.field.nameTooLong", { max: number(100) }) })
  // Bidirectional embeddings, overrides and isolates too: they make a name display as another in lists and the audit trail.
  .refine((v) => !/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(v), says("server.users.field.nameControlCharacters"));

export const roleField = z.enum(roles, says("server.users.field.role"));

export const passwordField = z
  .string(says("server.users.field.passwordMissing"))
  .min(passwordRules.min, { error: () => passwordTooShort() })
  .max(passwordRules.max, { error: () => passwordTooLong() });

/** The length rules' words, also said by lib/auth/password-strength.ts. */
export const passwordTooShort = () => msg("server.users.field.passwordTooShort", { min: number(passwordRules.min) });
export const passwordTooLong = () => msg("server.users.field.passwordTooLong", { max: number(passwordRules.max) });

export const userIdField = z.coerce
  .number(says("server.users.field.unknownUser"))
  .int(says("server.users.field.unknownUser"))
  .positive(says("server.users.field.unknownUser"))
  .max(Number.MAX_SAFE_INTEGER, says("server.users.field.unknownUser"));

export const signInSchema = z.object({
  email: emailField,
  // Not the password rules: a sign-in only checks the password, it never tells what a valid one looks like.
  password: z
    .string(says("server.users.field.yourPasswordMissing"))
    .min(1, says("server.users.field.yourPasswordMissing"))
    .max(passwordRules.max, says("server.users.field.wrongEmailOrPassword")),
  callbackUrl: z.string().max(2000).optional(),
});

export const createUserSchema = z.object({
  name: nameField,
  email: emailField,
  role: roleField,
  password: passwordField,
});

export const changeRoleSchema = z.object({ userId: userIdField, role: roleField });
export const setActiveSchema = z.object({ userId: userIdField, active: z.boolean(says("server.users.field.activeOrInactive")) });
export const resetPasswordSchema = z.object({ userId: userIdField, password: passwordField });

export type CreateUserInput = z.infer<typeof createUserSchema>;

export const resetSecondFactorSchema = z.object({ userId: userIdField });
export const secondFactorPolicySchema = z.object({ requiredForAll: z.boolean(says("server.users.field.requiredForAll")) });

/** A person's own password change; strength (common passwords) is checked on the server only. */
export const changePasswordSchema = z
  .object({
    currentPassword: z
      .string(says("server.users.field.currentPasswordMissing"))
      .min(1, says("server.users.field.currentPasswordMissing"))
      .max(passwordRules.max, says("server.users.field.currentPasswordWrong")),
    newPassword: passwordField,
    confirmPassword: z.string(says("server.users.field.confirmPasswordMissing")),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], ...says("server.users.field.passwordsDiffer") });

/** A code from the authenticator app (6 digits) or a recovery code (abcde-fghij); the server tells which. */
export const secondFactorCodeSchema = z.object({
  code: z
    .string(says("server.users.field.codeMissing"))
    .trim()
    .min(1, says("server.users.field.codeMissing"))
    .max(32, says("server.users.field.codeTooLong")),
  callbackUrl: z.string().max(2000).optional(),
});

export const enrolmentCodeSchema = z.object({
  code: z
    .string(says("server.users.field.enrolmentCodeMissing"))
    .trim()
    .regex(/^\d{6}$/, says("server.users.field.enrolmentCodeFormat")),
});
