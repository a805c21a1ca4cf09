"use client";

import dynamic from "next/dynamic";
import { Skeleton } from "@/components/ui/skeleton";

/*
 * The charts load after the page, in the browser only: recharts is not in the overview's first load, and
 * the figures are readable at once in the tables (server-rendered) while the drawings arrive.
 */

const placeholder = (height: string) =>
  function ChartPlaceholder() {
    return <Skeleton className={`w-full ${height}`} />;
  };

export const VolumeChart = dynamic(() => import("./charts").then((m) => m.VolumeChart), { ssr: false, loading: placeholder("h-60") });
export const OutcomeChart = dynamic(() => import("./charts").then((m) => m.OutcomeChart), { ssr: false, loading: placeholder("h-50") });
export const TopRecipientsChart = dynamic(() => import("./charts").then((m) => m.TopRecipientsChart), { ssr: false, loading: placeholder("h-40") });
