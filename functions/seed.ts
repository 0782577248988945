/**
 * The bundled seed corpus: loading it and writing it into a store once per content hash.
 *
 * @module
 */
import { z } from "zod";
import { DocumentInput } from "../shared/documents.ts";
import type { DocumentStore } from "./store/document_store.ts";

/** Meta key holding the SHA-256 of the last seeded corpus file. */
export const SEED_HASH_KEY = "seed_corpus_sha256";

/** A seed corpus file that cannot be read or parsed. */
export class SeedCorpusError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SeedCorpusError";
  }
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Parse a corpus file's text (`{ documents: [...] }`, the ingest body shape, any length). */
export function parseSeedCorpus(text: string, path: string): DocumentInput[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SeedCorpusError(`Cannot load seed corpus "${path}" as it is not valid JSON`, {
      cause,
    });
  }
  // The per-request limit of 1,000 documents does not apply to a corpus file.
  const parsed = z.array(DocumentInput).safeParse(
    (json as { documents?: unknown } | null)?.documents,
  );
  if (!parsed.success) {
    throw new SeedCorpusError(
      `Cannot load seed corpus "${path}" as 'documents' must be a list of { id, title?, text, metadata? }: ${
        parsed.error.issues[0]?.message ?? "invalid"
      }`,
    );
  }
  const ids = new Set(parsed.data.map((d) => d.id));
  if (ids.size !== parsed.data.length) {
    throw new SeedCorpusError(`Cannot load seed corpus "${path}" as document ids must be distinct`);
  }
  return parsed.data;
}

/**
 * Seed `store` from the corpus file at `path` unless the same file (by SHA-256) was seeded
 * before; documents are written in transactions of 1,000. Returns the number written.
 *
 * @example
 * ```ts
 * await seedStore(store, "functions/seed_corpus.json", Date.now());
 * ```
 */
export async function seedStore(
  store: DocumentStore,
  path: string,
  nowMs: number,
): Promise<number> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (cause) {
    throw new SeedCorpusError(`Cannot load seed corpus "${path}" as it cannot be read`, { cause });
  }
  const hash = await sha256Hex(text);
  if ((await store.getMeta(SEED_HASH_KEY)) === hash) return 0;
  const documents = parseSeedCorpus(text, path);
  for (let i = 0; i < documents.length; i += 1000) {
    await store.upsertMany(documents.slice(i, i + 1000), nowMs);
  }
  await store.setMeta(SEED_HASH_KEY, hash);
  return documents.length;
}
