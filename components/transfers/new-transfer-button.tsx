import { SendHorizontal } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";

export function NewTransferButton() {
  return (
    <Button asChild>
      <Link href="/transfers/new">
        <SendHorizontal aria-hidden />
        New transfer
      </Link>
    </Button>
  );
}
