/**
 * What an engine is created from (zod-checked, so the worker transport can send it).
 *
 * @module
 */
import { z } from "zod";
import { ModelSource } from "./loader/load_folder.ts";

/** Engine creation settings. */
export const EngineInit = z.object({
  model: ModelSource,
  /**
   * Draft model for speculative decoding; it must share the model's tokenizer and vocabulary.
   * With a draft, rows speculate unless their request says `speculative: { gamma: 0 }`.
   */
  draft: ModelSource.optional(),
  /** Display name; defaults to the folder URL or path. */
  name: z.string().optional(),
  ep: z.enum(["auto", "webgpu", "wasm"]).default("auto"),
  dtype: z.enum(["fp32", "fp16", "q8", "q4"]).default("fp32"),
  /** Most rows decoded together. */
  maxBatch: z.number().int().min(1).max(64).default(8),
  /**
   * Resident LoRA adapter slots (slot 0, the base model, not counted) for a model with LoRA slot
   * inputs; defaults to config.json `lora.slots - 1`. Ignored for models without LoRA.
   */
  adapterSlots: z.number().int().min(1).max(256).optional(),
  /** Cache URL downloads in IndexedDB (browser only). */
  cache: z.boolean().default(false),
});
/** Engine creation settings (parsed). */
export type EngineInit = z.infer<typeof EngineInit>;
/** Engine creation settings (as passed). */
export type EngineInitInput = z.input<typeof EngineInit>;
