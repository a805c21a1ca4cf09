// The data page's skeleton while its rows load.
export { PageSkeleton as default } from "@/components/ui/skeleton";
