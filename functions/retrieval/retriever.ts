/**
 * The narrow retrieval interface the pipelines depend on (the store implements it).
 *
 * @module
 */
import type { Passage } from "../../shared/retrieval.ts";

/** Anything that can return the k best passages for a query. */
export interface Retriever {
  /** Return at most `k` passages, best first. */
  retrieve(query: string, k: number): Promise<Passage[]>;
}
