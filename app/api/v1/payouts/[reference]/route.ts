import { operations } from "@/lib/api/operations";
import { getPayout } from "@/lib/api/payouts";
import { apiRoute } from "@/lib/api/route";

export const GET = apiRoute(operations.getPayout, getPayout);
