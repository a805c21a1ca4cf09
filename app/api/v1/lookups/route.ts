import { operations } from "@/lib/api/operations";
import { createLookup } from "@/lib/api/payouts";
import { apiRoute } from "@/lib/api/route";

export const POST = apiRoute(operations.createLookup, createLookup);
