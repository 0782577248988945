/**
 * One decoder-only ONNX model behind a typed `step()`: feeds input ids, attention mask,
 * position ids and the past KV cache, returns logits and the present KV cache. Validates
 * the graph's inputs and outputs against config.json when created.
 *
 * @module
 */
import { createSession, type ExecutionProvider, ort } from "./ort.ts";
import { ModelMismatchError } from "./errors.ts";
import { type DecoderConfig, type KvShape, kvShape } from "./model_config.ts";
import { ADAPTER_INDEX, loraInputs, type LoraSpec, loraSpecFromConfig } from "./lora/lora_spec.ts";

/** The KV cache of a batch: 2 * layers tensors (key0, value0, key1, ...), each [batch, kv_heads, seq, head_dim]. */
export interface KvTensors {
  readonly tensors: readonly ort.Tensor[];
  readonly batch: number;
  /** Cache length (columns of the attention mask before this step's tokens). */
  readonly length: number;
  /**
   * True when the tensors are GPU buffers owned by us (WebGPU outputs). Tracked here rather than
   * read from `tensor.location`, which turns "cpu" after `getData()` while the GPU buffer lives on.
   */
  readonly gpu: boolean;
}

/** LoRA feeds of one step (models with LoRA slot inputs). */
export interface StepLora {
  /** [batch] slot of each row (0 = no adapter). */
  readonly adapterIndex: BigInt64Array;
  /** Stacked slot tensors by input name: lora_A.* [slots, r_max, in], lora_B.* [slots, out, r_max]. */
  readonly tensors: Readonly<Record<string, ort.Tensor>>;
}

/** Inputs of one forward pass. */
export interface StepInput {
  /** [batch, seq] token ids. */
  readonly inputIds: BigInt64Array;
  /** [batch, past + seq]: 1 = attend, 0 = padding or hole. */
  readonly attentionMask: BigInt64Array;
  /** [batch, seq] positions of the new tokens. */
  readonly positionIds: BigInt64Array;
  readonly batch: number;
  readonly seq: number;
  /** Past cache; its tensors are NOT disposed by step(). */
  readonly past: KvTensors;
  /** LoRA feeds; without them a LoRA model runs every row on slot 0 (the base model). */
  readonly lora?: StepLora | undefined;
}

/** Outputs of one forward pass. */
export interface StepOutput {
  /** [batch, seq, vocab] on the CPU. */
  readonly logits: Float32Array;
  /** Present cache; GPU tensors under WebGPU — dispose with {@link disposeKv}. */
  readonly present: KvTensors;
  /** [batch, seq] the Quiet-STaR mixing head's w, when the graph has `mixing_weight`. */
  readonly mixingWeight?: Float32Array | undefined;
}

/** A loaded decoder. */
export interface Decoder {
  readonly ep: ExecutionProvider;
  readonly config: DecoderConfig;
  readonly shape: KvShape;
  readonly vocabSize: number;
  /** True when the graph takes position_ids. */
  readonly usesPositionIds: boolean;
  /** The LoRA slot inputs of the graph, when it has them. */
  readonly lora: LoraSpec | undefined;
  /** True when the graph has the Quiet-STaR `mixing_weight` output [batch, seq, 1]. */
  readonly hasMixingWeight?: boolean;
  /** Run one forward pass. */
  step(input: StepInput): Promise<StepOutput>;
  /** An empty cache for a batch. */
  emptyKv(batch: number): KvTensors;
  /** Dispose every GPU tensor of a cache this decoder returned (CPU tensors are left to GC). */
  disposeKv(kv: KvTensors): void;
  /** GPU tensors returned by step() and not yet disposed (0 under wasm). */
  liveGpuTensors(): number;
  /** Release the session. */
  release(): Promise<void>;
}

const keyName = (i: number) => `past_key_values.${i}.key`;
const valueName = (i: number) => `past_key_values.${i}.value`;

/** Check the graph's I/O names against the config; throws ModelMismatchError naming the problem. */
export function checkGraphIo(
  inputs: readonly string[],
  outputs: readonly string[],
  config: DecoderConfig,
): void {
  const layers = config.num_hidden_layers;
  const need = ["input_ids", "attention_mask"];
  for (let i = 0; i < layers; i++) need.push(keyName(i), valueName(i));
  const missing = need.filter((n) => !inputs.includes(n));
  if (missing.length > 0) {
    throw new ModelMismatchError(
      `Cannot load model as the ONNX graph lacks input(s) ${
        missing.map((m) => `'${m}'`).join(", ")
      } that config.json (num_hidden_layers ${layers}) requires: graph inputs are ${
        inputs.join(", ")
      }`,
    );
  }
  const extraLayers = inputs.filter((n) =>
    /^past_key_values\.(\d+)\./.test(n) && Number(n.split(".")[1]) >= layers
  );
  if (extraLayers.length > 0) {
    throw new ModelMismatchError(
      `Cannot load model as the ONNX graph has ${
        extraLayers.length / 2 + layers
      } layers of past_key_values but config.json says num_hidden_layers is ${layers}`,
    );
  }
  const needOut = ["logits"];
  for (let i = 0; i < layers; i++) needOut.push(`present.${i}.key`, `present.${i}.value`);
  const missingOut = needOut.filter((n) => !outputs.includes(n));
  if (missingOut.length > 0) {
    throw new ModelMismatchError(
      `Cannot load model as the ONNX graph lacks output(s) ${
        missingOut.map((m) => `'${m}'`).join(", ")
      }`,
    );
  }
}

/**
 * The LoRA spec of a graph: config.json's `lora` field and the graph's slot inputs must agree.
 * Throws {@link ModelMismatchError} naming what is missing.
 */
export function checkLoraIo(
  inputs: readonly string[],
  config: DecoderConfig,
): LoraSpec | undefined {
  const spec = loraSpecFromConfig(config);
  const hasIndex = inputs.includes(ADAPTER_INDEX);
  if (spec === undefined) {
    if (!hasIndex) return undefined;
    throw new ModelMismatchError(
      `Cannot load model as the ONNX graph has LoRA slot inputs ('${ADAPTER_INDEX}') but config.json has no 'lora' field`,
    );
  }
  const missing = [ADAPTER_INDEX, ...loraInputs(spec).flatMap((i) => [i.a, i.b])]
    .filter((n) => !inputs.includes(n));
  if (missing.length > 0) {
    throw new ModelMismatchError(
      `Cannot load model as config.json 'lora' needs graph input(s) ${
        missing.slice(0, 4).map((m) => `'${m}'`).join(", ")
      }${missing.length > 4 ? ` and ${missing.length - 4} more` : ""} that the ONNX graph lacks`,
    );
  }
  return spec;
}

/** One zero slot per stacked input: what a LoRA graph is fed when a step brings no LoRA feeds. */
function zeroSlotTensors(spec: LoraSpec): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const i of loraInputs(spec)) {
    const { in: inF, out: outF } = spec.shapes[i.module];
    out[i.a] = new ort.Tensor("float32", new Float32Array(spec.rMax * inF), [1, spec.rMax, inF]);
    out[i.b] = new ort.Tensor("float32", new Float32Array(outF * spec.rMax), [1, outF, spec.rMax]);
  }
  return out;
}

/**
 * Create a decoder session from ONNX bytes.
 *
 * @example
 * ```ts
 * const decoder = await createDecoder(files.onnx, files.config, "wasm");
 * ```
 */
export async function createDecoder(
  onnx: Uint8Array,
  config: DecoderConfig,
  ep: ExecutionProvider,
): Promise<Decoder> {
  const shape = kvShape(config);
  const presentNames: string[] = [];
  for (let i = 0; i < shape.layers; i++) {
    presentNames.push(`present.${i}.key`, `present.${i}.value`);
  }
  const preferred: Record<string, "gpu-buffer"> = {};
  // Under WebGPU the cache stays on the GPU between steps; only logits come back.
  if (ep === "webgpu") { for (const n of presentNames) preferred[n] = "gpu-buffer"; }
  const session = await createSession(
    onnx,
    ep,
    ep === "webgpu" ? { preferredOutputLocation: preferred } : {},
  );
  let lora: LoraSpec | undefined;
  try {
    checkGraphIo(session.inputNames, session.outputNames, config);
    lora = checkLoraIo(session.inputNames, config);
  } catch (err) {
    await session.release();
    throw err;
  }
  let zeroSlots: Record<string, ort.Tensor> | undefined;
  const usesPositionIds = session.inputNames.includes("position_ids");
  const emptyKv = (batch: number): KvTensors => {
    const tensors: ort.Tensor[] = [];
    for (let i = 0; i < 2 * shape.layers; i++) {
      tensors.push(
        new ort.Tensor("float32", new Float32Array(0), [batch, shape.kvHeads, 0, shape.headDim]),
      );
    }
    return { tensors, batch, length: 0, gpu: false };
  };
  let liveGpu = 0;
  return {
    ep,
    config,
    disposeKv(kv: KvTensors): void {
      if (!kv.gpu) return;
      for (const t of kv.tensors) t.dispose();
      liveGpu -= kv.tensors.length;
    },
    liveGpuTensors: () => liveGpu,
    shape,
    vocabSize: config.vocab_size,
    usesPositionIds,
    lora,
    hasMixingWeight: session.outputNames.includes("mixing_weight"),
    emptyKv,
    async step(input: StepInput): Promise<StepOutput> {
      const { batch, seq, past } = input;
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor("int64", input.inputIds, [batch, seq]),
        attention_mask: new ort.Tensor("int64", input.attentionMask, [batch, past.length + seq]),
      };
      if (usesPositionIds) {
        feeds.position_ids = new ort.Tensor("int64", input.positionIds, [batch, seq]);
      }
      for (let i = 0; i < shape.layers; i++) {
        feeds[keyName(i)] = past.tensors[2 * i] as ort.Tensor;
        feeds[valueName(i)] = past.tensors[2 * i + 1] as ort.Tensor;
      }
      if (lora !== undefined) {
        const index = input.lora?.adapterIndex ?? new BigInt64Array(batch); // [batch]
        feeds[ADAPTER_INDEX] = new ort.Tensor("int64", index, [batch]);
        Object.assign(feeds, input.lora?.tensors ?? (zeroSlots ??= zeroSlotTensors(lora)));
      } else if (input.lora !== undefined) {
        throw new ModelMismatchError(
          "Cannot run a step with adapters as the ONNX graph has no LoRA slot inputs",
        );
      }
      const out = await session.run(feeds);
      const logitsTensor = out.logits;
      if (logitsTensor === undefined) {
        throw new ModelMismatchError("The ONNX graph returned no 'logits'");
      }
      const logits = logitsTensor.data as Float32Array; // [batch, seq, vocab]
      const tensors = presentNames.map((n) => out[n] as ort.Tensor);
      const gpu = tensors.some((t) => t.location === "gpu-buffer");
      if (gpu) liveGpu += tensors.length;
      const mixingWeight = out.mixing_weight?.data as Float32Array | undefined; // [batch, seq, 1]
      return { logits, present: { tensors, batch, length: past.length + seq, gpu }, mixingWeight };
    },
    release: () => session.release(),
  };
}
