/**
 * Splits score strings into the pieces the engine can score. The step protocol lets the edge
 * ask for the probability of any string (shared/pipeline.ts: "for a string of several tokens,
 * the product of their conditional probabilities"), while the engine scores single tokens
 * only. With a `tokenize` function (the model's own tokenizer) the pieces are its tokens, which
 * is exact. Without one (the Engine interface does not expose its tokenizer) pieces are found
 * by asking the engine itself: a prompt's `usage.prompt_tokens` says whether a string is one
 * token, and each string is split greedily into its longest single-token prefixes. That is
 * exact for strings of one token; for longer ones it is A tokenization of the string but not
 * always the canonical BPE one (the fixture splits "Relevant" as R|e|le|v|ant, greedy gives
 * R|el|...), so the product is the probability of a less likely token path. Probed pieces are
 * cached per engine, so probing costs a few small batches per new string, once.
 *
 * @module
 */
import type { Engine, GenerateRequest as EngineRequest } from "../engine/api.ts";
import { PipelineRequestError } from "./errors.ts";

// Piece lists per engine and string; engines are long-lived, so this is filled once.
const CACHE = new WeakMap<Engine, Map<string, readonly string[]>>();

/** The model's tokenizer as token strings: `tokenize("Yes")` -> ["Y", "es"]. */
export type Tokenize = (text: string) => readonly string[] | Promise<readonly string[]>;

/** Upper bound on the characters of a score string this client splits. */
export const MAX_SCORE_STRING_CHARS = 64;

function cacheOf(engine: Engine): Map<string, readonly string[]> {
  let c = CACHE.get(engine);
  if (c === undefined) CACHE.set(engine, c = new Map());
  return c;
}

/** Every non-empty prefix of `text`, by code point, shortest first. */
function prefixes(text: string): string[] {
  const chars = Array.from(text);
  return chars.map((_, i) => chars.slice(0, i + 1).join(""));
}

/** Which of `texts` encode to exactly one token (one generate batch, one token each). */
async function singleTokens(
  engine: Engine,
  texts: readonly string[],
  signal: AbortSignal | undefined,
): Promise<Set<string>> {
  const unique = [...new Set(texts)];
  const rows: EngineRequest[] = unique.map((t, i) => ({
    id: `probe${i}`,
    prompt: t,
    max_tokens: 1,
    temperature: 0,
  }));
  const results = await engine.generate(rows, signal !== undefined ? { signal } : undefined);
  return new Set(unique.filter((_, i) => results[i]?.usage.prompt_tokens === 1));
}

function checkLength(s: string): void {
  if (s.length === 0 || s.length > MAX_SCORE_STRING_CHARS) {
    throw new PipelineRequestError(
      `Cannot score '${
        s.slice(0, 80)
      }' as a score string must have 1 to ${MAX_SCORE_STRING_CHARS} characters: it has ${s.length}`,
    );
  }
}

async function tokenized(
  strings: readonly string[],
  tokenize: Tokenize,
): Promise<Map<string, readonly string[]>> {
  const out = new Map<string, readonly string[]>();
  for (const s of strings) {
    const pieces = [...await tokenize(s)];
    if (pieces.join("") !== s || pieces.some((p) => p === "")) {
      throw new PipelineRequestError(
        `Cannot score '${s}' as its tokens must spell it: tokenize() returned ${
          JSON.stringify(pieces)
        }`,
      );
    }
    out.set(s, pieces);
  }
  return out;
}

/**
 * The pieces of every string in `strings`: the tokens `tokenize` gives, else probed on
 * `engine` (and cached for it).
 *
 * @example
 * ```ts
 * const pieces = await resolvePieces(engine, ["Yes", "No"]);
 * pieces.get("Yes"); // e.g. ["Y", "es"] on a small vocabulary, ["Yes"] on a large one
 * ```
 */
export async function resolvePieces(
  engine: Engine,
  strings: readonly string[],
  signal?: AbortSignal,
  tokenize?: Tokenize,
): Promise<Map<string, readonly string[]>> {
  const unique = [...new Set(strings)];
  unique.forEach(checkLength);
  if (tokenize !== undefined) return await tokenized(unique, tokenize);
  const cache = cacheOf(engine);
  await probe(engine, cache, unique.filter((s) => !cache.has(s)), signal);
  return new Map(unique.map((s) => [s, cache.get(s) ?? [s]]));
}

/** Probe the pieces of `todo` on the engine, round by round, into `cache`. */
async function probe(
  engine: Engine,
  cache: Map<string, readonly string[]>,
  todo: readonly string[],
  signal: AbortSignal | undefined,
): Promise<void> {
  if (todo.length === 0) return;
  const whole = await singleTokens(engine, todo, signal);
  const open = new Map<string, { rest: string; pieces: string[] }>();
  for (const s of todo) {
    if (whole.has(s)) cache.set(s, [s]);
    else open.set(s, { rest: s, pieces: [] });
  }
  // One batch per round; each round takes the longest single-token prefix of every rest.
  while (open.size > 0) {
    const single = await singleTokens(
      engine,
      [...open.values()].flatMap((o) => prefixes(o.rest)),
      signal,
    );
    for (const [s, o] of open) {
      const all = prefixes(o.rest);
      // A lone code point that is several byte tokens stays one piece; the engine then says
      // which string it cannot score.
      const piece = all.filter((p) => single.has(p)).pop() ?? all[0] ?? o.rest;
      o.pieces.push(piece);
      o.rest = o.rest.slice(piece.length);
      if (o.rest === "") {
        cache.set(s, o.pieces);
        open.delete(s);
      }
    }
  }
}
