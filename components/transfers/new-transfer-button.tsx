import { SendHorizontal } from "lucide-react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { Button } from "@/components/ui/button";

export function NewTransferButton() {
  const t = useTranslations("transfers");
  return (
    <Button asChild>
      <Link href="/transfers/new">
        <SendHorizontal aria-hidden />
        {t("newTransfer")}
      </Link>
    </Button>
  );
}
