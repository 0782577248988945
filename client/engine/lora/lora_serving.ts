/**
 * The engine's LoRA wiring for one target decoder: the slot pool and runner binding when the
 * model has LoRA slot inputs, why requests may not name adapters when they cannot, and the
 * `adapterMetrics()` answer.
 *
 * @module
 */
import type { AdapterSource } from "../../adapters/source.ts";
import type { AdapterMetrics } from "../api.ts";
import type { Decoder } from "../decoder.ts";
import type { ExecutionProvider } from "../ort.ts";
import { LoraBinding } from "./lora_binding.ts";
import { AdapterSlotPool } from "./slot_pool.ts";

/** LoRA serving state of an engine. */
export interface LoraServing {
  /** The runner binding; undefined for models without LoRA slot inputs. */
  readonly binding: LoraBinding | undefined;
  /** Why requests may not name an adapter, or undefined when they may. */
  readonly unavailable: string | undefined;
  /** Pool counters (zeros without LoRA). */
  metrics(): AdapterMetrics;
  /** Free the pool's GPU buffers. */
  dispose(): void;
}

/**
 * Set up LoRA serving for a decoder: `adapterSlots` resident adapters (default config.json
 * `lora.slots - 1`) loaded from `source`.
 *
 * @example
 * ```ts
 * const lora = await createLoraServing(decoder, source, undefined, "wasm");
 * ```
 */
export async function createLoraServing(
  decoder: Decoder,
  source: AdapterSource | undefined,
  adapterSlots: number | undefined,
  ep: ExecutionProvider,
): Promise<LoraServing> {
  const spec = decoder.lora;
  const pool = spec === undefined
    ? undefined
    : await AdapterSlotPool.create(spec, source, adapterSlots ?? spec.slots - 1, ep);
  const binding = pool === undefined ? undefined : new LoraBinding(pool);
  return {
    binding,
    unavailable: pool === undefined
      ? "the model has no LoRA slot inputs (config.json has no 'lora' field)"
      : source === undefined
      ? "the engine was created without an adapter source ('adapters' of createEngine)"
      : undefined,
    metrics(): AdapterMetrics {
      if (pool === undefined) {
        return {
          slots: 0,
          location: "none",
          resident: [],
          hits: 0,
          misses: 0,
          evictions: 0,
          loads: 0,
          loadFailures: 0,
          loadMsTotal: 0,
          loadMsMax: 0,
          loadMsRecent: [],
          queuedForSlots: 0,
        };
      }
      return { ...pool.metrics(), queuedForSlots: binding!.queuedForSlots };
    },
    dispose: () => pool?.dispose(),
  };
}
