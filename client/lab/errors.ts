/**
 * Typed lab errors. Each keeps a distinct `name`, so a UI worker transport can rebuild it on the
 * other side of `postMessage`.
 *
 * @module
 */

/** Experiment settings are invalid (zod rejected them, or they contradict each other). */
export class LabSettingsError extends Error {
  /** @param message what is wrong, in the house style. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LabSettingsError";
  }
}

/** An experiment was stopped through its AbortSignal. */
export class LabAbortedError extends Error {
  /** @param message defaults to a plain statement that the run was stopped. */
  constructor(message = "Lab experiment was aborted", options?: ErrorOptions) {
    super(message, options);
    this.name = "LabAbortedError";
  }
}

/** The requested jax-js device is not available in this runtime. */
export class LabDeviceError extends Error {
  /** @param message which device was asked for and which exist. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LabDeviceError";
  }
}

/** A numerical routine failed (a non-finite loss, a singular system). */
export class LabNumericsError extends Error {
  /** @param message what diverged and where. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LabNumericsError";
  }
}
