/**
 * Typed errors of apps/local (the local stand-ins). Errors that MediaPackage clients must see go over the wire as
 * MediaPackage error shapes (see mediapackage/api-error.ts); these are the emulator's own internal failures.
 */
export type LocalStackErrorCode =
  // FfmpegError: ffmpeg/ffprobe exited non-zero, could not be started, or was killed.
  | "FFMPEG_FAILED"
  | "FFMPEG_MISSING"
  // SourceError: the packaging source could not be read (missing object, not a playlist, no video).
  | "SOURCE_UNREADABLE"
  // InvalidPlaylistError: a playlist text the emulator had to read is not a usable HLS playlist.
  | "INVALID_PLAYLIST"
  // PackagingError: ffmpeg ran but its output cannot be served as asked (missing thumbnails, no MPD Period, …).
  | "PACKAGING_FAILED"
  // InvalidArgumentError: a caller of this package passed a bad option.
  | "INVALID_ARGUMENT"
  // PackagingAbortedError: the asset was deleted (or the emulator stopped) while it was being packaged.
  | "ABORTED";

type ErrorOptions = { cause?: unknown };

export class LocalStackError extends Error {
  readonly code: LocalStackErrorCode;
  constructor(code: LocalStackErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LocalStackError";
    this.code = code;
  }
}

export class FfmpegError extends LocalStackError {
  /** The last lines ffmpeg wrote to stderr: what it complained about. */
  readonly stderrTail: string;
  constructor(
    code: "FFMPEG_FAILED" | "FFMPEG_MISSING",
    message: string,
    stderrTail: string,
    options?: ErrorOptions,
  ) {
    super(code, stderrTail ? `${message}: ${stderrTail}` : message, options);
    this.name = "FfmpegError";
    this.stderrTail = stderrTail;
  }
}

export class SourceError extends LocalStackError {
  readonly sourceArn: string;
  constructor(sourceArn: string, message: string, options?: ErrorOptions) {
    super("SOURCE_UNREADABLE", `${sourceArn}: ${message}`, options);
    this.name = "SourceError";
    this.sourceArn = sourceArn;
  }
}

export class InvalidPlaylistError extends LocalStackError {
  constructor(message: string, options?: ErrorOptions) {
    super("INVALID_PLAYLIST", message, options);
    this.name = "InvalidPlaylistError";
  }
}

export class InvalidArgumentError extends LocalStackError {
  constructor(message: string, options?: ErrorOptions) {
    super("INVALID_ARGUMENT", message, options);
    this.name = "InvalidArgumentError";
  }
}

export class PackagingAbortedError extends LocalStackError {
  constructor(message: string, options?: ErrorOptions) {
    super("ABORTED", message, options);
    this.name = "PackagingAbortedError";
  }
}

export class PackagingError extends LocalStackError {
  constructor(message: string, options?: ErrorOptions) {
    super("PACKAGING_FAILED", message, options);
    this.name = "PackagingError";
  }
}
