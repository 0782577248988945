/**
 * The contract between where LoRA adapters are kept (the Dexie store, files, a test map) and the
 * engine's slot pool, which asks for an adapter's raw PEFT files by id when a request needs it.
 *
 * @module
 */

/** The two files of a PEFT LoRA adapter, as stored. */
export interface PeftAdapterFiles {
  /** Parsed `adapter_config.json`. Validated by the PEFT reader, not here. */
  readonly config: unknown;
  /** Bytes of `adapter_model.safetensors`. */
  readonly weights: Uint8Array;
}

/** Where the engine's slot pool loads adapters from, by id. */
export interface AdapterSource {
  /** Resolve an adapter's files; rejects with an error naming `id` when it does not exist. */
  load(id: string): Promise<PeftAdapterFiles>;
}
