import { useLocale, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { useFormat } from "@/components/i18n/use-format";
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
import { OutcomeTable, TopRecipientsTable, VolumeTable } from "./figure-tables";
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
        <Volume figures={figures} isDefault={choice.isDefault} show={t("showTable")} />
        <Outcomes figures={figures} show={t("showTable")} />
        <TimeToSettle figures={figures} />
        <TopRecipients figures={figures} show={t("showTable")} />
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

function Empty({ children }: { children: ReactNode }) {
  return <p className="rounded-md border border-dashed border-line-strong px-3 py-6 text-center text-sm text-ink-muted">{children}</p>;
}

function Volume({ figures, isDefault, show }: { figures: DashboardFigures; isDefault: boolean; show: string }) {
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
      <VolumeTable volume={volume} show={show} />
    </Card>
  );
}

/** A day as the chart draws it: the rupiah paid per wallet. */
function chartDay(day: DayVolume): VolumeDay {
  return { day: day.day, DANA: day.byWallet.DANA.total, OVO: day.byWallet.OVO.total, GOPAY: day.byWallet.GOPAY.total, SHOPEEPAY: day.byWallet.SHOPEEPAY.total };
}

function Outcomes({ figures, show }: { figures: DashboardFigures; show: string }) {
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
      <OutcomeTable parts={parts} total={share.total} show={show} />
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

function TopRecipients({ figures, show }: { figures: DashboardFigures; show: string }) {
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
      <TopRecipientsTable
        recipients={top.map(({ recipientId, label, ownerName, wallet, phone, count, total, name }) => ({
          key: recipientId === null ? `${wallet} ${phone}` : `r${recipientId}`,
          label,
          ownerName,
          wallet,
          count,
          total,
          name,
          phoneText: formatPhone(phone),
        }))}
        show={show}
      />
    </Card>
  );
}
