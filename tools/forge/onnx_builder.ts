/**
 * A small ONNX graph builder over onnx-proto: named inputs/outputs, initializers, deduped
 * constants and nodes with auto-generated unique names. Output is a serialized ModelProto
 * (standard domain only). Node and tensor order follow call order, so the same calls give
 * the same bytes.
 *
 * @module
 */
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** Tensor element types the forge emits. */
export type ElemType = "float32" | "int64" | "bool";

/** A dimension: a fixed size or a symbolic name such as "batch_size". */
export type Dim = number | string;

/** A node attribute value. */
export type AttrValue =
  | { readonly kind: "int"; readonly value: number }
  | { readonly kind: "ints"; readonly value: readonly number[] }
  | { readonly kind: "float"; readonly value: number };

/**
 * Integer attribute.
 *
 * @example
 * ```ts
 * b.op("Softmax", [x], { axis: int(-1) });
 * ```
 */
export function int(value: number): AttrValue {
  return { kind: "int", value };
}

/**
 * Integer-list attribute.
 *
 * @example
 * ```ts
 * b.op("Transpose", [x], { perm: ints([0, 2, 1, 3]) });
 * ```
 */
export function ints(value: readonly number[]): AttrValue {
  return { kind: "ints", value };
}

/**
 * Float attribute.
 *
 * @example
 * ```ts
 * b.op("LeakyRelu", [x], { alpha: float(0.1) });
 * ```
 */
export function float(value: number): AttrValue {
  return { kind: "float", value };
}

const ELEM_TYPE: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** Options of {@link GraphBuilder.encode}. */
export interface EncodeOptions {
  /** Default-domain opset version (17 for the forge). */
  readonly opset: number;
  /** Written to ModelProto.producer_name. */
  readonly producerName: string;
  /** Key/value metadata stored in the model. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Builds one ONNX graph. */
export class GraphBuilder {
  readonly #nodes: onnxProto.onnx.INodeProto[] = [];
  readonly #initializers: onnxProto.onnx.ITensorProto[] = [];
  readonly #inputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly #outputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly #constants = new Map<string, string>();
  readonly #names = new Set<string>();
  readonly #counters = new Map<string, number>();
  #scope = "";

  /** Create a builder for a graph called `name`. */
  constructor(readonly name: string) {}

  /**
   * Run `build` with node names prefixed by `prefix` (e.g. "/model/layers.0/attn"), so the
   * graph reads like a Hugging Face export in Netron.
   */
  scoped<T>(prefix: string, build: () => T): T {
    const saved = this.#scope;
    this.#scope = `${saved}/${prefix}`;
    try {
      return build();
    } finally {
      this.#scope = saved;
    }
  }

  /** Declare a graph input and return its name. */
  input(name: string, type: ElemType, dims: readonly Dim[]): string {
    this.#claim(name);
    this.#inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declare a graph output; `value` is renamed to `name` through an Identity if needed. */
  output(name: string, value: string, type: ElemType, dims: readonly Dim[]): void {
    if (value !== name) {
      this.op("Identity", [value], {}, { name: `${name}_identity`, outputs: [name] });
    }
    this.#outputs.push(valueInfo(name, type, dims));
  }

  /** Add a float32 initializer (`data` row-major over `dims`) and return its name. */
  initializer(name: string, data: Float32Array, dims: readonly number[]): string {
    return this.#addFloat(this.#claim(name), data, dims);
  }

  #addFloat(name: string, data: Float32Array, dims: readonly number[]): string {
    const raw = new Uint8Array(data.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i]!, true);
    this.#initializers.push({ name, dims: [...dims], dataType: ELEM_TYPE.float32, rawData: raw });
    return name;
  }

  /** An int64 constant initializer (deduplicated by value) and its name. */
  constInt64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i64:${dims.join("x")}:${values.join(",")}`;
    const cached = this.#constants.get(key);
    if (cached !== undefined) return cached;
    const name = this.#claim(
      `const_i64_${dims.join("x")}_${values.join("_").replaceAll("-", "m")}`,
    );
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
    this.#initializers.push({ name, dims: [...dims], dataType: ELEM_TYPE.int64, rawData: raw });
    this.#constants.set(key, name);
    return name;
  }

  /** A float32 constant initializer (deduplicated by value) and its name. */
  constFloat(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `f32:${dims.join("x")}:${values.join(",")}`;
    const cached = this.#constants.get(key);
    if (cached !== undefined) return cached;
    const name = this.#claim(`const_f32_${this.#constants.size}`);
    this.#addFloat(name, Float32Array.from(values), dims);
    this.#constants.set(key, name);
    return name;
  }

  /**
   * Append a node and return its first output name.
   *
   * @example
   * ```ts
   * const y = b.op("Add", [a, c]);
   * ```
   */
  op(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttrValue>> = {},
    options: { readonly name?: string; readonly outputs?: readonly string[] | number } = {},
  ): string {
    return this.opMulti(opType, inputs, attrs, options)[0]!;
  }

  /** Append a node with several outputs and return all output names. */
  opMulti(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttrValue>> = {},
    options: { readonly name?: string; readonly outputs?: readonly string[] | number } = {},
  ): string[] {
    const name = options.name === undefined ? this.#unique(opType) : this.#claim(options.name);
    const requested = options.outputs ?? 1;
    const outputs = typeof requested === "number"
      ? Array.from({ length: requested }, (_, i) => this.#claim(`${name}_out${i}`))
      : requested.map((o) => this.#claim(o));
    this.#nodes.push({
      name,
      opType,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attrs).map(([key, value]) => attribute(key, value)),
    });
    return outputs;
  }

  /** Serialize the graph as an ONNX ModelProto. */
  encode(options: EncodeOptions): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: options.producerName,
      opsetImport: [{ domain: "", version: options.opset }],
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.#nodes,
        initializer: this.#initializers,
        input: this.#inputs,
        output: this.#outputs,
      },
    });
    const bytes = onnx.ModelProto.encode(model).finish();
    // protobufjs returns a Node Buffer under Deno; hand out a plain view of the same memory.
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #claim(name: string): string {
    if (this.#names.has(name)) throw new Error(`ONNX graph name '${name}' is used twice`);
    this.#names.add(name);
    return name;
  }

  #unique(base: string): string {
    const key = `${this.#scope}/${base}`;
    const n = this.#counters.get(key) ?? 0;
    this.#counters.set(key, n + 1);
    return this.#claim(`${key}_${n}`);
  }
}

function valueInfo(
  name: string,
  type: ElemType,
  dims: readonly Dim[],
): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM_TYPE[type],
        shape: {
          dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

function attribute(name: string, value: AttrValue): onnxProto.onnx.IAttributeProto {
  const types = onnx.AttributeProto.AttributeType;
  switch (value.kind) {
    case "int":
      return { name, type: types.INT, i: value.value };
    case "ints":
      return { name, type: types.INTS, ints: [...value.value] };
    case "float":
      return { name, type: types.FLOAT, f: value.value };
  }
}
