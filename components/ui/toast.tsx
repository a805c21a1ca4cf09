"use client";

import { useTranslations } from "next-intl";
import { X } from "lucide-react";
import { Toast as ToastPrimitive } from "radix-ui";
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { cn } from "@/lib/cn";

type ToastTone = "ok" | "danger" | "info";
type ToastMessage = { id: number; tone: ToastTone; title: string; description?: string };
type Notify = (toast: Omit<ToastMessage, "id">) => void;

const ToastContext = createContext<Notify | null>(null);

const toneClass: Record<ToastTone, string> = {
  ok: "border-l-ok",
  danger: "border-l-danger",
  info: "border-l-info",
};

export function ToastProvider({ children }: { children: ReactNode }) {
  const t = useTranslations("ui");
  const [toasts, setToasts] = useState<ToastMessage[]>([]);
  const notify = useCallback<Notify>((toast) => {
    setToasts((current) => [...current.slice(-3), { ...toast, id: Date.now() + Math.random() }]);
  }, []);
  const value = useMemo(() => notify, [notify]);
  return (
    <ToastContext.Provider value={value}>
      <ToastPrimitive.Provider swipeDirection="right" duration={6000}>
        {children}
        {toasts.map((toast) => (
          <ToastPrimitive.Root
            key={toast.id}
            type={toast.tone === "danger" ? "foreground" : "background"}
            onOpenChange={(open) => {
              if (!open) setToasts((current) => current.filter((t) => t.id !== toast.id));
            }}
            className={cn(
              "flex items-start gap-3 rounded-md border border-l-4 border-line bg-surface p-3 shadow-lg",
              toneClass[toast.tone],
            )}
          >
            <div className="flex-1">
              <ToastPrimitive.Title className="text-sm font-medium">{toast.title}</ToastPrimitive.Title>
              {toast.description ? (
                <ToastPrimitive.Description className="mt-0.5 text-xs text-ink-muted">{toast.description}</ToastPrimitive.Description>
              ) : null}
            </div>
            <ToastPrimitive.Close aria-label={t("dismiss")} className="-m-1 flex size-7 items-center justify-center rounded text-ink-muted hover:text-ink">
              <X aria-hidden className="size-3.5" />
            </ToastPrimitive.Close>
          </ToastPrimitive.Root>
        ))}
        <ToastPrimitive.Viewport label={t("notifications", { hotkey: "{hotkey}" })} className="fixed right-4 bottom-4 z-[60] flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2 outline-none" />
      </ToastPrimitive.Provider>
    </ToastContext.Provider>
  );
}

export function useToast(): Notify {
  const notify = useContext(ToastContext);
  if (!notify) throw new Error("useToast must be used inside <ToastProvider>");
  return notify;
}
