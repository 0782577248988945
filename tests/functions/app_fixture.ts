/**
 * Builds the app over an in-memory SQLite store for tests.
 *
 * @module
 */
import type { Hono } from "hono";
import { type Clock, createApp } from "../../functions/app.ts";
import { type AppSettings, DEFAULT_LIMITS } from "../../functions/config.ts";
import { memoryRateLimitStore } from "../../functions/security/rate_limit.ts";
import { createDocumentStore, type DocumentStore } from "../../functions/store/document_store.ts";
import { openSqliteDriver } from "../../functions/store/sqlite_driver.ts";
import { ADMIN_KEY, CLIENT_HEADER, RATE_LIMIT_BURST, RATE_LIMIT_RPS } from "./endpoint_cases.ts";

/** Settings matching the shared endpoint cases. */
export function testSettings(overrides: Partial<AppSettings> = {}): AppSettings {
  return {
    adminKey: ADMIN_KEY,
    stateSecret: "test-state-secret-0123456789",
    corsOrigins: [],
    clientIpHeader: CLIENT_HEADER,
    limits: {
      ...DEFAULT_LIMITS,
      rateLimitPerSecond: RATE_LIMIT_RPS,
      rateLimitBurst: RATE_LIMIT_BURST,
    },
    ...overrides,
  };
}

/** A fake clock whose time only moves when told to. */
export function fakeClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** An app and its in-memory store. */
export async function testApp(
  settings: AppSettings = testSettings(),
  clock: Clock = fakeClock(),
): Promise<{ app: Hono; store: DocumentStore }> {
  const store = createDocumentStore(openSqliteDriver(":memory:"));
  await store.migrate();
  const app = createApp({ store, settings, clock, rateLimits: memoryRateLimitStore() });
  return { app, store };
}
