/**
 * The chain of logits processors for one request, built once from its sampling parameters and
 * run on every row and every step.
 *
 * @module
 */
import { checkRowBuffers, checkTokenId } from "./buffers.ts";
import { SamplingInputError } from "./errors.ts";
import { applyMinP } from "./min_p.ts";
import type { SamplingParams } from "./params.ts";
import { applyRepetitionPenalty } from "./repetition_penalty.ts";
import { applyTemperature } from "./temperature.ts";
import type { TokenHistory } from "./token_history.ts";
import { applyTokenBan } from "./token_ban.ts";
import { applyTopK } from "./top_k.ts";
import { applyTopP } from "./top_p.ts";

/** The name of a processor stage, in the order they run. */
export type LogitsStage =
  | "ban"
  | "repetition_penalty"
  | "top_k"
  | "temperature"
  | "top_p"
  | "min_p";

/** What a {@link LogitsPipeline} is built from. */
export interface LogitsPipelineOptions {
  /** Number of token ids; every row passed to `process` has this length. */
  readonly vocabSize: number;
  /** Parsed sampling parameters (see {@link parseSamplingParams}). */
  readonly params: SamplingParams;
  /** Token ids that must never be sampled (special tokens, thought markers). */
  readonly bannedTokenIds?: ArrayLike<number>;
}

/**
 * Runs the processors the parameters turn on, in the Hugging Face order but for one swap:
 * ban (ids -> -Infinity), repetition penalty, then, unless greedy (temperature 0), top-k,
 * temperature, top-p, min-p. Stages that would change nothing (penalty 1, temperature 1,
 * top_k 0 or >= vocab, top_p 1, min_p 0) are left out.
 *
 * The swap: Hugging Face scales by the temperature before top-k. Temperature is a monotone
 * map, so the two commute in exact arithmetic and the sampled distribution is the same; but
 * scaling in float32 can round two different logits to one value, and top-k would then keep a
 * token outside the k best by the model's ranking. Ranking first keeps top-k exact. Top-p and
 * min-p depend on the temperature, so they run after it, as in Hugging Face.
 *
 * Greedy rows skip the warpers because none of them can change the argmax (each always keeps
 * the most likely token), as Hugging Face does without `do_sample`.
 *
 * Memory: two scratch `Float32Array(vocab)` owned by the pipeline, allocated at construction
 * and only when top-k or top-p is on; they are reused on every call, so one pipeline must not
 * be used by two calls at the same time (fine on one thread). `process` allocates nothing.
 *
 * @example
 * ```ts
 * const pipeline = new LogitsPipeline({ vocabSize, params: parseSamplingParams({ top_p: 0.9 }) });
 * const processed = new Float32Array(vocabSize); // reused for every row and step
 * pipeline.process(row, processed, history);
 * ```
 */
export class LogitsPipeline {
  /** Number of token ids. */
  readonly vocabSize: number;
  /** True when temperature is 0: the sampler takes the argmax. */
  readonly greedy: boolean;
  /** The stages that run, in order. */
  readonly stages: readonly LogitsStage[];
  readonly #params: SamplingParams;
  readonly #banned: Uint32Array;
  /** Scratch for top-k and top-p. Shape `[vocab]` (empty when neither is on). */
  readonly #work: Float32Array;
  /** Scratch for top-p's exp(logit - max) weights. Shape `[vocab]` (empty when off). */
  readonly #weights: Float32Array;

  /**
   * @throws {SamplingInputError} when a banned id is outside the vocabulary or `vocabSize` is
   *   not a positive integer.
   */
  constructor(options: LogitsPipelineOptions) {
    const { vocabSize, params } = options;
    if (!Number.isInteger(vocabSize) || vocabSize < 1) {
      throw new SamplingInputError(
        `Cannot build the logits pipeline as 'vocabSize' must be a positive integer: current value is ${vocabSize}`,
      );
    }
    this.vocabSize = vocabSize;
    this.#params = params;
    this.greedy = params.temperature === 0;
    const banned = options.bannedTokenIds ?? [];
    for (let i = 0; i < banned.length; i++) {
      checkTokenId(`bannedTokenIds[${i}]`, banned[i]!, vocabSize);
    }
    this.#banned = Uint32Array.from(banned);
    const stages: LogitsStage[] = [];
    if (this.#banned.length > 0) stages.push("ban");
    if (params.repetition_penalty !== 1) stages.push("repetition_penalty");
    if (!this.greedy) {
      if (params.top_k > 0 && params.top_k < vocabSize) stages.push("top_k");
      if (params.temperature !== 1) stages.push("temperature");
      if (params.top_p < 1) stages.push("top_p");
      if (params.min_p > 0) stages.push("min_p");
    }
    this.stages = stages;
    const needsScratch = stages.includes("top_k") || stages.includes("top_p");
    this.#work = new Float32Array(needsScratch ? vocabSize : 0);
    this.#weights = new Float32Array(stages.includes("top_p") ? vocabSize : 0);
  }

  /**
   * Processes one row of logits into `out`.
   *
   * @param logits the model's logits for the row's next token; not modified unless it is
   *   `out`. Shape `[vocab]`.
   * @param out where the processed logits go; may be `logits` itself. Shape `[vocab]`.
   * @param history the ids the row has seen; required when `repetition_penalty` is not 1.
   * @returns `out`.
   * @throws {SamplingInputError} on a length mismatch or a missing history.
   */
  process(logits: Float32Array, out: Float32Array, history?: TokenHistory): Float32Array {
    if (logits.length !== this.vocabSize) {
      throw new SamplingInputError(
        `Cannot process logits as 'logits' must have length ${this.vocabSize} (the vocabulary): current value is ${logits.length}`,
      );
    }
    checkRowBuffers("the logits pipeline", logits, out);
    let source = logits; // the first stage reads the input, later ones work in place on out
    for (const stage of this.stages) {
      this.#run(stage, source, out, history);
      source = out;
    }
    if (source !== out) out.set(source);
    return out;
  }

  #run(stage: LogitsStage, src: Float32Array, out: Float32Array, history?: TokenHistory): void {
    const p = this.#params;
    switch (stage) {
      case "ban":
        applyTokenBan(src, out, this.#banned);
        return;
      case "repetition_penalty":
        if (history === undefined) {
          throw new SamplingInputError(
            `Cannot apply the repetition penalty as 'history' must be given when 'repetition_penalty' is not 1: current value is undefined`,
          );
        }
        applyRepetitionPenalty(src, out, history, p.repetition_penalty);
        return;
      case "temperature":
        applyTemperature(src, out, p.temperature);
        return;
      case "top_k":
        applyTopK(src, out, p.top_k, this.#work);
        return;
      case "top_p":
        applyTopP(src, out, p.top_p, this.#weights, this.#work);
        return;
      case "min_p":
        applyMinP(src, out, p.min_p);
        return;
    }
  }
}
