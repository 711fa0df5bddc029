/**
 * Typed errors of the test origin. It lives in its own folder (test tooling, not the engine), so its one error type
 * stays here rather than in packages/harvest/src/errors.ts.
 */
export type TestOriginErrorCode =
  | "INVALID_OPTIONS"
  | "INVALID_FAULT"
  | "ROOT_NOT_A_DIRECTORY"
  | "LISTEN_FAILED";

export class TestOriginError extends Error {
  readonly code: TestOriginErrorCode;
  constructor(code: TestOriginErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TestOriginError";
    this.code = code;
  }
}
