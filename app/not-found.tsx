import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="max-w-md rounded-lg border border-line bg-surface p-6 text-center shadow-sm">
        <p className="text-xs font-semibold tracking-wide text-ink-muted uppercase">404</p>
        <h1 className="mt-2 text-lg font-semibold">This page does not exist</h1>
        <Link href="/" className="mt-4 inline-block text-sm font-medium text-brand hover:underline">
          Back to the overview
        </Link>
      </div>
    </main>
  );
}
