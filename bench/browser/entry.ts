/**
 * Entry of the decode bench page bundle (bench/browser/index.html loads it as
 * /bench/entry.js): publishes the page API as `globalThis.decodeBench`.
 *
 * @module
 */
import { createDecodeBenchPage } from "./decode_page.ts";
import type { DecodeBenchPage } from "./page_protocol.ts";

(globalThis as { decodeBench?: DecodeBenchPage }).decodeBench = createDecodeBenchPage(
  location.origin,
);
