/**
 * The in-process engine: loads a model folder, picks the execution provider, and serves the
 * OpenAI-shaped chat API and batched generate() from one continuous-batching runner.
 *
 * @module
 */
import { z } from "zod";
import {
  type AdapterMetrics,
  type CallOptions,
  type ChatCompletion,
  type ChatCompletionChunk,
  ChatCompletionRequest,
  type ChatCompletions,
  type Engine,
  type EngineInfo,
  type EngineStats,
  GenerateRequest,
  type GenerateResult,
  type Usage,
} from "./api.ts";
import { asyncQueue } from "./async_queue.ts";
import { BatchRunner } from "./batch_runner.ts";
import { createDecoder, type Decoder } from "./decoder.ts";
import { selectExecutionProvider } from "./ep.ts";
import { EngineStateError, ModelMismatchError } from "./errors.ts";
import type { GenerationRow, RowResult } from "./generation_row.ts";
import { EngineInit, type EngineInitInput } from "./init.ts";
import type { ModelFileCache } from "./loader/file_cache.ts";
import { loadModelFolder } from "./loader/load_folder.ts";
import type { ProgressListener } from "./loader/progress.ts";
import { eosTokenIds } from "./model_config.ts";
import {
  buildRow,
  parseRequest,
  promptIds,
  randomSeed,
  type RowContext,
  scoreTokenIds,
} from "./requests.ts";
import { createTextCodec } from "./tokenizer.ts";
import { useWebGpuAdapter, webGpuDevice } from "./ort.ts";
import { DeviceLossGuard } from "./device_loss.ts";
import { checkDraftCompatible } from "./speculative/draft_check.ts";
import { SpeculativeRunner } from "./speculative/spec_runner.ts";
import type { AdapterSource } from "../adapters/source.ts";
import { createLoraServing, type LoraServing } from "./lora/lora_serving.ts";
import { END_OF_THOUGHT, hasMixingHead, START_OF_THOUGHT } from "./thinking/options.ts";

/** Injected dependencies of {@link createEngine}. */
export interface EngineDeps {
  readonly onProgress?: ProgressListener;
  readonly cache?: ModelFileCache;
  readonly fetch?: typeof fetch;
  /**
   * Where LoRA adapters are loaded from by id (the Dexie store, a folder, a map). Requests may
   * name an `adapter` only when the model has LoRA slot inputs and this is given.
   */
  readonly adapters?: AdapterSource;
}

function sourceName(source: EngineInit["model"]): string {
  return source.kind === "url" ? source.url : source.kind === "path" ? source.path : "bytes";
}

function modelName(init: EngineInit): string {
  return init.name ?? sourceName(init.model);
}

/** What the engine needs of a runner (plain {@link BatchRunner} or {@link SpeculativeRunner}). */
interface Runner {
  submit(row: GenerationRow): void;
  idle(): Promise<void>;
  readonly active: number;
  readonly waiting: number;
  readonly liveGpuTensors: number;
}

const completionId = () => `chatcmpl-${crypto.randomUUID()}`;
const now = () => Math.floor(Date.now() / 1000);

/**
 * Load a model and return an {@link Engine}.
 *
 * @example
 * ```ts
 * const engine = await createEngine({ model: { kind: "path", path: "models/fixtures/target" }, ep: "wasm" });
 * const reply = await engine.chat.completions.create({ messages: [{ role: "user", content: "Hi" }] });
 * ```
 */
export async function createEngine(input: EngineInitInput, deps: EngineDeps = {}): Promise<Engine> {
  const init = parseRequest(EngineInit, input, "createEngine");
  const choice = await selectExecutionProvider(init.ep);
  const loadOptions = {
    dtype: init.dtype,
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    ...(deps.cache ? { cache: deps.cache } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  };
  const files = await loadModelFolder(init.model, loadOptions);
  const draftFiles = init.draft === undefined
    ? undefined
    : await loadModelFolder(init.draft, loadOptions);
  if (draftFiles !== undefined) checkDraftCompatible(files, draftFiles);
  const codec = createTextCodec(files.tokenizerJson, files.tokenizerConfig);
  const config = files.config;
  const maxSpecial = Math.max(-1, ...codec.specialIds);
  if (maxSpecial >= config.vocab_size) {
    throw new ModelMismatchError(
      `Cannot load model as tokenizer token id ${maxSpecial} is outside config.json vocab_size ${config.vocab_size}`,
    );
  }
  if (choice.ep === "webgpu") useWebGpuAdapter(choice.adapter);
  const decoder = await createDecoder(files.onnx, config, choice.ep);
  let draftDecoder: Decoder | undefined;
  try {
    draftDecoder = draftFiles === undefined
      ? undefined
      : await createDecoder(draftFiles.onnx, draftFiles.config, choice.ep);
  } catch (err) {
    await decoder.release();
    throw err;
  }
  const eos = eosTokenIds(config, files.generationConfig);
  const padTokenId = config.pad_token_id ?? eos[0] ?? 0;
  let lora: LoraServing;
  try {
    lora = await createLoraServing(decoder, deps.adapters, init.adapterSlots, choice.ep);
  } catch (err) {
    await decoder.release();
    await draftDecoder?.release();
    throw err;
  }
  // Only now that a WebGPU session exists does onnxruntime hand out its device (not a new one).
  const deviceLoss = new DeviceLossGuard();
  if (choice.ep === "webgpu") deviceLoss.watch(await webGpuDevice());
  const runnerOptions = { maxBatch: init.maxBatch, padTokenId, lora: lora.binding };
  // Without a draft the plain runner serves every row, unchanged.
  const speculative = draftDecoder === undefined
    ? undefined
    : new SpeculativeRunner(decoder, draftDecoder, runnerOptions);
  const plain = speculative === undefined ? new BatchRunner(decoder, runnerOptions) : undefined;
  const runner: Runner = speculative ?? plain!;
  const ctx: RowContext = {
    codec,
    vocabSize: config.vocab_size,
    contextLength: config.max_position_embeddings,
    eosTokenIds: eos,
    hasDraft: draftDecoder !== undefined,
    adapterUnavailable: lora.unavailable,
    mixingHead: hasMixingHead(config, decoder),
  };
  const name = modelName(init);
  let disposed = false;
  const live = () => {
    if (disposed) throw new EngineStateError("Cannot run as the engine was disposed");
    deviceLoss.check();
  };

  const submitAll = (rows: GenerationRow[]) =>
    rows.forEach((r) => runner.submit(deviceLoss.track(r)));

  /** Rows for the n choices of a chat request. */
  function chatRows(
    req: ChatCompletionRequest,
    options: CallOptions | undefined,
    onDelta?: (i: number, d: string) => void,
  ) {
    const ids = promptIds(ctx, req);
    const seed = req.seed ?? randomSeed();
    return Array.from({ length: req.n ?? 1 }, (_, i) =>
      buildRow(ctx, ids, req, {
        seed,
        stream: i,
        signal: options?.signal,
        ...(onDelta ? { onDelta: (d: string) => onDelta(i, d) } : {}),
      }));
  }

  async function complete(
    req: ChatCompletionRequest,
    options?: CallOptions,
  ): Promise<ChatCompletion> {
    const rows = chatRows(req, options);
    submitAll(rows);
    const results = await Promise.all(rows.map((r) => r.result));
    return {
      id: completionId(),
      object: "chat.completion",
      created: now(),
      model: name,
      choices: results.map((r, index) => ({
        index,
        message: { role: "assistant", content: r.text },
        finish_reason: r.finishReason,
        ...(r.thinking !== undefined ? { thinking: r.thinking } : {}),
      })),
      usage: usage(results),
    };
  }

  function streamChat(
    req: ChatCompletionRequest,
    options?: CallOptions,
  ): AsyncIterable<ChatCompletionChunk> {
    const id = completionId();
    const created = now();
    const q = asyncQueue<ChatCompletionChunk>();
    const chunk = (
      index: number,
      delta: ChatCompletionChunk["choices"][number]["delta"],
      finish: RowResult["finishReason"] | null,
      thinking?: RowResult["thinking"],
    ): ChatCompletionChunk => ({
      id,
      object: "chat.completion.chunk",
      created,
      model: name,
      choices: [{
        index,
        delta,
        finish_reason: finish,
        ...(thinking !== undefined ? { thinking } : {}),
      }],
    });
    const rows = chatRows(req, options, (i, d) => q.push(chunk(i, { content: d }, null)));
    rows.forEach((_, i) => q.push(chunk(i, { role: "assistant" }, null)));
    submitAll(rows);
    Promise.all(
      rows.map((r, i) =>
        r.result.then((res) => (q.push(chunk(i, {}, res.finishReason, res.thinking)), res))
      ),
    )
      .then((results) => {
        q.push({
          id,
          object: "chat.completion.chunk",
          created,
          model: name,
          choices: [],
          usage: usage(results),
        });
        q.end();
      })
      .catch((e: Error) => q.fail(e));
    return q.iterable;
  }

  const completions = {
    create(request: ChatCompletionRequest, options?: CallOptions) {
      try {
        live();
        const req = parseRequest(ChatCompletionRequest, request, "chat.completions.create");
        return req.stream === true
          ? Promise.resolve(streamChat(req, options))
          : complete(req, options);
      } catch (err) {
        return Promise.reject(err);
      }
    },
  } as ChatCompletions;

  return {
    chat: { completions },
    async generate(
      requests: readonly GenerateRequest[],
      options?: CallOptions,
    ): Promise<GenerateResult[]> {
      live();
      const reqs = parseRequest(z.array(GenerateRequest), requests, "generate");
      const rows = reqs.map((req, i) =>
        buildRow(ctx, promptIds(ctx, req), req, {
          seed: req.seed ?? randomSeed(),
          stream: i,
          scoreTokens: scoreTokenIds(codec, req.score_tokens),
          signal: options?.signal,
        })
      );
      submitAll(rows);
      const settled = await Promise.allSettled(rows.map((r) => r.result));
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
      if (failed !== undefined) throw failed.reason;
      return settled.map((s, i) => {
        const r = (s as PromiseFulfilledResult<RowResult>).value;
        const req = reqs[i] as GenerateRequest;
        return {
          id: req.id,
          text: r.text,
          finish_reason: r.finishReason,
          usage: usage([r]),
          tokens: [...r.tokens],
          token_logprobs: [...r.tokenLogprobs],
          ...(r.scores !== undefined ? { scores: { ...r.scores } } : {}),
          ...(r.thinking !== undefined ? { thinking: r.thinking } : {}),
        };
      });
    },
    info(): Promise<EngineInfo> {
      return Promise.resolve({
        model: name,
        ep: choice.ep,
        epReason: choice.reason,
        contextLength: ctx.contextLength,
        vocabSize: ctx.vocabSize,
        maxBatch: init.maxBatch,
        ...(init.draft !== undefined ? { draft: sourceName(init.draft) } : {}),
        thinking: {
          markers: codec.tokenId(START_OF_THOUGHT) !== undefined &&
            codec.tokenId(END_OF_THOUGHT) !== undefined,
          mixing_head: ctx.mixingHead === true,
        },
      });
    },
    stats(): Promise<EngineStats> {
      const s = speculative?.stats ?? plain!.stats;
      return Promise.resolve({
        prefillTokens: s.prefillTokens,
        prefillMs: s.prefillMs,
        decodeSteps: s.decodeSteps,
        decodeTokens: s.decodeTokens,
        decodeMs: s.decodeMs,
        rowSteps: s.rowSteps,
        rebuilds: s.rebuilds,
        active: runner.active,
        waiting: runner.waiting,
        gpuTensorsLive: runner.liveGpuTensors,
        ...(speculative !== undefined
          ? {
            speculative: {
              draftSteps: speculative.stats.draftSteps,
              draftMs: speculative.stats.draftMs,
              targetMs: speculative.stats.targetMs,
              proposed: speculative.stats.proposed,
              accepted: speculative.stats.accepted,
              rejections: speculative.stats.rejections,
              compactions: speculative.stats.compactions,
              costRatio: speculative.cost.c,
            },
          }
          : {}),
      });
    },
    adapterMetrics(): Promise<AdapterMetrics> {
      return Promise.resolve(lora.metrics());
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      // A forward pass on a lost device may never return: do not wait for it.
      if (deviceLoss.error === undefined) await runner.idle();
      lora.dispose();
      await decoder.release();
      await draftDecoder?.release();
    },
  };
}

function usage(results: readonly RowResult[]): Usage {
  const prompt = results[0]?.promptTokens ?? 0;
  const completion = results.reduce((s, r) => s + r.tokens.length, 0);
  const spec = results.filter((r) => r.speculative !== undefined);
  const proposed = spec.reduce((s, r) => s + r.speculative!.proposed, 0);
  const accepted = spec.reduce((s, r) => s + r.speculative!.accepted, 0);
  const thinking = results.filter((r) => r.thinking !== undefined);
  const thought = thinking.reduce((s, r) => s + r.thinking!.thought_tokens, 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(spec.length > 0 || thinking.length > 0
      ? {
        completion_tokens_details: {
          accepted_prediction_tokens: accepted,
          rejected_prediction_tokens: proposed - accepted,
          ...(thinking.length > 0 ? { thought_tokens: thought } : {}),
        },
      }
      : {}),
  };
}
