/**
 * `POST /v1/documents` (ingest), `GET /v1/documents/:id`, `DELETE /v1/documents/:id`.
 *
 * @module
 */
import { Hono } from "hono";
import {
  DeleteResponse,
  DocumentIdParam,
  DocumentRecord,
  IngestRequest,
  IngestResponse,
} from "../../shared/documents.ts";
import type { RouteSpec } from "../../shared/openapi.ts";
import { ApiError } from "../http/errors.ts";
import { validate } from "../http/validate.ts";
import { requireAdmin } from "../security/admin.ts";
import type { DocumentStore } from "../store/document_store.ts";

/** OpenAPI description of the document routes. */
export const documentsApi: readonly RouteSpec[] = [
  {
    method: "post",
    path: "/v1/documents",
    summary: "Ingest up to 1,000 documents in one transaction (re-ingesting an id replaces it)",
    tag: "documents",
    admin: true,
    body: IngestRequest,
    responses: { 200: { description: "Documents written", schema: IngestResponse } },
  },
  {
    method: "get",
    path: "/v1/documents/{id}",
    summary: "Read a document",
    tag: "documents",
    params: DocumentIdParam,
    responses: {
      200: { description: "The document", schema: DocumentRecord },
      404: { description: "No such document" },
    },
  },
  {
    method: "delete",
    path: "/v1/documents/{id}",
    summary: "Delete a document and its passages",
    tag: "documents",
    admin: true,
    params: DocumentIdParam,
    responses: {
      200: { description: "Deleted", schema: DeleteResponse },
      404: { description: "No such document" },
    },
  },
];

/** What the document routes need. */
export interface DocumentsDeps {
  readonly store: DocumentStore;
  readonly adminKey: string | undefined;
  /** Current time, ms since epoch. */
  readonly now: () => number;
}

function notFound(id: string): ApiError {
  return new ApiError(
    404,
    "not_found",
    `Cannot find document "${id.slice(0, 64)}": no document has this id`,
  );
}

/** The document routes. */
export function documentsRoutes(deps: DocumentsDeps): Hono {
  const admin = requireAdmin(deps.adminKey);
  return new Hono()
    .post("/v1/documents", admin, validate("json", IngestRequest), async (c) => {
      const { documents } = c.req.valid("json");
      const written = await deps.store.upsertMany(documents, deps.now());
      return c.json(
        IngestResponse.parse({ ingested: written.documents, passages: written.passages }),
      );
    })
    .get("/v1/documents/:id", validate("param", DocumentIdParam), async (c) => {
      const { id } = c.req.valid("param");
      const doc = await deps.store.get(id);
      if (doc === undefined) throw notFound(id);
      return c.json(DocumentRecord.parse({
        id: doc.id,
        title: doc.title,
        text: doc.text,
        metadata: doc.metadata,
        passages: doc.passages,
        updated_at: new Date(doc.updatedAt).toISOString(),
      }));
    })
    .delete("/v1/documents/:id", admin, validate("param", DocumentIdParam), async (c) => {
      const { id } = c.req.valid("param");
      if (!(await deps.store.delete(id))) throw notFound(id);
      return c.json(DeleteResponse.parse({ id, deleted: true }));
    });
}
