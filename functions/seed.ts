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
/** Meta key holding the document ids (a JSON array) the last seed wrote. */
export const SEED_IDS_KEY = "seed_corpus_ids";

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

/** The ids a previous seed recorded (none for a store seeded before ids were recorded). */
async function previousSeedIds(store: DocumentStore): Promise<string[]> {
  const raw = await store.getMeta(SEED_IDS_KEY);
  if (raw === undefined) return [];
  try {
    return z.array(z.string()).parse(JSON.parse(raw));
  } catch {
    return []; // a damaged record: keep the documents rather than guess
  }
}

/**
 * Seed `store` from the corpus file at `path` unless the same file (by SHA-256) was seeded
 * before; documents are written in transactions of 1,000. A different corpus replaces the
 * previous seed: documents the previous seed wrote that the new corpus lacks are deleted
 * (documents added through the API under other ids stay). Returns the number written.
 *
 * @example
 * ```ts
 * await seedStore(store, "models/world/corpus.json", Date.now());
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
  const ids = new Set(documents.map((d) => d.id));
  for (const id of await previousSeedIds(store)) if (!ids.has(id)) await store.delete(id);
  for (let i = 0; i < documents.length; i += 1000) {
    await store.upsertMany(documents.slice(i, i + 1000), nowMs);
  }
  await store.setMeta(SEED_IDS_KEY, JSON.stringify([...ids]));
  await store.setMeta(SEED_HASH_KEY, hash);
  return documents.length;
}
