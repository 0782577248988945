/**
 * Wire schemas of the document endpoints: ingest, read and delete.
 *
 * @module
 */
import { z } from "zod";

/** Longest accepted document id, in characters. */
export const MAX_DOCUMENT_ID_CHARS = 256;
/** Longest accepted document title, in characters. */
export const MAX_TITLE_CHARS = 1_000;
/** Longest accepted document text, in characters (500,000 keeps a row under D1's 2 MB limit). */
export const MAX_TEXT_CHARS = 500_000;
/** Most documents accepted by one ingest request. */
export const MAX_DOCUMENTS_PER_REQUEST = 1_000;

/** Free-form JSON metadata attached to a document. */
export const DocumentMetadata = z.record(z.string(), z.unknown());
/** Free-form JSON metadata attached to a document. */
export type DocumentMetadata = z.infer<typeof DocumentMetadata>;

/** One document to ingest: `{ id, title?, text, metadata? }`. */
export const DocumentInput = z.object({
  id: z.string().min(1).max(MAX_DOCUMENT_ID_CHARS).refine((id) => id !== "." && id !== "..", {
    message: "Cannot use '.' or '..' as a document id: URLs normalise them away",
  }),
  title: z.string().max(MAX_TITLE_CHARS).optional(),
  text: z.string().min(1).max(MAX_TEXT_CHARS),
  metadata: DocumentMetadata.optional(),
});
/** One document to ingest. */
export type DocumentInput = z.infer<typeof DocumentInput>;

/** `POST /v1/documents` body: 1 to 1,000 documents with distinct ids. */
export const IngestRequest = z.object({
  documents: z.array(DocumentInput).min(1).max(MAX_DOCUMENTS_PER_REQUEST).superRefine(
    (docs, ctx) => {
      const seen = new Set<string>();
      docs.forEach((doc, index) => {
        if (seen.has(doc.id)) {
          ctx.addIssue({
            code: "custom",
            path: [index, "id"],
            message: `Cannot ingest documents as ids must be distinct: "${
              doc.id.slice(0, 64)
            }" appears twice`,
          });
        }
        seen.add(doc.id);
      });
    },
  ),
});
/** `POST /v1/documents` body. */
export type IngestRequest = z.infer<typeof IngestRequest>;

/** `POST /v1/documents` answer: how many documents and passages were written. */
export const IngestResponse = z.object({
  ingested: z.number().int().nonnegative(),
  passages: z.number().int().nonnegative(),
});
/** `POST /v1/documents` answer. */
export type IngestResponse = z.infer<typeof IngestResponse>;

/** A stored document as `GET /v1/documents/:id` returns it. */
export const DocumentRecord = z.object({
  id: z.string(),
  title: z.string(),
  text: z.string(),
  metadata: DocumentMetadata,
  passages: z.number().int().nonnegative(),
  updated_at: z.string().describe("ISO 8601 time of the last ingest"),
});
/** A stored document. */
export type DocumentRecord = z.infer<typeof DocumentRecord>;

/** Path parameters of `/v1/documents/:id`. */
export const DocumentIdParam = z.object({ id: z.string().min(1).max(MAX_DOCUMENT_ID_CHARS) });
/** Path parameters of `/v1/documents/:id`. */
export type DocumentIdParam = z.infer<typeof DocumentIdParam>;

/** `DELETE /v1/documents/:id` answer. */
export const DeleteResponse = z.object({ id: z.string(), deleted: z.literal(true) });
/** `DELETE /v1/documents/:id` answer. */
export type DeleteResponse = z.infer<typeof DeleteResponse>;
