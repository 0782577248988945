/**
 * The zod schema of a PEFT LoRA `adapter_config.json` (Hugging Face PEFT field names). It parses
 * what the file says; whether Verity can serve it (DoRA, embedding adapters, ranks over the
 * base model's r_max, unknown modules) is decided against a base model by the PEFT reader.
 *
 * @module
 */
import { z } from "zod";

/** `adapter_config.json` of a PEFT LoRA adapter; unknown fields are kept. */
export const PeftAdapterConfig = z.looseObject({
  peft_type: z.string().default("LORA"),
  r: z.number().int().positive(),
  lora_alpha: z.number().positive(),
  // PEFT writes a list, or one regex string matched against full module names.
  target_modules: z.union([z.array(z.string()).min(1), z.string().min(1)]),
  use_rslora: z.boolean().default(false),
  use_dora: z.boolean().default(false),
  rank_pattern: z.record(z.string(), z.number().int().positive()).default({}),
  alpha_pattern: z.record(z.string(), z.number().positive()).default({}),
  bias: z.string().default("none"),
  modules_to_save: z.array(z.string()).nullable().default(null),
  base_model_name_or_path: z.string().nullable().default(null),
  fan_in_fan_out: z.boolean().default(false),
});
/** `adapter_config.json` of a PEFT LoRA adapter, defaults applied. */
export type PeftAdapterConfig = z.infer<typeof PeftAdapterConfig>;
