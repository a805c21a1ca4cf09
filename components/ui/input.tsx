import type { ComponentProps } from "react";
import { cn } from "@/lib/cn";

export const controlClass =
  "h-9 w-full rounded-md border border-line-strong bg-surface px-2.5 text-sm text-ink shadow-xs placeholder:text-ink-faint disabled:cursor-not-allowed disabled:bg-canvas aria-invalid:border-danger aria-invalid:ring-1 aria-invalid:ring-danger";

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cn(controlClass, className)} {...props} />;
}
