import { percentile, result, timeMsAsync, type CaseResult } from "../measure";

/**
 * Case 6: server response time (request sent → body read to the end) of two signed-in pages under
 * `next start`, one request at a time, against a static asset of the same server (the app's stylesheet),
 * the floor of any response. Issue 12 sets the history page's p95 at most 5× that floor, issue 16 the
 * overview's with its dashboard too; the new-transfer page is reported beside them, without a target. The overview
 * visits that must read a range's figures (reported without a target) run in a second phase, after the others.
 */

type Cookies = Map<string, string>;

function keepCookies(jar: Cookies, response: Response): void {
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(";", 1)[0]!;
    const at = pair.indexOf("=");
    const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1)];
    if (value) jar.set(name, value);
    else jar.delete(name);
  }
}

const cookieHeader = (jar: Cookies) => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");

/** Signs in through Auth.js's credentials endpoint, as the login form does; returns the Cookie header. */
export async function signIn(baseUrl: string, login: { email: string; password: string }): Promise<string> {
  // The pages are read in English (the interface's default is Indonesian), so the checks below find their words.
  const jar: Cookies = new Map([["locale", "en"]]);
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  keepCookies(jar, csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const callback = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrfToken, email: login.email, password: login.password, callbackUrl: `${baseUrl}/transfers` }),
  });
  await callback.arrayBuffer();
  keepCookies(jar, callback);
  if (![...jar.keys()].some((name) => name.endsWith("authjs.session-token"))) {
    throw new Error(`pages: signing in as ${login.email} failed (HTTP ${callback.status}, ${callback.headers.get("location") ?? "no redirect"})`);
  }
  return cookieHeader(jar);
}

type Target = { label: string; path: string; expect?: string; p95AtMost?: number; /** Another path on each request (ranges the dashboard has not read lately). */ paths?: () => string };

/** `dd/mm/yyyy` of the Jakarta day `daysAgo` days before today. */
function jakartaDayText(daysAgo: number): string {
  const day = new Date(Date.now() + 7 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
  const [y, m, d] = day.split("-");
  return `${d}/${m}/${y}`;
}

/** 40 different 30-day ranges in turn: more than the dashboard keeps (20), so each visit reads its figures. */
function uncachedRanges(): () => string {
  let next = 0;
  return () => {
    const shift = 1 + (next++ % 40);
    return `/?from=${encodeURIComponent(jakartaDayText(shift + 29))}&to=${encodeURIComponent(jakartaDayText(shift))}`;
  };
}

export async function pagesCase(
  baseUrl: string,
  { cookie, stylesheet, requests, warmup }: { cookie: string; stylesheet: string; requests: number; warmup: number },
): Promise<CaseResult[]> {
  const pages: Target[] = [
    { label: "history page /transfers", path: "/transfers", expect: "All transfers", p95AtMost: 5 },
    { label: "new-transfer page /transfers/new", path: "/transfers/new", expect: "New transfer" },
    // Issue 16: the overview with its dashboard (the last 30 days' figures) within the history page's budget.
    { label: "overview with dashboard /", path: "/", expect: "Top recipients", p95AtMost: 5 },
    // The visit that reads the figures again (once a minute per range): reported, without a target (docs/dashboard.md#freshness).
    { label: "overview, dashboard figures read on the visit", path: "/", paths: uncachedRanges(), expect: "Top recipients" },
  ];
  const asset: Target = { label: "stylesheet", path: stylesheet };
  // The visits that read figures keep a core busy for over a second each; measured among the others, their aftermath
  // lands in the other pages' p95s (the overview's doubled, the history page's grew by a quarter). They get a phase of
  // their own, after the others, with the stylesheet measured again beside them.
  const [steady, reading] = [pages.filter((page) => !page.paths), pages.filter((page) => page.paths)];

  const get = async (target: Target) => {
    let body = "";
    const path = target.paths?.() ?? target.path;
    const ms = await timeMsAsync(async () => {
      const response = await fetch(`${baseUrl}${path}`, { headers: { Cookie: cookie }, redirect: "manual" });
      body = await response.text();
      if (response.status !== 200) throw new Error(`pages: GET ${path} answered ${response.status}`);
    });
    if (target.expect && !body.includes(target.expect)) throw new Error(`pages: GET ${path} did not render "${target.expect}"`);
    return ms;
  };

  const phase = async (phasePages: Target[], { warmup, requests }: { warmup: number; requests: number }) => {
    const targets = [...phasePages, asset];
    // The first requests render cold: caches, the database's pages, and code the JIT has not optimized yet.
    for (let i = 0; i < warmup; i++) for (const target of targets) await get(target);
    const samples = new Map<Target, number[]>(targets.map((target) => [target, []]));
    for (let i = 0; i < requests; i++) {
      // Rotate who goes first, so a slow moment does not always hit the same one.
      for (let j = 0; j < targets.length; j++) {
        const target = targets[(i + j) % targets.length]!;
        samples.get(target)!.push(await get(target));
      }
    }
    const assetSamples = samples.get(asset)!;
    return phasePages.flatMap((page) =>
      (["p50", "p95"] as const).map((label) => {
        const p = label === "p50" ? 0.5 : 0.95;
        const target = label === "p95" && page.p95AtMost !== undefined ? ({ of: "ratio", op: "<=", limit: page.p95AtMost } as const) : undefined;
        return result(`page: ${page.label} (${label})`, "ms", percentile(samples.get(page)!, p), percentile(assetSamples, p), target);
      }),
    );
  };
  // Each visit of the second phase keeps a core busy for about a second: 10 rounds of warm-up and at most 100 loads.
  return [...(await phase(steady, { warmup, requests })), ...(await phase(reading, { warmup: 10, requests: Math.min(requests, 100) }))];
}
