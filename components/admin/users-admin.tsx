"use client";

import { applyFieldErrors } from "@/components/ui/form-errors";
import { zodResolver } from "@hookform/resolvers/zod";
import { KeyRound, ShieldOff, UserPlus } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger } from "@/components/ui/select";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { useAction } from "@/components/ui/use-action";
import { roles, type Role } from "@/lib/users/schemas";
import { generateTemporaryPassword } from "@/lib/auth/temporary-password";
import { createUserSchema } from "@/lib/users/schemas";
import { useServerActions } from "@/components/server-actions";

export type UserRow = {
  id: number;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  createdAt: string;
  secondFactor: boolean;
  secondFactorLockedUntil: string | null;
  temporaryPassword: { expired: boolean; until: string } | null;
  /** A manager an admin just made or re-keyed cannot approve until then (docs/roles.md#two-people-not-two-accounts). */
  approvalHoldUntil: string | null;
};

export function UsersAdmin({ users, currentUserId, secondFactorForAll }: { users: UserRow[]; currentUserId: number; secondFactorForAll: boolean }) {
  const t = useTranslations("users");
  return (
    <div className="flex flex-col gap-3">
      <SecondFactorPolicy requiredForAll={secondFactorForAll} />
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-ink-muted">{t("count", { count: users.length, active: users.filter((u) => u.active).length })}</p>
        <CreateUserDialog />
      </div>
      {/* Phones: one card per person; from md up, the table. */}
      <ul className="flex flex-col gap-2 md:hidden" aria-label={t("listLabel")}>
        {users.map((user) => (
          <UserCard key={user.id} user={user} isSelf={user.id === currentUserId} />
        ))}
      </ul>
      <div className="hidden md:block">
        <Table aria-label={t("listLabel")}>
          <THead>
            <tr>
              <TH>{t("nameAndEmail")}</TH>
              <TH>{t("role")}</TH>
              <TH>{t("status")}</TH>
              <TH>{t("signIn")}</TH>
              <TH className="text-right">{t("actions")}</TH>
            </tr>
          </THead>
          <TBody>
            {users.map((user) => (
              <UserRowView key={user.id} user={user} isSelf={user.id === currentUserId} />
            ))}
          </TBody>
        </Table>
      </div>
    </div>
  );
}

function UserRowView({ user, isSelf }: { user: UserRow; isSelf: boolean }) {
  const t = useTranslations("users");
  return (
    <TR data-testid={`user-row-${user.email}`} className={user.active ? undefined : "text-ink-faint"}>
      <TD className="py-1.5">
        <UserName user={user} isSelf={isSelf} />
        <p className="text-xs text-ink-muted">{t("createdOn", { date: user.createdAt })}</p>
      </TD>
      <TD className="w-36">
        <RoleSelect user={user} />
      </TD>
      <TD>
        <ActiveBadge active={user.active} />
      </TD>
      <TD className="min-w-44 py-1.5 text-xs" data-testid="sign-in-state">
        <SignInState user={user} />
      </TD>
      <TD className="py-1.5 text-right">
        {/* At most two buttons a line: the table fits beside the navigation on a laptop. */}
        <UserActions user={user} isSelf={isSelf} className="ml-auto max-w-72 justify-end" />
      </TD>
    </TR>
  );
}

function UserCard({ user, isSelf }: { user: UserRow; isSelf: boolean }) {
  const t = useTranslations("users");
  return (
    <li data-testid={`user-card-${user.email}`} className={`rounded-lg border border-line bg-surface p-3 ${user.active ? "" : "text-ink-faint"}`}>
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <UserName user={user} isSelf={isSelf} />
        </div>
        <ActiveBadge active={user.active} />
      </div>
      <dl className="mt-2 grid grid-cols-[auto_1fr] items-center gap-x-3 gap-y-1.5 text-sm">
        <dt className="text-xs text-ink-muted">{t("role")}</dt>
        <dd className="w-40">
          <RoleSelect user={user} />
        </dd>
        <dt className="self-start text-xs text-ink-muted">{t("signIn")}</dt>
        <dd className="text-xs">
          <SignInState user={user} />
        </dd>
        <dt className="text-xs text-ink-muted">{t("created")}</dt>
        <dd className="text-ink-muted">{user.createdAt}</dd>
      </dl>
      <UserActions user={user} isSelf={isSelf} className="mt-3" />
    </li>
  );
}

function UserName({ user, isSelf }: { user: UserRow; isSelf: boolean }) {
  const t = useTranslations("users");
  return (
    <>
      <p className="font-medium break-words md:whitespace-nowrap">
        {user.name}
        {isSelf ? <span className="ml-1.5 text-xs font-normal text-ink-muted">{t("you")}</span> : null}
      </p>
      <p className="text-xs break-all text-ink-muted md:break-normal">{user.email}</p>
    </>
  );
}

function ActiveBadge({ active }: { active: boolean }) {
  const t = useTranslations("users");
  return active ? <Badge tone="ok">{t("active")}</Badge> : <Badge tone="neutral">{t("deactivated")}</Badge>;
}

function RoleSelect({ user }: { user: UserRow }) {
  const actions = useServerActions();
  const t = useTranslations("users");
  const roleName = useTranslations("roles");
  const roleChange = useAction();
  return (
    <Select
      value={user.role}
      disabled={roleChange.pending}
      onValueChange={(role) => roleChange.run((stepUp) => actions.changeRole({ userId: user.id, role, ...stepUp }))}
    >
      <SelectTrigger aria-label={t("roleOf", { name: user.name })} className="h-8" />
      <SelectContent>
        {roles.map((role) => (
          <SelectItem key={role} value={role}>
            {roleName(role)}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}

function SignInState({ user }: { user: UserRow }) {
  const t = useTranslations("users");
  return (
    <>
      <p>{user.secondFactor ? t("twoStepOn") : user.role === "staff" ? t("twoStepOff") : t("enrolsAtNextSignIn")}</p>
      {user.secondFactorLockedUntil ? <p className="text-danger">{t("lockedUntil", { until: user.secondFactorLockedUntil })}</p> : null}
      {user.temporaryPassword ? (
        <p className={user.temporaryPassword.expired ? "text-danger" : "text-ink-muted"}>
          {user.temporaryPassword.expired
            ? t("temporaryPasswordExpired", { until: user.temporaryPassword.until })
            : t("temporaryPasswordUntil", { until: user.temporaryPassword.until })}
        </p>
      ) : null}
      {user.approvalHoldUntil ? <p className="text-warn">{t("canApproveFrom", { from: user.approvalHoldUntil })}</p> : null}
    </>
  );
}

function UserActions({ user, isSelf, className }: { user: UserRow; isSelf: boolean; className?: string }) {
  const actions = useServerActions();
  const t = useTranslations("users");
  const activeChange = useAction();
  return (
    <div className={`flex flex-wrap gap-1.5 ${className ?? ""}`}>
      <ResetPasswordDialog user={user} />
      {user.secondFactor && !isSelf ? <ResetSecondFactorButton user={user} /> : null}
      <Button
        variant={user.active ? "secondary" : "primary"}
        size="sm"
        disabled={activeChange.pending}
        aria-label={user.active ? t("deactivateLabel", { name: user.name }) : t("reactivateLabel", { name: user.name })}
        onClick={() => activeChange.run((stepUp) => actions.setActive({ userId: user.id, active: !user.active, ...stepUp }))}
      >
        {user.active ? t("deactivate") : t("reactivate")}
      </Button>
    </div>
  );
}

type CreateUserForm = z.input<typeof createUserSchema>;

function CreateUserDialog() {
  const actions = useServerActions();
  const t = useTranslations("users");
  const common = useTranslations("common");
  const roleName = useTranslations("roles");
  const [open, setOpen] = useState(false);
  const { pending, run } = useAction();
  const form = useForm<CreateUserForm, unknown, z.output<typeof createUserSchema>>({
    resolver: zodResolver(createUserSchema),
    defaultValues: { name: "", email: "", role: "staff", password: "" },
  });
  const { errors } = form.formState;
  const role = useWatch({ control: form.control, name: "role" });

  const onSubmit = form.handleSubmit((values) =>
    run(
      (stepUp) => actions.createUser({ ...values, ...stepUp }),
      (result) => {
        if (result.ok) {
          setOpen(false);
          form.reset({ name: "", email: "", role: "staff", password: "" });
          return;
        }
        applyFieldErrors(form.setError, result);
      },
    ),
  );

  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
    >
      <Button
        aria-haspopup="dialog"
        onClick={() => {
          form.setValue("password", generateTemporaryPassword());
          setOpen(true);
        }}
      >
        <UserPlus aria-hidden />
        {t("addUser")}
      </Button>
      <DialogContent title={t("addUser")} description={t("addUserDescription")}>
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3">
          <Field id="new-name" label={t("name")} error={errors.name?.message}>
            {(aria) => <Input {...aria} autoComplete="off" {...form.register("name")} />}
          </Field>
          <Field id="new-email" label={t("email")} error={errors.email?.message}>
            {(aria) => <Input {...aria} type="email" autoComplete="off" {...form.register("email")} />}
          </Field>
          <Field id="new-role" label={t("role")} error={errors.role?.message}>
            {(aria) => (
              <Select value={role} onValueChange={(value) => form.setValue("role", value as Role, { shouldValidate: true })}>
                <SelectTrigger {...aria} />
                <SelectContent>
                  {roles.map((r) => (
                    <SelectItem key={r} value={r}>
                      {roleName(r)}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            )}
          </Field>
          <Field id="new-password" label={t("temporaryPassword")} hint={t("temporaryPasswordHint")} error={errors.password?.message}>
            {(aria) => <Input {...aria} className="font-mono" autoComplete="new-password" {...form.register("password")} />}
          </Field>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">{common("cancel")}</Button>
            </DialogClose>
            <Button type="submit" disabled={pending}>
              {pending ? t("creating") : t("createUser")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function ResetPasswordDialog({ user }: { user: UserRow }) {
  const actions = useServerActions();
  const t = useTranslations("users");
  const common = useTranslations("common");
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>();
  const { pending, run } = useAction();

  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
    >
      <Button
        variant="secondary"
        size="sm"
        aria-label={t("resetPasswordLabel", { name: user.name })}
        onClick={() => {
          setError(undefined);
          setPassword(generateTemporaryPassword());
          setOpen(true);
        }}
      >
        <KeyRound aria-hidden />
        {t("resetPassword")}
      </Button>
      <DialogContent title={t("resetPasswordTitle", { name: user.name })} description={t("resetPasswordDescription")}>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            run(
              (stepUp) => actions.resetPassword({ userId: user.id, password, ...stepUp }),
              (result) => {
                if (result.ok) setOpen(false);
                else setError(result.fieldErrors?.password?.[0] ?? result.message);
              },
            );
          }}
        >
          <Field id={`reset-${user.id}`} label={t("newTemporaryPassword")} error={error}>
            {(aria) => (
              <Input
                {...aria}
                className="font-mono"
                autoComplete="new-password"
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            )}
          </Field>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">{common("cancel")}</Button>
            </DialogClose>
            <Button type="submit" disabled={pending}>
              {pending ? t("resetting") : t("resetPassword")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function ResetSecondFactorButton({ user }: { user: UserRow }) {
  const actions = useServerActions();
  const t = useTranslations("users");
  const common = useTranslations("common");
  const [open, setOpen] = useState(false);
  const { pending, run } = useAction();
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button variant="secondary" size="sm" aria-label={t("resetTwoStepLabel", { name: user.name })} onClick={() => setOpen(true)}>
        <ShieldOff aria-hidden />
        {t("resetTwoStep")}
      </Button>
      <DialogContent title={t("resetTwoStepTitle", { name: user.name })} description={t("resetTwoStepDescription")}>
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">{common("cancel")}</Button>
          </DialogClose>
          <Button
            variant="danger"
            disabled={pending}
            onClick={() => run((stepUp) => actions.resetSecondFactor({ userId: user.id, ...stepUp }), (result) => result.ok && setOpen(false))}
          >
            {pending ? t("resetting") : t("resetTwoStepConfirm")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function SecondFactorPolicy({ requiredForAll }: { requiredForAll: boolean }) {
  const actions = useServerActions();
  const t = useTranslations("users");
  const { pending, run } = useAction();
  return (
    <label className="flex items-start gap-2 rounded-md border border-line bg-surface p-3 text-sm">
      <input
        type="checkbox"
        className="mt-0.5 size-4"
        checked={requiredForAll}
        disabled={pending}
        onChange={(event) => {
          const next = event.currentTarget.checked;
          run((stepUp) => actions.setSecondFactorPolicy({ requiredForAll: next, ...stepUp }));
        }}
      />
      <span>
        <span className="font-medium">{t("policyTitle")}</span>
        <span className="block text-xs text-ink-muted">{t("policyBody")}</span>
      </span>
    </label>
  );
}
