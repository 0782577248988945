/**
 * Wire schemas of `POST /v1/retrieve`.
 *
 * @module
 */
import { z } from "zod";
import { Passage } from "./retrieval.ts";

/** Longest accepted query, in characters. */
export const MAX_QUERY_CHARS = 2_000;
/** Largest accepted `k`. */
export const MAX_K = 50;

/** `POST /v1/retrieve` body: `{ query, k? }` with k in 1..50 (default 5). */
export const RetrieveRequest = z.object({
  query: z.string().min(1).max(MAX_QUERY_CHARS),
  k: z.number().int().min(1).max(MAX_K).default(5),
});
/** `POST /v1/retrieve` body after defaults. */
export type RetrieveRequest = z.infer<typeof RetrieveRequest>;

/** `POST /v1/retrieve` answer: passages, best first. */
export const RetrieveResponse = z.object({ passages: z.array(Passage) });
/** `POST /v1/retrieve` answer. */
export type RetrieveResponse = z.infer<typeof RetrieveResponse>;
