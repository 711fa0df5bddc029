// The AWS SDK's own CRC32C (JavaScript, @aws-crypto): an implementation we did not write, to check ours against.
import { crc32c } from "@aws-crypto/crc32c";

export function crc32cBase64(data: Uint8Array): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32c(data) >>> 0);
  return bytes.toString("base64");
}
