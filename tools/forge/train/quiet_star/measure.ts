/**
 * The Quiet-STaR measurements of a thinking model folder on held-out tiny-world arithmetic
 * problems: next-token loss of the worked solutions (chat prompt, then the solution, scored
 * token by token) under thinking (mixing head) and under w = 0 (the base logits of the same
 * pass), and answer accuracy of greedy generation through the engine with and without
 * `thinking: { w: "head" }`.
 *
 * @module
 */
import type { Engine } from "../../../../client/engine/api.ts";
import { createDecoder } from "../../../../client/engine/decoder.ts";
import { loadModelFolder } from "../../../../client/engine/loader/load_folder.ts";
import { configureOrt } from "../../../../client/engine/ort.ts";
import { createTextCodec } from "../../../../client/engine/tokenizer.ts";
import {
  END_OF_THOUGHT,
  START_OF_THOUGHT,
  type ThinkingOptions,
} from "../../../../client/engine/thinking/options.ts";
import { thinkingLogProbs } from "../../../../client/engine/thinking/thinking_loss.ts";
import { arithmeticSolution, parseAnswer } from "./solutions.ts";

/** A held-out problem. */
export interface Problem {
  readonly question: string;
  readonly answers: readonly string[];
}

/** Per-text mean next-token NLL (nats) of the solutions. */
export interface LossMeasure {
  /** Mean NLL of each text under w = 0 (base logits). */
  readonly base: number[];
  /** Mean NLL of each text under thinking. */
  readonly thinking: number[];
  /** Scored tokens over all texts. */
  readonly tokens: number;
  /** Token-weighted mean NLL, w = 0 and thinking. */
  readonly baseMean: number;
  readonly thinkingMean: number;
  /** Mean mixing weight over the scored positions. */
  readonly meanW: number;
}

/**
 * Next-token loss of the problems' worked solutions in the model at `modelDir` (wasm).
 *
 * @example
 * ```ts
 * const m = await measureLoss("models/world/thinking", problems, { k: 2, t: 4, seed: 1 });
 * ```
 */
export async function measureLoss(
  modelDir: string,
  problems: readonly Problem[],
  settings: { readonly k: number; readonly t: number; readonly seed: number },
  log: (line: string) => void = () => {},
): Promise<LossMeasure> {
  configureOrt({ numThreads: 1 });
  const files = await loadModelFolder({ kind: "path", path: modelDir });
  const codec = createTextCodec(files.tokenizerJson, files.tokenizerConfig);
  const decoder = await createDecoder(files.onnx, files.config, "wasm");
  const startId = codec.tokenId(START_OF_THOUGHT);
  const endId = codec.tokenId(END_OF_THOUGHT);
  if (startId === undefined || endId === undefined) {
    await decoder.release();
    throw new RangeError(
      `Cannot measure thinking as the tokenizer in '${modelDir}' lacks the thought markers: current ids are ${startId} and ${endId}`,
    );
  }
  const options: ThinkingOptions = {
    k: settings.k,
    t: settings.t,
    w: { kind: "head" },
    onlyAboveEntropy: undefined,
    trace: false,
    startId,
    endId,
  };
  const base: number[] = [];
  const thinking: number[] = [];
  let sumBase = 0, sumThink = 0, tokens = 0, sumW = 0;
  try {
    for (const [i, p] of problems.entries()) {
      const solution = arithmeticSolution(p.question);
      if (solution === undefined) continue;
      const prompt = codec.encode(codec.applyChatTemplate([{ role: "user", content: p.question }]));
      const ids = [...prompt, ...codec.encode(`${solution}<|im_end|>`)];
      const lp = await thinkingLogProbs(
        decoder,
        { ids, from: prompt.length },
        options,
        settings.seed + i,
      );
      const n = lp.base.length;
      base.push(-lp.base.reduce((a, b) => a + b, 0) / n);
      thinking.push(-lp.thinking.reduce((a, b) => a + b, 0) / n);
      sumBase -= lp.base.reduce((a, b) => a + b, 0);
      sumThink -= lp.thinking.reduce((a, b) => a + b, 0);
      sumW += lp.meanW * n;
      tokens += n;
      if ((i + 1) % 10 === 0) log(`quiet_star loss ${i + 1}/${problems.length}`);
    }
  } finally {
    await decoder.release();
  }
  return {
    base,
    thinking,
    tokens,
    baseMean: sumBase / Math.max(1, tokens),
    thinkingMean: sumThink / Math.max(1, tokens),
    meanW: sumW / Math.max(1, tokens),
  };
}

/** Max tokens of an arithmetic answer (the longest solutions are ~45 tokens). */
export const ANSWER_MAX_TOKENS = 64;

/**
 * 1/0 per problem: the greedy answer's "The answer is N" equals a gold answer; with
 * `thinking`, every emitted token thinks (w from the mixing head).
 */
export async function measureAccuracy(
  engine: Engine,
  problems: readonly Problem[],
  thinking: { readonly k: number; readonly t: number } | undefined,
  seed: number,
  batch = 16,
): Promise<number[]> {
  const out: number[] = [];
  for (let s = 0; s < problems.length; s += batch) {
    const chunk = problems.slice(s, s + batch);
    const results = await engine.generate(chunk.map((p, j) => ({
      id: `q${s + j}`,
      messages: [{ role: "user" as const, content: p.question }],
      max_tokens: ANSWER_MAX_TOKENS,
      temperature: 0,
      seed: seed + s + j,
      ...(thinking !== undefined ? { thinking: { ...thinking, w: "head" as const } } : {}),
    })));
    results.forEach((r, j) => {
      const answer = parseAnswer(r.text);
      out.push(answer !== undefined && chunk[j]!.answers.includes(answer) ? 1 : 0);
    });
  }
  return out;
}
