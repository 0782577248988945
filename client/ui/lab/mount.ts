/**
 * The Lab tab of the chat UI. The page shell calls {@link mountLab} once with the tab's panel
 * element; the lab owns everything inside it.
 *
 * @module
 */

/** What {@link mountLab} needs from the page shell. */
export interface LabMountOptions {
  /** URL of the bundled lab worker (default "/ui/dist/lab_worker.js"). */
  readonly workerUrl?: string;
}

/** Handle returned by {@link mountLab}. */
export interface LabHandle {
  /** Stops any running experiment and removes the lab's listeners. */
  dispose(): void;
}

/**
 * Render the Lab tab into `root`.
 *
 * @example
 * ```ts
 * const lab = mountLab(document.getElementById("lab-panel")!, {});
 * ```
 */
export function mountLab(root: HTMLElement, _options: LabMountOptions = {}): LabHandle {
  root.textContent = "The lab is not built yet.";
  return { dispose() {} };
}
