"use client";

import { useLocale, useTranslations } from "next-intl";
import { Bar, BarChart, CartesianGrid, Cell, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useFormat } from "@/components/i18n/use-format";
import { WALLETS } from "@/lib/cashin/protocol";
import type { Outcome } from "@/lib/dashboard/outcomes";
import { walletLabel } from "@/lib/transfers/wallets";
import { outcomeColor, recipientColor, walletColor } from "./colors";
import { chartNumbers } from "./chart-numbers";
import { jakartaDayStart } from "@/lib/jakarta";

/*
 * The dashboard's charts, drawn in the browser only (recharts is loaded with the first chart, after the
 * page: lazy-charts.tsx). Each sits in a role="img" box whose label says what it shows; the same numbers
 * are in the table beside it, and the legends are words, so nothing is told by colour alone.
 */

const axisTick = { fontSize: 11, fill: "#5b6676" };

export type VolumeDay = { day: string } & Record<(typeof WALLETS)[number], number>;

export function VolumeChart({ days }: { days: VolumeDay[] }) {
  const format = useFormat();
  const numbers = chartNumbers(useLocale());
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={days} margin={{ top: 8, right: 4, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid vertical={false} stroke="#e3e6eb" />
        <XAxis dataKey="day" tickFormatter={numbers.dayShort} tick={axisTick} tickLine={false} minTickGap={12} />
        <YAxis tickFormatter={numbers.rupiahShort} tick={axisTick} tickLine={false} axisLine={false} width={64} />
        <Tooltip
          formatter={(value, name) => [format.rupiah(Number(value)), walletLabel[name as keyof typeof walletLabel] ?? String(name)]}
          labelFormatter={(day) => format.date(jakartaDayStart(String(day)))}
          cursor={{ fill: "#e3f1f4" }}
        />
        {WALLETS.map((wallet) => (
          <Bar key={wallet} dataKey={wallet} stackId="paid" fill={walletColor[wallet]} stroke="#ffffff" strokeWidth={0.5} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

export function OutcomeChart({ parts }: { parts: { outcome: Outcome; count: number }[] }) {
  const t = useTranslations("dashboard.outcomes");
  const format = useFormat();
  const shown = parts.filter((part) => part.count > 0);
  return (
    <ResponsiveContainer width="100%" height={200}>
      <PieChart accessibilityLayer={false}>
        <Pie data={shown} dataKey="count" nameKey="outcome" innerRadius="55%" outerRadius="90%" paddingAngle={shown.length > 1 ? 1 : 0} isAnimationActive={false}>
          {shown.map((part) => (
            <Cell key={part.outcome} fill={outcomeColor[part.outcome]} stroke="#ffffff" />
          ))}
        </Pie>
        <Tooltip formatter={(value, name) => [format.number(Number(value)), t(name as Outcome)]} />
      </PieChart>
    </ResponsiveContainer>
  );
}

/** A name cut to fit the axis, keeping what tells two of the same name apart ("(DANA …7890)"). */
function shortName(name: string): string {
  const max = 20;
  if (name.length <= max) return name;
  const suffix = / \([^()]*…\d{4}\)$/.exec(name)?.[0] ?? "";
  return `${name.slice(0, Math.max(4, max - suffix.length - 1))}…${suffix}`;
}

export function TopRecipientsChart({ recipients }: { recipients: { name: string; total: number }[] }) {
  const format = useFormat();
  const numbers = chartNumbers(useLocale());
  return (
    <ResponsiveContainer width="100%" height={Math.max(120, recipients.length * 30 + 24)}>
      <BarChart data={recipients} layout="vertical" margin={{ top: 0, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid horizontal={false} stroke="#e3e6eb" />
        <XAxis type="number" tickFormatter={numbers.rupiahShort} tick={axisTick} tickLine={false} />
        <YAxis type="category" dataKey="name" width={136} tick={axisTick} tickLine={false} tickFormatter={shortName} />
        <Tooltip formatter={(value) => format.rupiah(Number(value))} cursor={{ fill: "#e3f1f4" }} />
        <Bar dataKey="total" fill={recipientColor} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
