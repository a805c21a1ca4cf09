"use client";

import { applyFieldErrors } from "@/components/ui/form-errors";
import { zodResolver } from "@hookform/resolvers/zod";
import { KeyRound, ShieldOff, UserPlus } from "lucide-react";
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

const roleLabel: Record<Role, string> = { staff: "Staff", manager: "Manager", admin: "Admin" };

export function UsersAdmin({ users, currentUserId, secondFactorForAll }: { users: UserRow[]; currentUserId: number; secondFactorForAll: boolean }) {
  return (
    <div className="flex flex-col gap-3">
      <SecondFactorPolicy requiredForAll={secondFactorForAll} />
      <div className="flex items-center justify-between">
        <p className="text-sm text-ink-muted">
          {users.length} {users.length === 1 ? "user" : "users"} · {users.filter((u) => u.active).length} active
        </p>
        <CreateUserDialog />
      </div>
      <Table>
        <THead>
          <tr>
            <TH>Name and e-mail</TH>
            <TH>Role</TH>
            <TH>Status</TH>
            <TH>Sign-in</TH>
            <TH>Created</TH>
            <TH className="text-right">Actions</TH>
          </tr>
        </THead>
        <TBody>
          {users.map((user) => (
            <UserRowView key={user.id} user={user} isSelf={user.id === currentUserId} />
          ))}
        </TBody>
      </Table>
    </div>
  );
}

function UserRowView({ user, isSelf }: { user: UserRow; isSelf: boolean }) {
  const actions = useServerActions();
  const roleChange = useAction();
  const activeChange = useAction();
  return (
    <TR data-testid={`user-row-${user.email}`} className={user.active ? undefined : "text-ink-faint"}>
      <TD className="py-1.5">
        <p className="font-medium whitespace-nowrap">
          {user.name}
          {isSelf ? <span className="ml-1.5 text-xs font-normal text-ink-muted">(you)</span> : null}
        </p>
        <p className="text-xs text-ink-muted">{user.email}</p>
      </TD>
      <TD className="w-36">
        <Select
          value={user.role}
          disabled={roleChange.pending}
          onValueChange={(role) => roleChange.run((stepUp) => actions.changeRole({ userId: user.id, role, ...stepUp }))}
        >
          <SelectTrigger aria-label={`Role of ${user.name}`} className="h-8" />
          <SelectContent>
            {roles.map((role) => (
              <SelectItem key={role} value={role}>
                {roleLabel[role]}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </TD>
      <TD>{user.active ? <Badge tone="ok">Active</Badge> : <Badge tone="neutral">Deactivated</Badge>}</TD>
      <TD className="min-w-44 py-1.5 text-xs" data-testid="sign-in-state">
        <p>{user.secondFactor ? "Two-step on" : user.role === "staff" ? "Two-step off" : "Enrols at next sign-in"}</p>
        {user.secondFactorLockedUntil ? <p className="text-danger">Locked after wrong codes until {user.secondFactorLockedUntil}</p> : null}
        {user.temporaryPassword ? (
          <p className={user.temporaryPassword.expired ? "text-danger" : "text-ink-muted"}>
            Temporary password {user.temporaryPassword.expired ? "expired" : "until"} {user.temporaryPassword.until}
          </p>
        ) : null}
        {user.approvalHoldUntil ? <p className="text-warn">Can approve from {user.approvalHoldUntil}</p> : null}
      </TD>
      <TD className="whitespace-nowrap text-ink-muted">{user.createdAt}</TD>
      <TD className="text-right whitespace-nowrap">
        <div className="flex justify-end gap-1.5">
          <ResetPasswordDialog user={user} />
          {user.secondFactor && !isSelf ? <ResetSecondFactorButton user={user} /> : null}
          <Button
            variant={user.active ? "secondary" : "primary"}
            size="sm"
            disabled={activeChange.pending}
            aria-label={`${user.active ? "Deactivate" : "Reactivate"} ${user.name}`}
            onClick={() => activeChange.run((stepUp) => actions.setActive({ userId: user.id, active: !user.active, ...stepUp }))}
          >
            {user.active ? "Deactivate" : "Reactivate"}
          </Button>
        </div>
      </TD>
    </TR>
  );
}

type CreateUserForm = z.input<typeof createUserSchema>;

function CreateUserDialog() {
  const actions = useServerActions();
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
        Add user
      </Button>
      <DialogContent title="Add user" description="They sign in with this temporary password; give it to them in person or by phone.">
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3">
          <Field id="new-name" label="Name" error={errors.name?.message}>
            {(aria) => <Input {...aria} autoComplete="off" {...form.register("name")} />}
          </Field>
          <Field id="new-email" label="E-mail" error={errors.email?.message}>
            {(aria) => <Input {...aria} type="email" autoComplete="off" {...form.register("email")} />}
          </Field>
          <Field id="new-role" label="Role" error={errors.role?.message}>
            {(aria) => (
              <Select value={role} onValueChange={(value) => form.setValue("role", value as Role, { shouldValidate: true })}>
                <SelectTrigger {...aria} />
                <SelectContent>
                  {roles.map((r) => (
                    <SelectItem key={r} value={r}>
                      {roleLabel[r]}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            )}
          </Field>
          <Field id="new-password" label="Temporary password" hint="At least 12 characters." error={errors.password?.message}>
            {(aria) => <Input {...aria} className="font-mono" autoComplete="new-password" {...form.register("password")} />}
          </Field>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" disabled={pending}>
              {pending ? "Creating…" : "Create user"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function ResetPasswordDialog({ user }: { user: UserRow }) {
  const actions = useServerActions();
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
        aria-label={`Reset password of ${user.name}`}
        onClick={() => {
          setError(undefined);
          setPassword(generateTemporaryPassword());
          setOpen(true);
        }}
      >
        <KeyRound aria-hidden />
        Reset password
      </Button>
      <DialogContent
        title={`Reset ${user.name}'s password`}
        description="Their open sessions end at once. Give them the new temporary password in person or by phone."
      >
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
          <Field id={`reset-${user.id}`} label="New temporary password" error={error}>
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
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" disabled={pending}>
              {pending ? "Resetting…" : "Reset password"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function ResetSecondFactorButton({ user }: { user: UserRow }) {
  const actions = useServerActions();
  const [open, setOpen] = useState(false);
  const { pending, run } = useAction();
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button variant="secondary" size="sm" aria-label={`Reset two-step sign-in of ${user.name}`} onClick={() => setOpen(true)}>
        <ShieldOff aria-hidden />
        Reset two-step
      </Button>
      <DialogContent
        title={`Reset ${user.name}'s two-step sign-in`}
        description="For a lost or replaced phone. Their sessions end at once, they set up a new authenticator at their next sign-in, and a manager cannot approve for 24 hours."
      >
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button
            variant="danger"
            disabled={pending}
            onClick={() => run((stepUp) => actions.resetSecondFactor({ userId: user.id, ...stepUp }), (result) => result.ok && setOpen(false))}
          >
            {pending ? "Resetting…" : "Reset two-step sign-in"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function SecondFactorPolicy({ requiredForAll }: { requiredForAll: boolean }) {
  const actions = useServerActions();
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
        <span className="font-medium">Everyone signs in in two steps</span>
        <span className="block text-xs text-ink-muted">
          Managers and admins always do. With this on, staff must also set up an authenticator app at their next page.
        </span>
      </span>
    </label>
  );
}
