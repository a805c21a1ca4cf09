"use client";

import dynamic from "next/dynamic";
import { useEffect, useRef, useState, type ComponentType } from "react";
import { Skeleton } from "@/components/ui/skeleton";

/*
 * The charts load in the browser only, and only once their place comes near the screen: recharts is not in the
 * overview's first load (the dashboard sits below the tiles and the latest transfers); each card's legend gives its
 * figures in words while the drawing arrives, and its table (figure-tables.tsx) the same numbers.
 */

const placeholder = (height: string) =>
  function ChartPlaceholder() {
    return <Skeleton className={`w-full ${height}`} />;
  };

/** `Chart` drawn once its place is within 200 px of the screen; its placeholder until then. */
function whenNearScreen<P extends object>(Chart: ComponentType<P>, height: string) {
  const Placeholder = placeholder(height);
  return function NearScreen(props: P) {
    const place = useRef<HTMLDivElement>(null);
    const [near, setNear] = useState(false);
    useEffect(() => {
      const element = place.current;
      if (!element || typeof IntersectionObserver === "undefined") {
        setNear(true);
        return;
      }
      const observer = new IntersectionObserver(
        (entries) => {
          if (!entries.some((entry) => entry.isIntersecting)) return;
          setNear(true);
          observer.disconnect();
        },
        { rootMargin: "200px" },
      );
      observer.observe(element);
      return () => observer.disconnect();
    }, []);
    return <div ref={place}>{near ? <Chart {...props} /> : <Placeholder />}</div>;
  };
}

export const VolumeChart = whenNearScreen(dynamic(() => import("./charts").then((m) => m.VolumeChart), { ssr: false, loading: placeholder("h-60") }), "h-60");
export const OutcomeChart = whenNearScreen(dynamic(() => import("./charts").then((m) => m.OutcomeChart), { ssr: false, loading: placeholder("h-50") }), "h-50");
export const TopRecipientsChart = whenNearScreen(
  dynamic(() => import("./charts").then((m) => m.TopRecipientsChart), { ssr: false, loading: placeholder("h-40") }),
  "h-40",
);
