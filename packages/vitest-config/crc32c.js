// For tests: the AWS SDK's own CRC32C (JavaScript, @aws-crypto), an implementation vod-harvest did not write, to
// check the product's native one and the checksums S3 keeps against. Base64 of the 4 big-endian bytes, as S3 shows.
import { crc32c } from "@aws-crypto/crc32c";

export function crc32cBase64(data) {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32c(typeof data === "string" ? Buffer.from(data, "utf8") : data) >>> 0);
  return bytes.toString("base64");
}
