/**
 * What a runner needs to serve LoRA rows: admission by adapter capacity, slot acquisition for
 * admitted rows (a row whose adapter fails to load ends with that error; the others go on), and
 * the step feeds (per-row slot indices plus the pool's stacked tensors).
 *
 * @module
 */
import type { RowDriver } from "../batch_runner.ts";
import type { StepLora } from "../decoder.ts";
import { admitByAdapters } from "./admission.ts";
import type { AdapterSlotPool } from "./slot_pool.ts";

/** A driver admitted with its slot (0 = base model). */
export interface BoundRow<D extends RowDriver> {
  readonly driver: D;
  readonly slot: number;
}

/** Binds rows to the slots of one pool. */
export class LoraBinding {
  readonly pool: AdapterSlotPool;
  /** Rows that had to wait because the batch's adapters filled every slot. */
  queuedForSlots = 0;
  readonly #deferred = new WeakSet<object>();

  constructor(pool: AdapterSlotPool) {
    this.pool = pool;
  }

  /** Remove from `queue` and return the rows that may join rows using `running` adapters. */
  take<D extends RowDriver>(
    queue: D[],
    running: readonly (string | undefined)[],
    room: number,
  ): D[] {
    const picked = admitByAdapters(queue, (d) => d.adapter, running, room, this.pool.capacity);
    const set = new Set(picked);
    queue.splice(0, queue.length, ...queue.filter((d) => !set.has(d)));
    // Admission stops at the first row whose adapter does not fit; it heads the queue now.
    const head = queue[0];
    if (picked.length < room && head !== undefined && !this.#deferred.has(head)) {
      this.#deferred.add(head);
      this.queuedForSlots++;
    }
    return picked;
  }

  /**
   * Make the admitted rows' adapters resident (protecting `running`) and return the rows with
   * their slots; rows whose adapter failed to load are ended with the error and left out.
   */
  async bind<D extends RowDriver>(
    admitted: readonly D[],
    running: readonly (string | undefined)[],
  ): Promise<BoundRow<D>[]> {
    const needed = admitted.map((d) => d.adapter).filter((a): a is string => a !== undefined);
    const protect = new Set(running.filter((a): a is string => a !== undefined));
    const slots = needed.length > 0 ? await this.pool.acquire(needed, protect) : new Map();
    const out: BoundRow<D>[] = [];
    for (const driver of admitted) {
      const got = driver.adapter === undefined ? 0 : slots.get(driver.adapter);
      if (got instanceof Error) driver.end({ error: got });
      else out.push({ driver, slot: got ?? 0 });
    }
    return out;
  }

  /**
   * Feeds of a step over rows with these slots (in batch order). Only slots up to the highest
   * one used are fed (free slots are filled lowest first), so a batch of base rows feeds one
   * zero slot and onnxruntime copies no more adapter weights than the batch can read.
   */
  feeds(slots: readonly number[]): StepLora {
    const top = slots.reduce((m, s) => Math.max(m, s), 0);
    return {
      adapterIndex: BigInt64Array.from(slots, (s) => BigInt(s)),
      tensors: this.pool.tensorsUpTo(top + 1),
    };
  }
}
