import { getBatch } from "@/lib/api/batches";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";

export const GET = apiRoute(operations.getBatch, getBatch);
