/**
 * Entry of the decode bench page bundle (bench/browser/index.html loads it as
 * /bench/entry.js): publishes the page API as `globalThis.decodeBench`.
 *
 * @module
 */
import { createDecodeBenchPage, type DecodeBenchPage } from "./decode_page.ts";

(globalThis as { decodeBench?: DecodeBenchPage }).decodeBench = createDecodeBenchPage(
  location.origin,
);
