/**
 * Typed errors of the adapter store. Each keeps a distinct `name` (and its `cause`) so a
 * worker transport can rebuild it after `postMessage`. A full browser storage is reported with
 * the engine's StorageQuotaError (client/engine/errors.ts), not a class of its own.
 *
 * @module
 */

/** Adapter files were rejected on import: malformed, unsupported, or unreadable. */
export class AdapterImportError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AdapterImportError";
  }
}

/** No adapter is stored under the requested id. */
export class AdapterNotFoundError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AdapterNotFoundError";
  }
}

/** An import would overwrite an adapter with the same id and `replace` was not set. */
export class AdapterExistsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AdapterExistsError";
  }
}
