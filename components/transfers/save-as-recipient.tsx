"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { NewRecipientDialog } from "@/components/recipients/recipient-dialogs";
import type { Wallet } from "@/lib/cashin/protocol";
import { formatPhone } from "@/lib/phone-display";

/**
 * On a transfer that went through: keep its wallet and number as a saved recipient, to pay again without retyping
 * (docs/recipients.md), or, once one is saved, a link to it. The New recipient dialog, filled in from the transfer;
 * saving looks the wallet up again. The dialog stays mounted when the page refreshes after saving, so the person
 * still reads the owner's name it found.
 */
export function SaveAsRecipient({
  wallet,
  phone,
  amount,
  memo,
  ownerName,
  savedAs,
}: {
  wallet: Wallet;
  phone: string;
  amount: number;
  memo: string | null;
  ownerName: string;
  savedAs: string | null;
}) {
  const t = useTranslations("transfers.saveAsRecipient");
  return (
    <>
      <NewRecipientDialog
        from={{
          values: { label: ownerName, wallet, phone: formatPhone(phone), defaultAmount: String(amount), defaultMemo: memo ?? "" },
          button: t("button"),
          title: t("title"),
          saved: savedAs !== null,
        }}
      />
      {savedAs !== null ? (
        <Link href={`/recipients?q=${encodeURIComponent(savedAs)}`} className="inline-flex h-9 items-center text-sm font-medium text-brand underline">
          {t("savedAs", { label: savedAs })}
        </Link>
      ) : null}
    </>
  );
}
