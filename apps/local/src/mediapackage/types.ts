/** Shared small types of the MediaPackage emulator. */

export interface EmulatorTiming {
  /** How long every endpoint stays QUEUED before packaging starts. Default 2000 ms. */
  readonly queuedMs?: number;
  /** How long the CDN identifier read from Secrets Manager is reused. Default 1000 ms. */
  readonly secretCacheMs?: number;
}
