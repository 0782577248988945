/**
 * The projection modules a LoRA adapter may target, by their PEFT short names: one list for the
 * forge (which writes LoRA slot inputs) and the engine (which reads them).
 *
 * @module
 */
import { z } from "zod";

/** Projection modules that can carry LoRA (PEFT short names). */
export const LORA_MODULES = [
  "q_proj",
  "k_proj",
  "v_proj",
  "o_proj",
  "gate_proj",
  "up_proj",
  "down_proj",
] as const;
/** A projection module that can carry LoRA. */
export const LoraModule = z.enum(LORA_MODULES);
/** A projection module that can carry LoRA. */
export type LoraModule = z.infer<typeof LoraModule>;
