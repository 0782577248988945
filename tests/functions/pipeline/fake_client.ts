/**
 * Test helpers: an in-memory Retriever and a scripted, deterministic fake client that
 * drives the step protocol through `app.request()`.
 *
 * @module
 */
import { Hono } from "hono";
import { handleError } from "../../../functions/http/errors.ts";
import type { Retriever } from "../../../functions/retrieval/retriever.ts";
import { pipelineRoutes } from "../../../functions/routes/pipelines.ts";
import {
  type FinalAnswer,
  type GenerateRequest,
  PipelineResponse,
  type StepResult,
} from "../../../shared/pipeline.ts";
import type { Passage } from "../../../shared/retrieval.ts";

/** The secret the test apps sign with. */
export const SECRET = "test-secret-0123456789abcdef";

/** A fake retriever over fixed passages: returns the first k, records every query. */
export class FakeRetriever implements Retriever {
  readonly queries: string[] = [];
  constructor(private readonly passages: Passage[]) {}
  retrieve(query: string, k: number): Promise<Passage[]> {
    this.queries.push(query);
    return Promise.resolve(this.passages.slice(0, k));
  }
}

/** A passage with defaults. */
export function passage(id: string, title: string, text: string, score = 1): Passage {
  return { doc_id: id.split("#")[0] ?? id, passage_id: id, title, text, score };
}

/** A bare app with the pipeline routes and the error handler. */
export function pipelineApp(
  retriever: Retriever,
  extra: { now?: () => number; secret?: string } = {},
): Hono {
  const app = new Hono();
  app.onError(handleError);
  app.route(
    "/",
    pipelineRoutes({
      retriever,
      stateSecret: extra.secret ?? SECRET,
      ...(extra.now ? { now: extra.now } : {}),
    }),
  );
  return app;
}

/** POST JSON and return status and body. */
export async function postJson(
  app: Hono,
  path: string,
  body: unknown,
  // deno-lint-ignore no-explicit-any -- test helper: tests read response fields ad hoc
): Promise<{ status: number; body: any }> {
  const res = await app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** How the fake client answers one request. */
export type Responder = (req: GenerateRequest) => Omit<StepResult, "id"> | string;

/** A full run: every batch the edge asked for and the final answer. */
export interface Run {
  batches: GenerateRequest[][];
  final: FinalAnswer;
}

/** Drive a pipeline from start to final with a scripted client. */
export async function drive(
  app: Hono,
  start: unknown,
  respond: Responder,
  maxRounds = 20,
): Promise<Run> {
  const batches: GenerateRequest[][] = [];
  let res = await postJson(app, "/v1/pipelines/start", start);
  for (let round = 0; round < maxRounds; round++) {
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body)}`);
    const body = PipelineResponse.parse(res.body);
    if ("final" in body) return { batches, final: body.final };
    const action = body.actions[0];
    if (action === undefined) throw new Error("no action");
    batches.push(action.requests);
    const results = action.requests.map((r) => {
      const out = respond(r);
      return typeof out === "string" ? { id: r.id, text: out } : { id: r.id, ...out };
    });
    res = await postJson(app, "/v1/pipelines/step", { state: body.state, results });
  }
  throw new Error("pipeline did not finish");
}

/** The text a request sends (prompt, or its messages joined). */
export function textOf(r: GenerateRequest): string {
  return r.prompt ?? (r.messages ?? []).map((m) => m.content).join("\n");
}
