import { operations } from "@/lib/api/operations";
import { createPayout, listPayouts } from "@/lib/api/payouts";
import { apiRoute } from "@/lib/api/route";

export const GET = apiRoute(operations.listPayouts, listPayouts);
export const POST = apiRoute(operations.createPayout, createPayout);
