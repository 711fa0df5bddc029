/** CRC32C by the AWS SDK's JavaScript implementation, base64 as S3 shows it (a reference for tests). */
export declare function crc32cBase64(data: Uint8Array | string): string;
