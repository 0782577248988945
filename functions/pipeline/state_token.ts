/**
 * Signed, expiring, size-bounded pipeline state tokens (HMAC-SHA256 over WebCrypto, so the
 * same code runs on Deno and Cloudflare Workers). Nothing is stored server-side: any
 * instance holding the secret can continue any run.
 *
 * Token: `v1.<kid>.<payload>.<signature>`, each part base64url; payload is the JSON
 * `{ iat, exp, data }`; the signature covers `v1.<kid>.<payload>`; kid is the first 6
 * bytes of HMAC(secret, "verity-state-kid"), so a token signed with another secret is
 * told apart from a tampered one without revealing anything about either secret.
 *
 * @module
 */
import { MAX_STATE_BYTES } from "../../shared/pipeline.ts";
import { ApiError } from "../http/errors.ts";

/** Settings of a {@link StateCodec}. */
export interface StateCodecOptions {
  /** The signing secret (VERITY_STATE_SECRET); at least 16 characters. */
  secret: string;
  /** Lifetime of a token in milliseconds (default 15 minutes). */
  ttlMs?: number;
  /** Largest token accepted or issued, in bytes (default 64 KiB). */
  maxBytes?: number;
  /** Clock in milliseconds since the epoch (injected in tests). */
  now?: () => number;
}

/** Default token lifetime: 15 minutes. */
export const DEFAULT_STATE_TTL_MS = 15 * 60 * 1000;
const VERSION = "v1";
const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decode base64url; null when the text is not base64url. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Signs and verifies pipeline state. Build with {@link StateCodec.create}. */
export class StateCodec {
  private constructor(
    private readonly key: CryptoKey,
    private readonly kid: string,
    private readonly ttlMs: number,
    private readonly maxBytes: number,
    private readonly now: () => number,
  ) {}

  /**
   * Import the secret as an HMAC-SHA256 key.
   *
   * @example
   * ```ts
   * const codec = await StateCodec.create({ secret: "0123456789abcdef0123" });
   * const token = await codec.sign({ step: 1 });
   * await codec.verify(token); // { step: 1 }
   * ```
   */
  static async create(options: StateCodecOptions): Promise<StateCodec> {
    if (options.secret.length < 16) {
      throw new RangeError(
        `Cannot sign pipeline state as 'secret' must have at least 16 characters: current length is ${options.secret.length}`,
      );
    }
    const key = await crypto.subtle.importKey(
      "raw",
      enc.encode(options.secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    const kidBytes = new Uint8Array(
      await crypto.subtle.sign("HMAC", key, enc.encode("verity-state-kid")),
    );
    return new StateCodec(
      key,
      toBase64Url(kidBytes.subarray(0, 6)),
      options.ttlMs ?? DEFAULT_STATE_TTL_MS,
      options.maxBytes ?? MAX_STATE_BYTES,
      options.now ?? Date.now,
    );
  }

  /** Sign `data` into a token that expires after the TTL; 413 `state_too_large` past the bound. */
  async sign(data: unknown): Promise<string> {
    const iat = this.now();
    const payload = toBase64Url(enc.encode(JSON.stringify({ iat, exp: iat + this.ttlMs, data })));
    const head = `${VERSION}.${this.kid}.${payload}`;
    const sig = new Uint8Array(await crypto.subtle.sign("HMAC", this.key, enc.encode(head)));
    const token = `${head}.${toBase64Url(sig)}`;
    if (token.length > this.maxBytes) {
      throw new ApiError(
        413,
        "state_too_large",
        `Cannot continue the pipeline as its state must be at most ${this.maxBytes} bytes: it would be ${token.length} (lower max_tokens, k, beam_width or best_of_n.n)`,
      );
    }
    return token;
  }

  /**
   * Verify a token and return its data. Refuses with 400 `invalid_state` (malformed),
   * 400 `state_too_large`, 401 `state_foreign_key` (signed with another secret),
   * 401 `state_tampered` (signature mismatch) or 401 `state_expired`.
   */
  async verify(token: string): Promise<unknown> {
    if (token.length > this.maxBytes) {
      throw new ApiError(
        400,
        "state_too_large",
        `Cannot read state as it must be at most ${this.maxBytes} bytes: it has ${token.length}`,
      );
    }
    const parts = token.split(".");
    const [version, kid, payload, sigText] = parts;
    const sig = sigText === undefined ? null : fromBase64Url(sigText);
    if (
      parts.length !== 4 || version !== VERSION || kid === undefined || payload === undefined ||
      sig === null
    ) {
      throw new ApiError(
        400,
        "invalid_state",
        "Cannot read state as it is not a v1 pipeline state token",
      );
    }
    if (kid !== this.kid) {
      throw new ApiError(
        401,
        "state_foreign_key",
        "Cannot accept state as it was signed with another key",
      );
    }
    const ok = await crypto.subtle.verify(
      "HMAC",
      this.key,
      sig,
      enc.encode(`${version}.${kid}.${payload}`),
    );
    if (!ok) {
      throw new ApiError(
        401,
        "state_tampered",
        "Cannot accept state as its signature does not match",
      );
    }
    let body: { exp?: unknown; data?: unknown };
    try {
      const bytes = fromBase64Url(payload);
      body = JSON.parse(dec.decode(bytes ?? new Uint8Array()));
    } catch (cause) {
      throw new ApiError(400, "invalid_state", "Cannot read state as its payload is not JSON", {
        cause,
      });
    }
    if (typeof body.exp !== "number" || this.now() > body.exp) {
      throw new ApiError(
        401,
        "state_expired",
        "Cannot accept state as it has expired: start the pipeline again",
      );
    }
    return body.data;
  }
}
