import { describe, expect, test } from "vitest";
import { HttpConnectionError } from "../src/errors.js";
import {
  framingOf,
  MAX_HEAD_BYTES,
  parseHeadText,
  type ResponseHead,
  ResponseParser,
} from "../src/h1/response-parser.js";

interface Parsed {
  heads: Omit<ResponseHead, "headers">[];
  headers: ResponseHead["headers"][];
  body: string;
  ended: boolean;
  /** Where feed stopped in the whole input, when it stopped early. */
  stoppedAt: number | undefined;
}

/** Feeds `input` in pieces cut at `cuts`, then (optionally) the server's close; collects what the parser reports. */
function parse(input: string, cuts: readonly number[] = [], close = false): Parsed {
  const out: Parsed = { heads: [], headers: [], body: "", ended: false, stoppedAt: undefined };
  const parser = new ResponseParser({
    onHead: ({ headers, ...head }) => {
      out.heads.push(head);
      out.headers.push(headers);
    },
    onBody: (buffer, start, end) => {
      out.body += buffer.toString("latin1", start, end);
    },
    onEnd: () => {
      out.ended = true;
    },
  });
  const bytes = Buffer.from(input, "latin1");
  const points = [0, ...cuts, bytes.length];
  for (let index = 0; index + 1 < points.length; index++) {
    const from = points[index] as number;
    const to = points[index + 1] as number;
    // A buffer reused between reads, as the connection's is: the parser must not keep views of it.
    const reused = Buffer.alloc(to - from + 8, 0x7e);
    bytes.copy(reused, 3, from, to);
    const stop = parser.feed(reused, 3, 3 + to - from);
    reused.fill(0x21);
    if (stop < 3 + to - from) {
      out.stoppedAt = from + stop - 3;
      return out;
    }
  }
  if (close) parser.finish();
  return out;
}

const crlf = (...lines: string[]) => lines.join("\r\n");

const CASES: {
  name: string;
  input: string;
  close?: boolean;
  status: number;
  body: string;
  keepAlive: boolean;
}[] = [
  {
    name: "Content-Length",
    input: crlf("HTTP/1.1 200 OK", "Content-Length: 5", "Content-Type: video/mp2t", "", "hello"),
    status: 200,
    body: "hello",
    keepAlive: true,
  },
  {
    name: "chunked, with an extension and trailers",
    input: crlf(
      "HTTP/1.1 200 OK",
      "Transfer-Encoding: chunked",
      "",
      "5;name=value",
      "hello",
      "6",
      " world",
      "0",
      "X-Trailer: 1",
      "",
      "",
    ),
    status: 200,
    body: "hello world",
    keepAlive: true,
  },
  {
    name: "chunked with upper-case hex sizes",
    input: crlf("HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "", "A", "0123456789", "0", "", ""),
    status: 200,
    body: "0123456789",
    keepAlive: true,
  },
  {
    name: "delimited by the close (HTTP/1.0, no length)",
    input: crlf("HTTP/1.0 200 OK", "", "until the end"),
    close: true,
    status: 200,
    body: "until the end",
    keepAlive: false,
  },
  {
    name: "interim 100 and 103 responses before the real one",
    input: crlf(
      "HTTP/1.1 100 Continue",
      "",
      "HTTP/1.1 103 Early Hints",
      "Link: </a>",
      "",
      "HTTP/1.1 200 OK",
      "Content-Length: 2",
      "",
      "ok",
    ),
    status: 200,
    body: "ok",
    keepAlive: true,
  },
  {
    name: "204 carries no body whatever it says",
    input: crlf("HTTP/1.1 204 No Content", "Content-Length: 10", "", ""),
    status: 204,
    body: "",
    keepAlive: true,
  },
  {
    name: "Connection: close",
    input: crlf("HTTP/1.1 404 Not Found", "Connection: close", "Content-Length: 3", "", "nop"),
    status: 404,
    body: "nop",
    keepAlive: false,
  },
  {
    name: "HTTP/1.0 with keep-alive",
    input: crlf("HTTP/1.0 200 OK", "Connection: Keep-Alive", "Content-Length: 1", "", "x"),
    status: 200,
    body: "x",
    keepAlive: true,
  },
  {
    name: "Content-Length and chunked: read chunked, then close",
    input: crlf(
      "HTTP/1.1 200 OK",
      "Content-Length: 99",
      "Transfer-Encoding: chunked",
      "",
      "1",
      "a",
      "0",
      "",
      "",
    ),
    status: 200,
    body: "a",
    keepAlive: false,
  },
  {
    name: "Content-Length: 0",
    input: crlf("HTTP/1.1 301 Moved Permanently", "Location: /b", "Content-Length: 0", "", ""),
    status: 301,
    body: "",
    keepAlive: true,
  },
];

describe("ResponseParser", () => {
  test.each(CASES)(
    "$name: in one piece and cut at every byte",
    ({ input, close, status, body, keepAlive }) => {
      const whole = parse(input, [], close);
      expect(whole.heads.map((head) => head.statusCode)).toEqual([status]);
      expect(whole.heads[0]?.keepAlive).toBe(keepAlive);
      expect(whole.body).toBe(body);
      expect(whole.ended).toBe(true);
      for (let cut = 1; cut < input.length; cut++) expect(parse(input, [cut], close)).toEqual(whole);
      // And one byte at a time.
      const bytes = Array.from({ length: input.length - 1 }, (_, index) => index + 1);
      expect(parse(input, bytes, close)).toEqual(whole);
    },
  );

  test("stops at the end of the response and says where: bytes after it are not ours", () => {
    const first = crlf("HTTP/1.1 200 OK", "Content-Length: 2", "", "ok");
    const parsed = parse(`${first}HTTP/1.1 204 No Content\r\n\r\n`);
    expect(parsed.body).toBe("ok");
    expect(parsed.ended).toBe(true);
    expect(parsed.stoppedAt).toBe(first.length);
  });

  test("fields named like Object's own properties are fields like any other", () => {
    const parsed = parse(
      crlf("HTTP/1.1 200 OK", "Constructor: a", "__proto__: b", "toString: c", "Content-Length: 0", "", ""),
    );
    const headers = parsed.headers[0] ?? {};
    expect(Object.keys(headers)).toEqual(["constructor", "__proto__", "tostring", "content-length"]);
    expect(Object.values(headers)).toEqual(["a", "b", "c", "0"]);
  });

  test("header names lower-case, repeated fields kept in order, folded lines joined", () => {
    const parsed = parse(
      crlf(
        "HTTP/1.1 200 OK",
        "Set-Cookie: a=1",
        "set-cookie: b=2",
        "X-Long: one",
        "  two",
        "Content-Length: 0",
        "",
        "",
      ),
    );
    expect(parsed.headers[0]).toEqual({
      "set-cookie": ["a=1", "b=2"],
      "x-long": "one two",
      "content-length": "0",
    });
  });

  test.each([
    [
      "a closed connection within a Content-Length body",
      crlf("HTTP/1.1 200 OK", "Content-Length: 10", "", "short"),
      "CONNECTION_CLOSED",
    ],
    ["a closed connection within the head", "HTTP/1.1 200 OK\r\nContent-Ty", "CONNECTION_CLOSED"],
    [
      "a closed connection within a chunked body",
      crlf("HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "", "5", "hel"),
      "CONNECTION_CLOSED",
    ],
  ])("%s fails when the server closes", (_name, input, code) => {
    expect(() => parse(input, [], true)).toThrow(
      expect.objectContaining({ name: "HttpConnectionError", code }),
    );
  });

  test.each([
    ["not HTTP", "SSH-2.0-OpenSSH\r\n\r\n"],
    ["HTTP/2 status line", "HTTP/2 200\r\n\r\n"],
    ["a malformed header line", crlf("HTTP/1.1 200 OK", "no colon here", "", "")],
    ["a space before the colon", crlf("HTTP/1.1 200 OK", "Content-Length : 1", "", "x")],
    ["a negative Content-Length", crlf("HTTP/1.1 200 OK", "Content-Length: -1", "", "")],
    [
      "two different Content-Lengths",
      crlf("HTTP/1.1 200 OK", "Content-Length: 1", "Content-Length: 2", "", "xx"),
    ],
    ["a chunk size that is not hex", crlf("HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "", "zz", "")],
    ["chunk data without its CRLF", crlf("HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "", "1", "ab", "")],
    ["a transfer coding under chunked", crlf("HTTP/1.1 200 OK", "Transfer-Encoding: gzip, chunked", "", "")],
    ["101 Switching Protocols", crlf("HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "", "")],
  ])("refuses %s", (_name, input) => {
    let error: unknown;
    try {
      parse(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HttpConnectionError);
    expect(error).toMatchObject({ code: "BAD_RESPONSE" });
  });

  test("refuses a head larger than the limit, even when it never ends", () => {
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(MAX_HEAD_BYTES)}`;
    expect(() => parse(big, [1000, 40_000])).toThrow(/larger than/);
  });
});

describe("framingOf and parseHeadText", () => {
  test.each<[number, number, Record<string, string | string[]>, ReturnType<typeof framingOf>]>([
    [200, 1, {}, { framing: { kind: "close" }, keepAlive: false }],
    [200, 1, { "content-length": "7" }, { framing: { kind: "length", length: 7 }, keepAlive: true }],
    [200, 1, { "content-length": ["7", "7"] }, { framing: { kind: "length", length: 7 }, keepAlive: true }],
    [200, 1, { "content-length": "7, 7" }, { framing: { kind: "length", length: 7 }, keepAlive: true }],
    [304, 1, { "content-length": "7" }, { framing: { kind: "none" }, keepAlive: true }],
    [200, 1, { "transfer-encoding": "gzip" }, { framing: { kind: "close" }, keepAlive: false }],
    [200, 0, { "content-length": "1" }, { framing: { kind: "length", length: 1 }, keepAlive: false }],
  ])("%s HTTP/1.%s %o", (status, minor, headers, expected) => {
    expect(framingOf(status, minor, headers)).toEqual(expected);
  });

  test("a status line without a reason phrase", () => {
    expect(parseHeadText("HTTP/1.1 200\r\nA: b")).toEqual({ statusCode: 200, minor: 1, headers: { a: "b" } });
  });
});
