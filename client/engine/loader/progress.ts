/**
 * Byte progress of a model download, per file and in total.
 *
 * @module
 */

/** One progress report. `total` is null while a size is unknown. */
export interface LoadProgress {
  /** Folder-relative file path, e.g. "onnx/model.onnx". */
  readonly file: string;
  /** Bytes of this file received so far. */
  readonly loaded: number;
  /** This file's size in bytes, when known. */
  readonly total: number | null;
  /** True when the bytes came from the local cache. */
  readonly cached: boolean;
  /** Sum over all files of the folder. */
  readonly overall: { readonly loaded: number; readonly total: number | null };
}

/** A progress callback. */
export type ProgressListener = (progress: LoadProgress) => void;

/** Tracks per-file bytes and reports totals over a fixed list of files. */
export class ProgressTracker {
  readonly #loaded = new Map<string, number>();
  readonly #totals = new Map<string, number | null>();
  readonly #listener: ProgressListener | undefined;

  constructor(files: readonly string[], listener?: ProgressListener) {
    for (const f of files) {
      this.#loaded.set(f, 0);
      this.#totals.set(f, null);
    }
    this.#listener = listener;
  }

  /** Record a file's size once known. */
  setTotal(file: string, total: number | null): void {
    this.#totals.set(file, total);
  }

  /** Record bytes received for a file and notify the listener. */
  update(file: string, loaded: number, cached = false): void {
    this.#loaded.set(file, loaded);
    if (this.#listener === undefined) return;
    let sum = 0;
    let total: number | null = 0;
    for (const [f, l] of this.#loaded) {
      sum += l;
      const t = this.#totals.get(f) ?? null;
      total = total === null || t === null ? null : total + t;
    }
    this.#listener({
      file,
      loaded,
      total: this.#totals.get(file) ?? null,
      cached,
      overall: { loaded: sum, total },
    });
  }
}
