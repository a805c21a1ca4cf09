import { notFound } from "next/navigation";

/** Any address no page matches, for a signed-in person: the 404 inside the app's frame (app/(app)/not-found.tsx). */
export default function Missing() {
  notFound();
}
