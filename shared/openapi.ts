/**
 * OpenAPI 3.1 from the zod schemas: route modules describe their endpoints as `RouteSpec`s
 * (exported next to the routes, e.g. `documentsApi`), and `buildOpenApiDocument` turns the
 * list into one document. JSON Schema 2020-12 (zod's default target) is OpenAPI 3.1's dialect.
 *
 * @module
 */
import { z } from "zod";
import { ErrorBody } from "./errors.ts";

/** HTTP methods that appear in the document. */
export const HttpMethod = z.enum(["get", "post", "put", "patch", "delete"]);
/** HTTP methods that appear in the document. */
export type HttpMethod = z.infer<typeof HttpMethod>;

/** One documented response. */
export interface ResponseSpec {
  /** Human description of the response. */
  readonly description: string;
  /** JSON body schema; omitted for bodiless responses. */
  readonly schema?: z.ZodType;
}

/**
 * The description of one endpoint.
 *
 * @example
 * ```ts
 * const spec: RouteSpec = {
 *   method: "post", path: "/v1/retrieve", summary: "Retrieve passages",
 *   body: RetrieveRequest, responses: { 200: { description: "passages", schema: RetrieveResponse } },
 * };
 * ```
 */
export interface RouteSpec {
  /** Lower-case HTTP method. */
  readonly method: HttpMethod;
  /** OpenAPI path with `{name}` parameters, e.g. `/v1/documents/{id}`. */
  readonly path: string;
  /** One-line summary. */
  readonly summary: string;
  /** Grouping tag, e.g. "documents". */
  readonly tag?: string;
  /** JSON request body schema. */
  readonly body?: z.ZodType;
  /** Path parameters schema (an object of strings). */
  readonly params?: z.ZodObject;
  /** Whether the endpoint needs the bearer admin key. */
  readonly admin?: boolean;
  /** Success (and endpoint-specific error) responses by status. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

/** Document-level information. */
export interface OpenApiInfo {
  /** API title. */
  readonly title: string;
  /** API version. */
  readonly version: string;
  /** Optional longer description. */
  readonly description?: string;
}

type JsonObject = Record<string, unknown>;

/** JSON Schema of a zod schema, without the `$schema` key (OpenAPI embeds it). */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return rest;
}

const ERROR_RESPONSES: Readonly<Record<number, string>> = {
  413: "Request body too large",
  429: "Too many requests (see Retry-After)",
  500: "Internal error (no details leave the server)",
};

function operation(spec: RouteSpec): JsonObject {
  const responses: Record<string, JsonObject> = {};
  const errorResponse = (description: string) => ({
    description,
    content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } },
  });
  for (const [status, response] of Object.entries(spec.responses)) {
    responses[status] = response.schema === undefined ? { description: response.description } : {
      description: response.description,
      content: { "application/json": { schema: jsonSchemaOf(response.schema, "output") } },
    };
  }
  if (spec.body !== undefined || spec.params !== undefined) {
    responses["400"] ??= errorResponse("Invalid request (details are the zod issues)");
  }
  if (spec.admin === true) {
    responses["401"] ??= errorResponse("Missing or wrong bearer admin key");
    responses["403"] ??= errorResponse("Writes are disabled: no admin key is configured");
  }
  for (const [status, description] of Object.entries(ERROR_RESPONSES)) {
    if (spec.path.startsWith("/v1/") || status === "500") {
      responses[status] ??= errorResponse(description);
    }
  }
  const op: JsonObject = { summary: spec.summary, responses };
  if (spec.tag !== undefined) op.tags = [spec.tag];
  if (spec.admin === true) op.security = [{ adminKey: [] }];
  if (spec.params !== undefined) {
    op.parameters = Object.entries(spec.params.shape).map(([name, schema]) => ({
      name,
      in: "path",
      required: true,
      schema: jsonSchemaOf(schema as z.ZodType, "input"),
    }));
  }
  if (spec.body !== undefined) {
    op.requestBody = {
      required: true,
      content: { "application/json": { schema: jsonSchemaOf(spec.body, "input") } },
    };
  }
  return op;
}

/**
 * Build an OpenAPI 3.1 document from route specs; a later spec for the same method and path
 * replaces an earlier one.
 */
export function buildOpenApiDocument(info: OpenApiInfo, specs: readonly RouteSpec[]): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const spec of specs) {
    const item = paths[spec.path] ?? {};
    item[spec.method] = operation(spec);
    paths[spec.path] = item;
  }
  return {
    openapi: "3.1.0",
    info: { ...info },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    paths,
    components: {
      schemas: { ErrorBody: jsonSchemaOf(ErrorBody, "output") },
      securitySchemes: { adminKey: { type: "http", scheme: "bearer" } },
    },
  };
}

/** Convert a Hono-style path (`/v1/documents/:id`) to OpenAPI style (`/v1/documents/{id}`). */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
}
