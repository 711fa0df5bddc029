/**
 * MediaPackage VOD's error shapes (restJson1): the HTTP status, the error name in `x-amzn-ErrorType` and a body
 * `{"message": "…"}`. The SDK maps the name to its exception class (NotFoundException, …).
 */
export type MediaPackageErrorName =
  | "ForbiddenException"
  | "InternalServerErrorException"
  | "NotFoundException"
  | "ServiceUnavailableException"
  | "TooManyRequestsException"
  | "UnprocessableEntityException";

const STATUS_BY_ERROR: Readonly<Record<MediaPackageErrorName, number>> = {
  ForbiddenException: 403,
  InternalServerErrorException: 500,
  NotFoundException: 404,
  ServiceUnavailableException: 503,
  TooManyRequestsException: 429,
  UnprocessableEntityException: 422,
};

/** Thrown by request handlers; the server turns it into the error response. */
export class MediaPackageApiError extends Error {
  readonly errorName: MediaPackageErrorName;
  readonly status: number;
  constructor(errorName: MediaPackageErrorName, message: string) {
    super(message);
    this.name = "MediaPackageApiError";
    this.errorName = errorName;
    this.status = STATUS_BY_ERROR[errorName];
  }
}

export const notFound = (message: string) => new MediaPackageApiError("NotFoundException", message);
export const unprocessable = (message: string) =>
  new MediaPackageApiError("UnprocessableEntityException", message);
