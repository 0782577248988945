/**
 * Where the stacked slot tensors live: CPU Float32Arrays under wasm (onnxruntime copies them
 * into the wasm heap each run), GPU buffers under WebGPU (written once per adapter load with
 * `queue.writeBuffer`, fed with `Tensor.fromGpuBuffer`, never downloaded).
 *
 * @module
 */
import { ort } from "../ort.ts";

/** One stacked input: its name and dims ([slots, r_max, in] or [slots, out, r_max]). */
export interface StackedInput {
  readonly name: string;
  readonly dims: readonly number[];
}

/** Storage of the stacked inputs. */
export interface SlotStorage {
  /** "cpu" or "gpu-buffer". */
  readonly location: "cpu" | "gpu-buffer";
  /** Overwrite `data.length` floats of input `name` starting at float `offset`. */
  write(name: string, offset: number, data: Float32Array): void;
  /** The tensors to feed, by input name. */
  readonly tensors: Readonly<Record<string, ort.Tensor>>;
  /**
   * Tensors of slots [0, k) only, sharing the storage (CPU: views, so onnxruntime copies k
   * slots instead of all into the wasm heap each step); the full tensors where views are not
   * possible (GPU).
   */
  prefix(k: number): Readonly<Record<string, ort.Tensor>>;
  /** Free GPU buffers (no-op on the CPU). */
  dispose(): void;
}

/**
 * CPU storage: one zeroed Float32Array per input, wrapped once in a tensor that shares it.
 *
 * @example
 * ```ts
 * const storage = cpuSlotStorage([{ name: "lora_A.0.q_proj", dims: [4, 8, 64] }]);
 * ```
 */
export function cpuSlotStorage(inputs: readonly StackedInput[]): SlotStorage {
  const arrays = new Map<string, Float32Array>();
  const tensors: Record<string, ort.Tensor> = {};
  for (const input of inputs) {
    const data = new Float32Array(input.dims.reduce((a, b) => a * b, 1)); // dims
    arrays.set(input.name, data);
    tensors[input.name] = new ort.Tensor("float32", data, [...input.dims]);
  }
  const slots = inputs[0]?.dims[0] ?? 1;
  const prefixes = new Map<number, Record<string, ort.Tensor>>([[slots, tensors]]);
  return {
    location: "cpu",
    write: (name, offset, data) => arrays.get(name)!.set(data, offset),
    tensors,
    prefix(k: number) {
      const n = Math.min(Math.max(1, k), slots);
      let views = prefixes.get(n);
      if (views === undefined) {
        views = {};
        for (const input of inputs) {
          const [, ...rest] = input.dims;
          const per = rest.reduce((a, b) => a * b, 1);
          const view = arrays.get(input.name)!.subarray(0, n * per); // [n, ...rest]
          views[input.name] = new ort.Tensor("float32", view, [n, ...rest]);
        }
        prefixes.set(n, views);
      }
      return views;
    },
    dispose: () => {},
  };
}

/** The part of a WebGPU device used here (typed loosely: Deno and DOM typings differ). */
interface GpuDeviceLike {
  createBuffer(descriptor: { size: number; usage: number; label?: string }): GpuBufferLike;
  readonly queue: {
    writeBuffer(buffer: GpuBufferLike, offset: number, data: ArrayBufferView): void;
  };
}
interface GpuBufferLike {
  destroy(): void;
}

// GPUBufferUsage.STORAGE | COPY_SRC | COPY_DST (numeric, so this file loads where the global is absent).
const STORAGE_USAGE = 0x80 | 0x04 | 0x08;

/**
 * GPU storage on onnxruntime's own WebGPU device (available once a WebGPU session exists):
 * zero-initialized buffers, written per slot, fed as gpu-buffer tensors.
 *
 * @example
 * ```ts
 * const storage = await gpuSlotStorage(inputs);
 * ```
 */
export async function gpuSlotStorage(inputs: readonly StackedInput[]): Promise<SlotStorage> {
  const device = (await ort.env.webgpu.device) as unknown as GpuDeviceLike;
  const buffers = new Map<string, GpuBufferLike>();
  const tensors: Record<string, ort.Tensor> = {};
  for (const input of inputs) {
    const size = input.dims.reduce((a, b) => a * b, 1) * 4;
    // Buffers are zero-initialized by WebGPU, so slot 0 and unused slots read as zeros.
    const buffer = device.createBuffer({ size, usage: STORAGE_USAGE, label: input.name });
    buffers.set(input.name, buffer);
    tensors[input.name] = ort.Tensor.fromGpuBuffer(
      buffer as unknown as ort.Tensor.GpuBufferType,
      { dataType: "float32", dims: [...input.dims] },
    );
  }
  return {
    location: "gpu-buffer",
    write: (name, offset, data) => device.queue.writeBuffer(buffers.get(name)!, offset * 4, data),
    tensors,
    prefix: () => tensors,
    dispose: () => {
      for (const b of buffers.values()) b.destroy();
      buffers.clear();
    },
  };
}
