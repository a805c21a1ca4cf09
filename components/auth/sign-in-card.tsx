import type { ReactNode } from "react";

/** The frame of the sign-in pages: the product's name, then one card with the step's title. */
export function SignInCard({ title, intro, children, wide = false }: { title: string; intro?: ReactNode; children: ReactNode; wide?: boolean }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className={wide ? "w-full max-w-lg" : "w-full max-w-sm"}>
        <div className="mb-6 flex items-center gap-2">
          <span aria-hidden className="flex size-8 items-center justify-center rounded-md bg-brand text-sm font-bold text-white">
            CI
          </span>
          <div>
            <p className="text-base font-semibold leading-tight">Cash In Payouts</p>
            <p className="text-xs text-ink-muted">E-wallet transfers back-office</p>
          </div>
        </div>
        <div className="rounded-lg border border-line bg-surface p-6 shadow-sm">
          <h1 className="mb-1 text-lg font-semibold">{title}</h1>
          {intro ? <div className="mb-5 text-sm text-ink-muted">{intro}</div> : null}
          {children}
        </div>
      </div>
    </main>
  );
}
