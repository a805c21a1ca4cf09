import { operations } from "@/lib/api/operations";
import { approvePayout } from "@/lib/api/payouts";
import { apiRoute } from "@/lib/api/route";

export const POST = apiRoute(operations.approvePayout, approvePayout);
