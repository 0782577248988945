/**
 * The resident LoRA slots of one base model: S slots (slot 0 = zeros = no adapter) stacked per
 * layer and module as the graph wants them, adapters loaded from an {@link AdapterSource} on
 * demand, evicted least-recently-used, never while a running row uses them (callers name the
 * adapters to protect). PEFT scaling is folded into B when a slot is written, and ranks below
 * r_max are zero-padded, so the graph computes B (A x) with no further inputs.
 *
 * @module
 */
import type { AdapterSource } from "../../adapters/source.ts";
import { readPeftAdapter } from "../../adapters/peft/peft_reader.ts";
import { AdapterError } from "../errors.ts";
import type { ExecutionProvider, ort } from "../ort.ts";
import { loraInputs, type LoraSpec } from "./lora_spec.ts";
import { cpuSlotStorage, gpuSlotStorage, type SlotStorage } from "./slot_storage.ts";

/** Pool counters (see {@link AdapterSlotPool.metrics}). */
export interface PoolMetrics {
  /** Adapter slots (slot 0 not counted). */
  readonly slots: number;
  /** Where the slot tensors live. */
  readonly location: "cpu" | "gpu-buffer";
  /** Adapter ids resident now, most recently used first. */
  readonly resident: string[];
  /** Requests for an adapter that was resident. */
  readonly hits: number;
  /** Requests that had to load the adapter. */
  readonly misses: number;
  /** Adapters dropped to make room. */
  readonly evictions: number;
  /** Successful loads (source -> parsed -> written to a slot). */
  readonly loads: number;
  /** Loads that failed (missing adapter, malformed or incompatible files). */
  readonly loadFailures: number;
  /** Total and largest load time, ms. */
  readonly loadMsTotal: number;
  readonly loadMsMax: number;
  /** Load times of the last (up to 256) loads, ms, oldest first. */
  readonly loadMsRecent: number[];
}

interface Slot {
  id: string | undefined;
  lastUsed: number;
}

/** The resident adapter slots of a base model. */
export class AdapterSlotPool {
  readonly spec: LoraSpec;
  readonly #source: AdapterSource | undefined;
  readonly #storage: SlotStorage;
  /** Index 0 is the zero slot and never holds an adapter. */
  readonly #slots: Slot[];
  #clock = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  #loads = 0;
  #failures = 0;
  #loadMs: number[] = [];
  #loadMsTotal = 0;
  #loadMsMax = 0;

  private constructor(
    spec: LoraSpec,
    source: AdapterSource | undefined,
    storage: SlotStorage,
    n: number,
  ) {
    this.spec = spec;
    this.#source = source;
    this.#storage = storage;
    this.#slots = Array.from({ length: n + 1 }, () => ({ id: undefined, lastUsed: 0 }));
  }

  /**
   * A pool of `adapterSlots` adapter slots (plus slot 0) on the EP's storage.
   *
   * @example
   * ```ts
   * const pool = await AdapterSlotPool.create(spec, source, 3, "wasm");
   * ```
   */
  static async create(
    spec: LoraSpec,
    source: AdapterSource | undefined,
    adapterSlots: number,
    ep: ExecutionProvider,
  ): Promise<AdapterSlotPool> {
    if (!Number.isInteger(adapterSlots) || adapterSlots < 1) {
      throw new RangeError(
        `Cannot create the adapter pool as 'adapterSlots' must be a positive integer: current value is ${adapterSlots}`,
      );
    }
    const S = adapterSlots + 1;
    const inputs = loraInputs(spec).flatMap((i) => {
      const shape = spec.shapes[i.module];
      return [
        { name: i.a, dims: [S, spec.rMax, shape.in] },
        { name: i.b, dims: [S, shape.out, spec.rMax] },
      ];
    });
    const storage = ep === "webgpu" ? await gpuSlotStorage(inputs) : cpuSlotStorage(inputs);
    return new AdapterSlotPool(spec, source, storage, adapterSlots);
  }

  /** Adapter slots (slot 0 not counted): the most distinct adapters one batch may use. */
  get capacity(): number {
    return this.#slots.length - 1;
  }

  /** True when the pool has somewhere to load adapters from. */
  get hasSource(): boolean {
    return this.#source !== undefined;
  }

  /** The stacked slot tensors to feed, by input name. */
  get tensors(): Readonly<Record<string, ort.Tensor>> {
    return this.#storage.tensors;
  }

  /** The stacked tensors of slots [0, k) (all slots where the storage cannot slice). */
  tensorsUpTo(k: number): Readonly<Record<string, ort.Tensor>> {
    return this.#storage.prefix(k);
  }

  /** The slot of a resident adapter. */
  slotOf(id: string): number | undefined {
    const i = this.#slots.findIndex((s, k) => k > 0 && s.id === id);
    return i > 0 ? i : undefined;
  }

  /**
   * Make every adapter of `needed` resident and return its slot, or the error that kept it
   * out. Only adapters outside `needed` and `protect` (those running rows use) may be evicted;
   * the caller admits at most {@link capacity} distinct adapters, so a slot is always found.
   */
  async acquire(
    needed: readonly string[],
    protect: ReadonlySet<string>,
  ): Promise<Map<string, number | Error>> {
    const out = new Map<string, number | Error>();
    const keep = new Set([...protect, ...needed]);
    for (const id of needed) {
      if (out.has(id)) continue;
      const resident = this.slotOf(id);
      if (resident !== undefined) {
        this.#hits++;
        this.#slots[resident]!.lastUsed = ++this.#clock;
        out.set(id, resident);
        continue;
      }
      this.#misses++;
      const slot = this.#freeSlot(keep);
      try {
        await this.#load(id, slot);
        out.set(id, slot);
      } catch (err) {
        this.#failures++;
        out.set(id, err instanceof Error ? err : new Error(String(err)));
      }
    }
    return out;
  }

  /** Counters and resident adapters. */
  metrics(): PoolMetrics {
    const resident = this.#slots.slice(1).filter((s) => s.id !== undefined)
      .sort((a, b) => b.lastUsed - a.lastUsed).map((s) => s.id!);
    return {
      slots: this.capacity,
      location: this.#storage.location,
      resident,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      loads: this.#loads,
      loadFailures: this.#failures,
      loadMsTotal: this.#loadMsTotal,
      loadMsMax: this.#loadMsMax,
      loadMsRecent: [...this.#loadMs],
    };
  }

  /** Release GPU buffers. */
  dispose(): void {
    this.#storage.dispose();
  }

  /** An empty slot, else the least recently used slot whose adapter is not kept. */
  #freeSlot(keep: ReadonlySet<string>): number {
    let best = -1;
    for (let k = 1; k < this.#slots.length; k++) {
      const s = this.#slots[k]!;
      if (s.id === undefined) return k;
      if (keep.has(s.id)) continue;
      if (best < 0 || s.lastUsed < this.#slots[best]!.lastUsed) best = k;
    }
    if (best < 0) {
      throw new AdapterError(
        `Cannot load an adapter as all ${this.capacity} adapter slots hold adapters of running rows`,
      );
    }
    this.#evictions++;
    this.#slots[best]!.id = undefined;
    return best;
  }

  async #load(id: string, slot: number): Promise<void> {
    if (this.#source === undefined) {
      throw new AdapterError(
        `Cannot use adapter '${id}' as the engine was created without an adapter source ('adapters' of createEngine)`,
      );
    }
    const t0 = performance.now();
    const weights = readPeftAdapter(await this.#source.load(id), this.spec);
    this.#write(slot, weights.modules);
    this.#slots[slot] = { id, lastUsed: ++this.#clock };
    const ms = performance.now() - t0;
    this.#loads++;
    this.#loadMsTotal += ms;
    this.#loadMsMax = Math.max(this.#loadMsMax, ms);
    this.#loadMs.push(ms);
    if (this.#loadMs.length > 256) this.#loadMs.shift();
  }

  /** Write an adapter's modules into slot `slot` (every module: absent ones become zeros). */
  #write(slot: number, modules: ReturnType<typeof readPeftAdapter>["modules"]): void {
    const R = this.spec.rMax;
    for (const input of loraInputs(this.spec)) {
      const { in: inF, out: outF } = this.spec.shapes[input.module];
      const m = modules.find((x) => x.layer === input.layer && x.module === input.module);
      const a = new Float32Array(R * inF); // [r_max, in]
      const b = new Float32Array(outF * R); // [out, r_max]
      if (m !== undefined) {
        a.set(m.a); // rows rank..r_max stay zero
        for (let o = 0; o < outF; o++) {
          for (let k = 0; k < m.rank; k++) b[o * R + k] = m.scaling * m.b[o * m.rank + k]!;
        }
      }
      this.#storage.write(input.a, slot * R * inF, a);
      this.#storage.write(input.b, slot * outF * R, b);
    }
  }
}
