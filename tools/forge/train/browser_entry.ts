/**
 * Browser bundle entry of the WebGPU training test (tests/e2e/train_webgpu_test.ts): it
 * exposes {@link runBrowserTraining} as `globalThis.verityTrain` for the page to call. Being
 * an entry point, that assignment is its one intended side effect.
 *
 * @module
 */
import { runBrowserTraining } from "./browser_run.ts";

(globalThis as { verityTrain?: typeof runBrowserTraining }).verityTrain = runBrowserTraining;
