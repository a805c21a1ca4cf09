import { useTranslations } from "next-intl";
import type { ComponentProps } from "react";
import { controlClass } from "@/components/ui/input";
import { WALLETS } from "@/lib/cashin/protocol";
import { cn } from "@/lib/cn";
import { walletLabel } from "@/lib/transfers/wallets";

/**
 * The e-wallets as a native select, in the finance team's words. `empty` adds a first option for no
 * wallet ("All wallets"); a `current` value that is not a wallet (a typo from a file) stays shown as is.
 */
export function WalletSelect({ empty, current, className, ...props }: ComponentProps<"select"> & { empty?: string; current?: string }) {
  const t = useTranslations("wallets");
  const unknown = current !== undefined && !(WALLETS as readonly string[]).includes(current);
  return (
    <select {...props} className={cn(controlClass, className)}>
      {empty !== undefined ? <option value="">{empty}</option> : null}
      {unknown ? <option value={current}>{current || t("choose")}</option> : null}
      {WALLETS.map((wallet) => (
        <option key={wallet} value={wallet}>
          {walletLabel[wallet]}
        </option>
      ))}
    </select>
  );
}
