import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="max-w-md rounded-lg border border-line bg-surface p-6 text-center shadow-sm">
        <p className="text-xs font-semibold tracking-wide text-danger uppercase">403 · Not allowed</p>
        <h1 className="mt-2 text-lg font-semibold">You do not have access to this page</h1>
        <p className="mt-2 text-sm text-ink-muted">Your role does not include this screen. If you need it, ask an admin.</p>
        <Link href="/" className="mt-4 inline-block text-sm font-medium text-brand hover:underline">
          Back to the overview
        </Link>
      </div>
    </main>
  );
}
