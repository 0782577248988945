import assert from "node:assert/strict";
import {
  appSettingsFromEnv,
  DEFAULT_LIMITS,
  DEFAULT_SEED_CORPUS_PATH,
  parseCorsOrigins,
  serverSettingsFromEnv,
  SettingsError,
} from "../../functions/config.ts";

Deno.test("serverSettingsFromEnv() applies the documented defaults", () => {
  assert.deepEqual(serverSettingsFromEnv({}, { seedCorpusPath: "/x.json" }), {
    port: 8000,
    hostname: "0.0.0.0",
    dataDir: "./data",
    seedCorpus: true,
    seedCorpusPath: "/x.json",
  });
  const s = serverSettingsFromEnv({
    PORT: "9001",
    VERITY_DATA_DIR: "/tmp/v",
    VERITY_SEED_CORPUS: "0",
    VERITY_SEED_CORPUS_PATH: "corpus.json",
  });
  assert.deepEqual([s.port, s.dataDir, s.seedCorpus, s.seedCorpusPath], [
    9001,
    "/tmp/v",
    false,
    "corpus.json",
  ]);
});

Deno.test("serverSettingsFromEnv() seeds the tiny world's corpus unless told otherwise", () => {
  assert.equal(DEFAULT_SEED_CORPUS_PATH, "models/world/corpus.json");
  assert.equal(serverSettingsFromEnv({}).seedCorpusPath, "models/world/corpus.json");
  assert.equal(
    serverSettingsFromEnv({ VERITY_SEED_CORPUS_PATH: "functions/seed_corpus.json" })
      .seedCorpusPath,
    "functions/seed_corpus.json",
  );
});

Deno.test("serverSettingsFromEnv() refuses a bad PORT with a clear message", () => {
  assert.throws(
    () => serverSettingsFromEnv({ PORT: "eighty" }),
    (e: unknown) =>
      e instanceof SettingsError &&
      e.message ===
        `Cannot read settings as 'PORT' must be a non-negative integer: current value is "eighty"`,
  );
  assert.throws(() => serverSettingsFromEnv({ PORT: "70000" }), SettingsError);
});

Deno.test("appSettingsFromEnv() generates a state secret with a warning when unset", () => {
  const a = appSettingsFromEnv({});
  const b = appSettingsFromEnv({});
  assert.equal(a.settings.stateSecret.length, 64);
  assert.notEqual(a.settings.stateSecret, b.settings.stateSecret);
  assert.equal(a.settings.adminKey, undefined);
  assert.ok(a.warnings.some((w) => w.includes("VERITY_STATE_SECRET")));
  assert.ok(a.warnings.some((w) => w.includes("VERITY_ADMIN_KEY")));
  assert.deepEqual(a.settings.limits, DEFAULT_LIMITS);
});

Deno.test("appSettingsFromEnv() reads keys, origins, rate limits and the client header", () => {
  const { settings, warnings } = appSettingsFromEnv({
    VERITY_ADMIN_KEY: "a-long-enough-admin-key",
    VERITY_STATE_SECRET: "s".repeat(32),
    VERITY_CORS_ORIGINS: "https://a.example, http://localhost:5173",
    VERITY_RATE_LIMIT_RPS: "2.5",
    VERITY_RATE_LIMIT_BURST: "10",
    VERITY_CLIENT_IP_HEADER: "X-Real-IP",
  });
  assert.deepEqual(warnings, []);
  assert.equal(settings.adminKey, "a-long-enough-admin-key");
  assert.deepEqual(settings.corsOrigins, ["https://a.example", "http://localhost:5173"]);
  assert.equal(settings.limits.rateLimitPerSecond, 2.5);
  assert.equal(settings.limits.rateLimitBurst, 10);
  assert.equal(settings.clientIpHeader, "x-real-ip");
  assert.throws(() => appSettingsFromEnv({ VERITY_STATE_SECRET: "short" }), SettingsError);
});

Deno.test("parseCorsOrigins() accepts origins and * and refuses paths", () => {
  assert.deepEqual(parseCorsOrigins(undefined), []);
  assert.deepEqual(parseCorsOrigins(" * ,"), ["*"]);
  assert.throws(() => parseCorsOrigins("https://a.example/path"), SettingsError);
  assert.throws(() => parseCorsOrigins("not a url"), SettingsError);
});
