"use server";

import { admins, authorizedAction } from "@/lib/auth/action";
import { changeRoleSchema, createUserSchema, resetPasswordSchema, setActiveSchema } from "@/lib/users/schemas";
import { changeRole, createUser, resetPassword, setActive } from "@/lib/users/service";

const admin = { roles: admins, revalidate: ["/admin/users"] } as const;

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
