"use server";

import { admins, authorizedAction } from "@/lib/auth/action";
import { setSecondFactorRequiredForAll } from "@/lib/auth/second-factor-policy";
import {
  changeRoleSchema,
  createUserSchema,
  resetPasswordSchema,
  resetSecondFactorSchema,
  secondFactorPolicySchema,
  setActiveSchema,
} from "@/lib/users/schemas";
import { changeRole, createUser, resetPassword, resetSecondFactor, setActive } from "@/lib/users/service";

// Every user change needs a fresh second-factor code (docs/sign-in.md#step-up).
const admin = { roles: admins, revalidate: ["/admin/users"], stepUp: true } as const;

export const createUserAction = authorizedAction({ ...admin, name: "user.create", schema: createUserSchema }, (input, ctx) =>
  createUser({ db: ctx.db, actor: ctx.user, ip: ctx.ip }, input),
);

export const changeRoleAction = authorizedAction({ ...admin, name: "user.role", schema: changeRoleSchema }, (input, ctx) =>
  changeRole({ db: ctx.db, actor: ctx.user, ip: ctx.ip }, input),
);

export const setActiveAction = authorizedAction({ ...admin, name: "user.active", schema: setActiveSchema }, (input, ctx) =>
  setActive({ db: ctx.db, actor: ctx.user, ip: ctx.ip }, input),
);

export const resetPasswordAction = authorizedAction(
  { ...admin, name: "user.password_reset", schema: resetPasswordSchema },
  (input, ctx) => resetPassword({ db: ctx.db, actor: ctx.user, ip: ctx.ip }, input),
);

export const resetSecondFactorAction = authorizedAction(
  { ...admin, name: "user.second_factor_reset", schema: resetSecondFactorSchema, auditInvalid: true },
  (input, ctx) => resetSecondFactor({ db: ctx.db, actor: ctx.user, ip: ctx.ip }, input),
);

export const setSecondFactorPolicyAction = authorizedAction(
  { ...admin, name: "settings.second_factor", schema: secondFactorPolicySchema },
  (input, ctx) => setSecondFactorRequiredForAll({ db: ctx.db, actor: ctx.user, ip: ctx.ip }, input.requiredForAll),
);
