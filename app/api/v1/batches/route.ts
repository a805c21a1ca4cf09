import { createBatch } from "@/lib/api/batches";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";

export const POST = apiRoute(operations.createBatch, createBatch);
