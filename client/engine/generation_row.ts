/**
 * One request row as the batch runner drives it: processes logits and samples with the
 * request's parameters and seeded RNG, tracks stop conditions, detokenizes incrementally,
 * streams text deltas, records token log-probabilities and score-token probabilities, and
 * settles a promise with the result.
 *
 * @module
 */
import type { FinishReason } from "./api.ts";
import type { RowEnd } from "./batch_runner.ts";
import type { SpeculativeOptions } from "./speculative/options.ts";
import type { SpecRowDriver } from "./speculative/spec_row.ts";
import { Detokenizer } from "./detokenizer.ts";
import {
  type Rng,
  Sampler,
  type SamplingParams,
  StoppingCriteria,
  TokenHistory,
} from "./sampling/mod.ts";
import { logSumExp } from "./sampling/softmax.ts";
import type { TextCodec } from "./tokenizer.ts";
import type { RowThinking } from "./thinking/row_thinking.ts";
import type { ThinkingStats } from "./thinking/stats.ts";

/** The outcome of one row. */
export interface RowResult {
  readonly text: string;
  readonly tokens: readonly number[];
  readonly finishReason: FinishReason;
  readonly promptTokens: number;
  /** log p(token) under the model's raw distribution, per generated token. */
  readonly tokenLogprobs: readonly number[];
  /** Probabilities of requested score tokens at the first generated position. */
  readonly scores?: Readonly<Record<string, number>>;
  /** Draft tokens proposed for this row and accepted into its output (speculative engines). */
  readonly speculative?: { readonly proposed: number; readonly accepted: number };
  /** Quiet-STaR cost and mixing (rows with `thinking`). */
  readonly thinking?: ThinkingStats;
}

/** Everything a row needs. */
export interface RowSpec {
  readonly promptIds: readonly number[];
  readonly params: SamplingParams;
  /** Upper bound on generated tokens (already bounded by the context window). */
  readonly maxTokens: number;
  readonly rng: Rng;
  readonly codec: TextCodec;
  readonly vocabSize: number;
  readonly eosTokenIds: readonly number[];
  /** Ids that may never be sampled (e.g. special tokens other than EOS). */
  readonly bannedTokenIds?: readonly number[];
  /** Score tokens: string -> id. */
  readonly scoreTokens?: ReadonlyMap<string, number>;
  readonly signal?: AbortSignal | undefined;
  /** Called with each safe-to-emit text delta. */
  readonly onDelta?: (delta: string) => void;
  /** Speculative options (engines with a draft model); reported counts appear when set. */
  readonly speculative?: SpeculativeOptions;
  /** LoRA adapter id; undefined = the base model. */
  readonly adapter?: string | undefined;
  /** Quiet-STaR state (requests with `thinking`). */
  readonly thinking?: RowThinking | undefined;
}

/**
 * A row driver (plain {@link RowDriver} and speculative {@link SpecRowDriver}) that settles
 * {@link GenerationRow.result}.
 */
export class GenerationRow implements SpecRowDriver {
  readonly promptIds: readonly number[];
  readonly signal: AbortSignal | undefined;
  /** LoRA adapter id; undefined = the base model. */
  readonly adapter: string | undefined;
  /** Quiet-STaR state; undefined = plain decoding. */
  readonly thinking: RowThinking | undefined;
  /** Settles when the row ends. */
  readonly result: Promise<RowResult>;
  readonly #spec: RowSpec;
  readonly #sampler: Sampler;
  readonly #history: TokenHistory;
  readonly #stopping: StoppingCriteria;
  readonly #detok: Detokenizer;
  readonly #tokens: number[] = [];
  readonly #logprobs: number[] = [];
  #scores: Record<string, number> | undefined;
  #lastLogprob = 0;
  /** History plus proposals, for speculative processing with a repetition penalty. */
  #specHistory: TokenHistory | undefined;
  #proposed = 0;
  #accepted = 0;
  /** Characters handed to onDelta so far. */
  #emitted = 0;
  #resolve!: (r: RowResult) => void;
  #reject!: (e: Error) => void;

  constructor(spec: RowSpec) {
    this.#spec = spec;
    this.promptIds = spec.promptIds;
    this.signal = spec.signal;
    this.adapter = spec.adapter;
    this.thinking = spec.thinking;
    this.#sampler = new Sampler({
      vocabSize: spec.vocabSize,
      params: spec.params,
      ...(spec.bannedTokenIds ? { bannedTokenIds: spec.bannedTokenIds } : {}),
    });
    this.#history = new TokenHistory(spec.vocabSize);
    if (spec.params.repetition_penalty !== 1) this.#history.addAll(spec.promptIds);
    this.#stopping = new StoppingCriteria({
      maxTokens: spec.maxTokens,
      eosTokenIds: spec.eosTokenIds,
      stop: spec.params.stop,
    });
    this.#detok = new Detokenizer(spec.codec);
    this.result = new Promise<RowResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  next(logits: Float32Array): number {
    const lse = logSumExp(logits);
    if (this.#tokens.length === 0 && this.#spec.scoreTokens !== undefined) {
      this.#scores = {};
      for (const [text, id] of this.#spec.scoreTokens) {
        this.#scores[text] = Math.exp((logits[id] ?? -Infinity) - lse);
      }
    }
    const token = this.#sampler.sample(logits, this.#spec.rng, this.#history);
    this.#lastLogprob = (logits[token] ?? -Infinity) - lse;
    return token;
  }

  /** Speculative options, when the engine has a draft model. */
  get speculative(): SpeculativeOptions | undefined {
    return this.#spec.speculative;
  }

  /** True at temperature 0 (argmax, no randomness). */
  get greedy(): boolean {
    return this.#sampler.pipeline.greedy;
  }

  /** The row's generator (draft draws, acceptance tests and residual draws use it too). */
  get rng(): Rng {
    return this.#spec.rng;
  }

  /** Tokens the row may still generate before max_tokens. */
  get tokensLeft(): number {
    return this.#spec.maxTokens - this.#tokens.length;
  }

  /**
   * Process raw logits ([vocab]) into `out` with the row's sampling parameters, as if the row
   * had already generated `proposals[0..count)` (they join the repetition-penalty history).
   */
  process(
    logits: Float32Array,
    out: Float32Array,
    proposals: ArrayLike<number>,
    count: number,
  ): Float32Array {
    if (this.#spec.params.repetition_penalty === 1 || count === 0) {
      return this.#sampler.pipeline.process(logits, out, this.#history);
    }
    const h = this.#specHistory ??= new TokenHistory(this.#spec.vocabSize);
    h.clear();
    h.addAll(this.#history.distinctIds());
    for (let i = 0; i < count; i++) h.add(proposals[i]!);
    return this.#sampler.pipeline.process(logits, out, h);
  }

  /** Record a token chosen by speculative verification with its raw log-probability. */
  pushVerified(token: number, logprob: number): boolean {
    this.#lastLogprob = logprob;
    return this.push(token);
  }

  /** Count draft tokens proposed for this row and accepted into its output. */
  noteSpeculation(proposed: number, accepted: number): void {
    this.#proposed += proposed;
    this.#accepted += accepted;
  }

  push(token: number): boolean {
    this.#tokens.push(token);
    this.#logprobs.push(this.#lastLogprob);
    if (this.#spec.params.repetition_penalty !== 1) this.#history.add(token);
    const isEos = this.#spec.eosTokenIds.includes(token);
    const reason = this.#stopping.push(token, isEos ? "" : this.#detok.push(token));
    this.#emit(this.#stopping.takeEmittable());
    return reason !== null;
  }

  #emit(delta: string): void {
    if (delta.length === 0) return;
    this.#emitted += delta.length;
    this.#spec.onDelta?.(delta);
  }

  end(outcome: RowEnd): void {
    if (outcome.error !== undefined) {
      this.#reject(outcome.error);
      return;
    }
    const text = this.#stopping.finalText();
    // A row cut by the context window may still hold back a possible stop-string prefix.
    this.#emit(text.slice(this.#emitted));
    const finishReason: FinishReason = outcome.contextFull === true
      ? "length"
      : this.#stopping.finishReason ?? "length";
    this.#resolve({
      text,
      tokens: this.#tokens,
      finishReason,
      promptTokens: this.promptIds.length,
      tokenLogprobs: this.#logprobs,
      ...(this.#scores !== undefined ? { scores: this.#scores } : {}),
      ...(this.#spec.speculative !== undefined
        ? { speculative: { proposed: this.#proposed, accepted: this.#accepted } }
        : {}),
      ...(this.thinking !== undefined
        ? { thinking: this.thinking.stats(this.#tokens.length) }
        : {}),
    });
  }
}
