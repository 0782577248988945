/**
 * Wire schema of `GET /health`.
 *
 * @module
 */
import { z } from "zod";

/** `GET /health` answer. */
export const HealthResponse = z.object({ status: z.literal("ok") });
/** `GET /health` answer. */
export type HealthResponse = z.infer<typeof HealthResponse>;
