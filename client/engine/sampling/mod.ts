/**
 * The generation stages of the client engine, as small pure functions over `Float32Array`:
 * a seeded RNG, sampling parameters, logits processors composed by {@link LogitsPipeline},
 * the {@link Sampler}, softmax helpers and per-row {@link StoppingCriteria}.
 *
 * @example
 * ```ts
 * const params = parseSamplingParams({ temperature: 0.7, top_p: 0.9, seed: 1, stop: "\n\n" });
 * const sampler = new Sampler({ vocabSize, params, bannedTokenIds: [thoughtStartId] });
 * const rng = createRng(params.seed ?? 0, row);
 * const token = sampler.sample(logitsRow, rng, history);
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./rng.ts";
export * from "./params.ts";
export * from "./token_history.ts";
export * from "./repetition_penalty.ts";
export * from "./temperature.ts";
export * from "./top_k.ts";
export * from "./top_p.ts";
export * from "./min_p.ts";
export * from "./token_ban.ts";
export * from "./select.ts";
export * from "./softmax.ts";
export * from "./logits_pipeline.ts";
export * from "./sampler.ts";
export * from "./stopping.ts";
