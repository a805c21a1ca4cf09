import { useLocale, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { useFormat } from "@/components/i18n/use-format";
import { Badge } from "@/components/ui/badge";
import { WALLETS } from "@/lib/cashin/protocol";
import type { DashboardFigures, DayVolume } from "@/lib/dashboard/figures";
import { durationWords } from "@/lib/dashboard/duration";
import { outcomes } from "@/lib/dashboard/outcomes";
import { maxRangeDays, type RangeChoice } from "@/lib/dashboard/range";
import { jakartaDayStart } from "@/lib/jakarta";
import { formatPhone } from "@/lib/phone-display";
import { walletLabel } from "@/lib/transfers/wallets";
import { chartNumbers } from "./chart-numbers";
import { outcomeColor, recipientColor, walletColor } from "./colors";
import type { VolumeDay } from "./charts";
import { OutcomeChart, TopRecipientsChart, VolumeChart } from "./lazy-charts";
import { DashboardRangeForm } from "./range-form";

/*
 * The overview's dashboard (docs/dashboard.md): the range form, then four figures, each a card with what it
 * counts in words, a chart (drawn in the browser) described by its label, a legend in words and the same
 * numbers as a table under "Show as table".
 */

export function Dashboard({ choice, figures, asOf }: { choice: RangeChoice; figures: DashboardFigures; asOf: Date }) {
  const t = useTranslations("dashboard");
  const format = useFormat();
  const { range } = choice;
  return (
    <section id="dashboard" aria-labelledby="dashboard-heading" className="mt-8 scroll-mt-4">
      <div className="mb-3 flex flex-col gap-3 lg:flex-row lg:items-end lg:justify-between">
        <div className="min-w-0">
          <h2 id="dashboard-heading" className="text-base font-semibold">
            {t("title")}
          </h2>
          <p className="text-sm text-ink-muted">
            {t("description", { from: format.date(jakartaDayStart(range.from)), to: format.date(jakartaDayStart(range.to)) })}{" "}
            <span data-testid="dashboard-as-of">{t("asOf", { time: format.time(asOf) })}</span>
          </p>
        </div>
        <DashboardRangeForm from={range.from} to={range.to} isDefault={choice.isDefault} />
      </div>
      {choice.problem ? (
        <p role="alert" className="mb-3 rounded-lg border border-warn/40 bg-warn-soft px-3 py-2 text-sm text-warn" data-testid="dashboard-range-problem">
          {t(`range.problems.${choice.problem}`, { max: maxRangeDays })}
        </p>
      ) : null}
      <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
        <Volume figures={figures} isDefault={choice.isDefault} />
        <Outcomes figures={figures} />
        <TimeToSettle figures={figures} />
        <TopRecipients figures={figures} />
      </div>
    </section>
  );
}

function Card({ title, counted, wide, testId, children }: { title: string; counted: string; wide?: boolean; testId: string; children: ReactNode }) {
  const id = `${testId}-title`;
  return (
    <section aria-labelledby={id} data-testid={testId} className={`min-w-0 rounded-lg border border-line bg-surface p-4 ${wide ? "lg:col-span-2" : ""}`}>
      <h3 id={id} className="text-sm font-semibold">
        {title}
      </h3>
      <p className="mt-0.5 text-xs text-ink-muted">{counted}</p>
      <div className="mt-3">{children}</div>
    </section>
  );
}

/** The chart's drawing: one image for assistive technology, described by `label`. */
function ChartBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="img" aria-label={label} className="min-w-0">
      {children}
    </div>
  );
}

/** A legend entry: the colour and its words, so no chart is read by colour alone. */
function Swatch({ color, children }: { color: string; children: ReactNode }) {
  return (
    <li className="flex min-w-0 items-center gap-1.5">
      <span aria-hidden className="size-2.5 shrink-0 rounded-sm" style={{ backgroundColor: color }} />
      <span className="min-w-0 break-words">{children}</span>
    </li>
  );
}

/**
 * The figures as a table, under a disclosure: what a screen reader or a person who wants the numbers reads. The data
 * cells' classes are set once on the table (`cells`; the volume's has 186 cells): written on each cell they were a
 * tenth of the overview's bytes.
 */
const cells = "[&_td]:h-9 [&_td]:px-3 [&_td]:align-middle [&_td]:whitespace-nowrap [&_td]:tabular-nums";

function TableFallback({ caption, className, children }: { caption: string; className?: string; children: ReactNode }) {
  const t = useTranslations("dashboard");
  return (
    <details className="group mt-3 text-sm">
      <summary className="inline-flex min-h-6 cursor-pointer items-center text-xs font-medium text-brand hover:underline">{t("showTable")}</summary>
      <div role="region" aria-label={caption} tabIndex={0} className="mt-2 overflow-x-auto rounded-md border border-line">
        <table className={`w-full border-collapse text-sm ${cells} ${className ?? ""}`}>
          <caption className="sr-only">{caption}</caption>
          {children}
        </table>
      </div>
    </details>
  );
}

const th = "h-9 border-b border-line bg-canvas px-3 text-left text-xs font-medium whitespace-nowrap text-ink-muted";
/** A row's header cell, styled as the data cells. */
const td = "h-9 px-3 align-middle whitespace-nowrap tabular-nums";

function Empty({ children }: { children: ReactNode }) {
  return <p className="rounded-md border border-dashed border-line-strong px-3 py-6 text-center text-sm text-ink-muted">{children}</p>;
}

function Volume({ figures, isDefault }: { figures: DashboardFigures; isDefault: boolean }) {
  const t = useTranslations("dashboard.volume");
  const format = useFormat();
  const { volume, range } = figures;
  const busiest = volume.days.reduce((a, b) => (b.total > a.total ? b : a), volume.days[0]!);
  const from = format.date(jakartaDayStart(range.from));
  const to = format.date(jakartaDayStart(range.to));
  const label =
    volume.count > 0
      ? t("chartLabel", { from, to, total: format.rupiah(volume.total), day: format.date(jakartaDayStart(busiest.day)), dayTotal: format.rupiah(busiest.total) })
      : t("chartLabelEmpty", { from, to });
  return (
    <Card title={isDefault ? t("titleDefault") : t("title")} counted={t("counted")} wide testId="dashboard-volume">
      <p className="mb-2 text-sm">
        <span className="text-xl font-semibold tabular-nums" data-testid="dashboard-volume-total">
          {format.rupiah(volume.total)}
        </span>{" "}
        <span className="text-ink-muted" data-testid="dashboard-volume-count">
          {t("transfers", { count: volume.count })}
        </span>
      </p>
      {volume.count > 0 ? (
        <>
          <ChartBox label={label}>
            <VolumeChart days={volume.days.map(chartDay)} />
          </ChartBox>
          <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-ink">
            {WALLETS.map((wallet) => (
              <Swatch key={wallet} color={walletColor[wallet]}>
                {walletLabel[wallet]} <span className="text-ink-muted tabular-nums">{format.rupiah(volume.byWallet[wallet].total)}</span>
              </Swatch>
            ))}
          </ul>
        </>
      ) : (
        <Empty>{t("none")}</Empty>
      )}
      <TableFallback caption={t("caption")} className="[&_td>span]:block [&_td>span]:text-xs [&_td>span]:font-normal [&_td>span]:text-ink-muted">
        <thead>
          <tr>
            <th scope="col" className={th}>
              {t("day")}
            </th>
            {WALLETS.map((wallet) => (
              <th key={wallet} scope="col" className={`${th} text-right`}>
                {walletLabel[wallet]}
              </th>
            ))}
            <th scope="col" className={`${th} text-right`}>
              {t("total")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {volume.days.map((day) => (
            <tr key={day.day} data-day={day.day}>
              <th scope="row" className={`${td} text-left font-normal`}>
                {format.date(jakartaDayStart(day.day))}
              </th>
              {WALLETS.map((wallet) => (
                <VolumeCell key={wallet} tally={day.byWallet[wallet]} />
              ))}
              <VolumeCell tally={day} strong />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="border-t border-line-strong">
            <th scope="row" className={`${td} text-left`}>
              {t("allDays")}
            </th>
            {WALLETS.map((wallet) => (
              <VolumeCell key={wallet} tally={volume.byWallet[wallet]} strong />
            ))}
            <VolumeCell tally={volume} strong />
          </tr>
        </tfoot>
      </TableFallback>
    </Card>
  );
}

/** A day as the chart draws it: the rupiah paid per wallet. */
function chartDay(day: DayVolume): VolumeDay {
  return { day: day.day, DANA: day.byWallet.DANA.total, OVO: day.byWallet.OVO.total, GOPAY: day.byWallet.GOPAY.total, SHOPEEPAY: day.byWallet.SHOPEEPAY.total };
}

function VolumeCell({ tally, strong }: { tally: { count: number; total: number }; strong?: boolean }) {
  const t = useTranslations("dashboard.volume");
  const format = useFormat();
  return (
    <td className={strong ? "text-right font-semibold" : "text-right"}>
      {format.rupiah(tally.total)}
      <span>{t("transfers", { count: tally.count })}</span>
    </td>
  );
}

function Outcomes({ figures }: { figures: DashboardFigures }) {
  const t = useTranslations("dashboard.outcomes");
  const format = useFormat();
  const numbers = chartNumbers(useLocale());
  const share = figures.outcomes;
  const parts = outcomes.map((outcome) => ({ outcome, count: share[outcome], ratio: share.total > 0 ? share[outcome] / share.total : 0 }));
  const label = t("chartLabel", {
    count: share.total,
    parts: parts
      .filter((part) => part.count > 0)
      .map((part) => t("part", { outcome: t(part.outcome), share: numbers.percent(part.ratio) }))
      .join(", "),
  });
  return (
    <Card title={t("title")} counted={t("counted")} testId="dashboard-outcomes">
      {share.total > 0 ? (
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
          <div className="w-full sm:w-44 sm:shrink-0">
            <ChartBox label={label}>
              <OutcomeChart parts={parts.map(({ outcome, count }) => ({ outcome, count }))} />
            </ChartBox>
          </div>
          <ul className="flex min-w-0 flex-col gap-1 text-sm">
            {parts.map((part) => (
              <Swatch key={part.outcome} color={outcomeColor[part.outcome]}>
                {t(part.outcome)}{" "}
                <span className="font-semibold tabular-nums">{numbers.percent(part.ratio)}</span>{" "}
                <span className="text-xs text-ink-muted tabular-nums">({format.number(part.count)})</span>
              </Swatch>
            ))}
          </ul>
        </div>
      ) : (
        <Empty>{t("none")}</Empty>
      )}
      <TableFallback caption={t("caption")}>
        <thead>
          <tr>
            <th scope="col" className={th}>
              {t("outcome")}
            </th>
            <th scope="col" className={`${th} text-right`}>
              {t("transfers")}
            </th>
            <th scope="col" className={`${th} text-right`}>
              {t("share")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {parts.map((part) => (
            <tr key={part.outcome} data-outcome={part.outcome}>
              <th scope="row" className={`${td} text-left font-normal whitespace-normal`}>
                {t(part.outcome)}
              </th>
              <td className="text-right">{format.number(part.count)}</td>
              <td className="text-right">{numbers.percent(part.ratio)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="border-t border-line-strong font-semibold">
            <th scope="row" className={`${td} text-left`}>
              {t("total")}
            </th>
            <td className="text-right">{format.number(share.total)}</td>
            <td className="text-right">{numbers.percent(share.total > 0 ? 1 : 0)}</td>
          </tr>
        </tfoot>
      </TableFallback>
    </Card>
  );
}

function TimeToSettle({ figures }: { figures: DashboardFigures }) {
  const t = useTranslations("dashboard.settle");
  const { medianMs, count } = figures.timeToSettle;
  return (
    <Card title={t("title")} counted={medianMs === null ? t("none") : t("detail", { count })} testId="dashboard-settle">
      {medianMs === null ? null : (
        <p className="text-3xl font-semibold tracking-tight tabular-nums" data-testid="dashboard-settle-median">
          {durationText(t, medianMs)}
        </p>
      )}
    </Card>
  );
}

function durationText(t: ReturnType<typeof useTranslations<"dashboard.settle">>, ms: number): string {
  const words = durationWords(ms);
  if (words.unit === "seconds") return t("seconds", { seconds: words.seconds });
  if (words.unit === "minutes") return t("minutes", { minutes: words.minutes, seconds: words.seconds });
  return t("hours", { hours: words.hours, minutes: words.minutes });
}

function TopRecipients({ figures }: { figures: DashboardFigures }) {
  const t = useTranslations("dashboard.top");
  const format = useFormat();
  const named = figures.topRecipients.map((recipient) => ({ ...recipient, name: recipient.label ?? recipient.ownerName }));
  // Two lines of the same name (two numbers, or one number on two e-wallets) are told apart by the e-wallet and the end of the number.
  const top = named.map((recipient) =>
    named.filter((other) => other.name === recipient.name).length > 1 ? { ...recipient, name: `${recipient.name} (${walletLabel[recipient.wallet]} …${recipient.phone.slice(-4)})` } : recipient,
  );
  return (
    <Card title={t("title")} counted={t("counted")} wide testId="dashboard-top">
      {top.length > 0 ? (
        <>
          <ChartBox label={t("chartLabel", { count: top.length, name: top[0]!.name, total: format.rupiah(top[0]!.total) })}>
            <TopRecipientsChart recipients={top.map(({ name, total }) => ({ name, total }))} />
          </ChartBox>
          <ul className="mt-2 text-xs">
            <Swatch color={recipientColor}>{t("paid")}</Swatch>
          </ul>
        </>
      ) : (
        <Empty>{t("none")}</Empty>
      )}
      <TableFallback caption={t("caption")}>
        <thead>
          <tr>
            <th scope="col" className={th}>
              {t("recipient")}
            </th>
            <th scope="col" className={th}>
              {t("wallet")}
            </th>
            <th scope="col" className={`${th} text-right`}>
              {t("transfers")}
            </th>
            <th scope="col" className={`${th} text-right`}>
              {t("paid")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {top.map((recipient) => (
            <tr key={recipient.recipientId === null ? `${recipient.wallet} ${recipient.phone}` : `r${recipient.recipientId}`}>
              <th scope="row" className={`${td} text-left font-normal`}>
                <span className="font-medium">{recipient.name}</span>
                {recipient.label !== null ? (
                  <Badge tone="brand" className="ml-2">
                    {t("saved")}
                  </Badge>
                ) : null}
                {recipient.label !== null && recipient.label !== recipient.ownerName ? (
                  <span className="block text-xs text-ink-muted">{recipient.ownerName}</span>
                ) : null}
              </th>
              <td>
                {walletLabel[recipient.wallet]}
                <span className="block font-mono text-xs text-ink-muted">{formatPhone(recipient.phone)}</span>
              </td>
              <td className="text-right">{format.number(recipient.count)}</td>
              <td className="text-right font-semibold">{format.rupiah(recipient.total)}</td>
            </tr>
          ))}
        </tbody>
      </TableFallback>
    </Card>
  );
}
