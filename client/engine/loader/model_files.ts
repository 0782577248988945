/**
 * The transformers.js model folder layout and the parsed contents of one folder.
 *
 * @module
 */
import { z } from "zod";
import { DecoderConfig, GenerationConfig } from "../model_config.ts";
import { ModelLoadError } from "../errors.ts";

/** Weight precisions and the ONNX file transformers.js names for each. */
export const ONNX_FILE_BY_DTYPE = {
  fp32: "onnx/model.onnx",
  fp16: "onnx/model_fp16.onnx",
  q8: "onnx/model_quantized.onnx",
  q4: "onnx/model_q4.onnx",
} as const;
/** A weight precision the loader can pick. */
export type ModelDtype = keyof typeof ONNX_FILE_BY_DTYPE;

/** Files every model folder must have, besides the ONNX graph. */
export const REQUIRED_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json"] as const;
/** Files read when present. */
export const OPTIONAL_FILES = ["generation_config.json"] as const;

/** The list of files to fetch for a dtype, required first. */
export function folderFiles(dtype: ModelDtype): { required: string[]; optional: string[] } {
  return {
    required: [...REQUIRED_FILES, ONNX_FILE_BY_DTYPE[dtype]],
    optional: [...OPTIONAL_FILES],
  };
}

/** tokenizer_config.json fields the engine reads. */
export const TokenizerConfig = z.looseObject({
  chat_template: z.union([
    z.string(),
    z.array(z.object({ name: z.string(), template: z.string() })),
  ])
    .nullable().optional(),
  bos_token: z.union([z.string(), z.object({ content: z.string() })]).nullable().optional(),
  eos_token: z.union([z.string(), z.object({ content: z.string() })]).nullable().optional(),
  model_max_length: z.number().optional(),
});
/** tokenizer_config.json fields the engine reads. */
export type TokenizerConfig = z.infer<typeof TokenizerConfig>;

/** A parsed model folder, ready for the tokenizer and the session. */
export interface ModelFiles {
  readonly config: DecoderConfig;
  readonly generationConfig: GenerationConfig | undefined;
  readonly tokenizerJson: unknown;
  readonly tokenizerConfig: TokenizerConfig;
  /** The ONNX graph bytes. */
  readonly onnx: Uint8Array;
  /** Bytes of every file read, by folder-relative path. */
  readonly sizes: Readonly<Record<string, number>>;
}

/**
 * Parse raw folder files (path -> bytes) into {@link ModelFiles}, naming the file and the
 * problem on failure.
 */
export function parseModelFiles(
  raw: ReadonlyMap<string, Uint8Array>,
  dtype: ModelDtype,
): ModelFiles {
  const { required } = folderFiles(dtype);
  for (const name of required) {
    if (!raw.has(name)) {
      throw new ModelLoadError(
        `Cannot load model as required file '${name}' is missing: found ${
          [...raw.keys()].map((k) => `'${k}'`).join(", ") || "no files"
        }`,
      );
    }
  }
  const json = (name: string): unknown => {
    const bytes = raw.get(name);
    if (bytes === undefined) return undefined;
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (cause) {
      throw new ModelLoadError(`Cannot load model as '${name}' is not valid JSON`, { cause });
    }
  };
  const schema = <T>(name: string, s: z.ZodType<T>): T => {
    const parsed = s.safeParse(json(name));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ModelLoadError(
        `Cannot load model as '${name}' field '${issue?.path.join(".") ?? ""}' is invalid: ${
          issue?.message ?? "unknown"
        }`,
        { cause: parsed.error },
      );
    }
    return parsed.data;
  };
  const sizes: Record<string, number> = {};
  for (const [k, v] of raw) sizes[k] = v.byteLength;
  return {
    config: schema("config.json", DecoderConfig),
    generationConfig: raw.has("generation_config.json")
      ? schema("generation_config.json", GenerationConfig)
      : undefined,
    tokenizerJson: json("tokenizer.json"),
    tokenizerConfig: schema("tokenizer_config.json", TokenizerConfig),
    onnx: raw.get(ONNX_FILE_BY_DTYPE[dtype]) as Uint8Array,
    sizes,
  };
}
