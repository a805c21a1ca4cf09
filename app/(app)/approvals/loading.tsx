// The data page's skeleton while its rows load. Pages with one (overview, history, batches, approvals, Needs
// attention, the admin lists) sit in a segment of their own, so a detail page's 404 and a refused role's 403
// are answered before anything streams (see approvals/layout.tsx).
export { PageSkeleton as default } from "@/components/ui/skeleton";
