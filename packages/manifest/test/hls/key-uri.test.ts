import { expect, test } from "vitest";
import { isFetchableKey } from "../../src/hls/key-uri.js";

test.each([
  ["AES-128", "key.bin", true],
  ["AES-128", "../keys/k?id=1", true],
  ["AES-128", "/keys/k", true],
  ["AES-128", "https://keys.example/k", true],
  ["SAMPLE-AES", "HTTP://keys.example/k", true],
  ["NONE", "key.bin", false],
  ["AES-128", undefined, false],
  ["AES-128", "  ", false],
  ["SAMPLE-AES", "skd://fairplay.example/k", false],
  ["SAMPLE-AES-CTR", "data:text/plain;base64,AAAA", false],
  ["AES-128", "ftp://keys.example/k", false],
  ["AES-128", "urn:uuid:1234", false],
])("METHOD=%s URI=%j fetchable: %s", (method, uri, fetchable) => {
  expect(isFetchableKey(method, uri)).toBe(fetchable);
});
