import { describe, expect, test } from "vitest";
import { parseAttributeList } from "../../src/hls/attribute-list.js";
import { tokenizeHls } from "../../src/hls/tokenize.js";
import {
  expandVariables,
  isDefineLine,
  PlaylistVariables,
  readDefinition,
  substituteLine,
  substituteVariables,
  type VariableSources,
} from "../../src/hls/variables.js";

const variables = new Map([
  ["dir", "video/720p"],
  ["range", "720@0"],
  ["literal", "{$dir}"],
  ["empty", ""],
  ["__proto__", "proto"],
]);

const media: VariableSources = { multivariant: false, query: "", parentVariables: undefined };

describe("readDefinition", () => {
  test.each([
    ["NAME/VALUE", 'NAME="a-b_1",VALUE="x y"', media, { name: "a-b_1", value: "x y" }],
    ["an empty VALUE", 'NAME="a",VALUE=""', media, { name: "a", value: "" }],
    ["__proto__ is an ordinary name", 'NAME="__proto__",VALUE="p"', media, { name: "__proto__", value: "p" }],
    [
      "QUERYPARAM, percent-decoded, first of several",
      'QUERYPARAM="t"',
      { ...media, query: "?x=1&t=a%2Fb&t=second" },
      { name: "t", value: "a/b" },
    ],
    [
      "IMPORT from the parent",
      'IMPORT="base"',
      { ...media, parentVariables: new Map([["base", "https://cdn/"]]) },
      { name: "base", value: "https://cdn/" },
    ],
  ])("%s", (_case, attributes, sources, expected) => {
    expect(readDefinition(parseAttributeList(attributes), sources, 3)).toEqual(expected);
  });

  const parent = new Map([["base", "x"]]);
  test.each([
    ["no NAME, IMPORT or QUERYPARAM", 'VALUE="x"', media, "MALFORMED_MANIFEST", "exactly one"],
    ["NAME and QUERYPARAM", 'NAME="a",VALUE="1",QUERYPARAM="a"', media, "MALFORMED_MANIFEST", "exactly one"],
    ["NAME and IMPORT", 'NAME="a",VALUE="1",IMPORT="a"', media, "MALFORMED_MANIFEST", "exactly one"],
    ["NAME without VALUE", 'NAME="a"', media, "MALFORMED_MANIFEST", 'NAME="a" at line 3 has no VALUE'],
    ["a name with a dot", 'NAME="a.b",VALUE="1"', media, "MALFORMED_MANIFEST", 'invalid variable name "a.b"'],
    ["an empty name", 'NAME="",VALUE="1"', media, "MALFORMED_MANIFEST", "invalid variable name"],
    ["QUERYPARAM absent", 'QUERYPARAM="t"', { ...media, query: "?u=1" }, "UNDEFINED_VARIABLE", '"t"'],
    ["QUERYPARAM without value", 'QUERYPARAM="t"', { ...media, query: "?t=" }, "UNDEFINED_VARIABLE", '"t"'],
    ["QUERYPARAM and no query", 'QUERYPARAM="t"', media, "UNDEFINED_VARIABLE", "line 3"],
    [
      "QUERYPARAM value with a quote",
      'QUERYPARAM="t"',
      { ...media, query: "?t=a%22b" },
      "MALFORMED_MANIFEST",
      "quote",
    ],
    [
      "QUERYPARAM value with a line feed",
      'QUERYPARAM="t"',
      { ...media, query: "?t=a%0A" },
      "MALFORMED_MANIFEST",
      "line",
    ],
    ["IMPORT without a parent", 'IMPORT="base"', media, "UNDEFINED_VARIABLE", "no multivariant playlist"],
    [
      "IMPORT of a name the parent lacks",
      'IMPORT="other"',
      { ...media, parentVariables: parent },
      "UNDEFINED_VARIABLE",
      'does not define "other"',
    ],
    [
      "IMPORT in a multivariant playlist",
      'IMPORT="base"',
      { multivariant: true, query: "", parentVariables: parent },
      "MALFORMED_MANIFEST",
      "not allowed in a multivariant",
    ],
  ])("%s is refused", (_case, attributes, sources, code, message) => {
    expect(() => readDefinition(parseAttributeList(attributes), sources, 3)).toThrow(
      expect.objectContaining({
        name: "ManifestParseError",
        code,
        message: expect.stringContaining(message),
      }),
    );
  });
});

describe("substituteVariables / expandVariables", () => {
  test.each([
    ["{$dir}/seg.ts", "video/720p/seg.ts"],
    ["{$dir}/{$dir}", "video/720p/video/720p"],
    ["a{$empty}b", "ab"],
    ["seg-{$literal}.ts", "seg-{$dir}.ts"], // the value is not scanned again
    ["{$__proto__}", "proto"],
    ["no reference", "no reference"],
    ["{$} {$a.b} {dir} $dir {$dir", "{$} {$a.b} {dir} $dir {$dir"], // not references
  ])("%s → %s", (text, expected) => {
    expect(substituteVariables(text, variables, 1)).toBe(expected);
    expect(expandVariables(text, variables)).toBe(expected);
  });

  test.each([
    ["{$nope}/seg.ts", "nope"],
    ["{$dir}/{$Dir}", "Dir"], // names are case-sensitive
    ["{$toString}", "toString"],
  ])("%s names its undefined variable and line", (text, name) => {
    expect(expandVariables(text, variables)).toBeUndefined();
    expect(() => substituteVariables(text, variables, 7)).toThrow(
      expect.objectContaining({
        name: "ManifestParseError",
        code: "UNDEFINED_VARIABLE",
        message: expect.stringMatching(new RegExp(`"${name}".*line 7`)),
      }),
    );
  });
});

describe("substituteLine", () => {
  test.each([
    ["a URI line, blanks kept", " {$dir}/s.ts\r", " video/720p/s.ts\r"],
    [
      "quoted-string attributes of a tag",
      '#EXT-X-MAP:URI="{$dir}/i.mp4",BYTERANGE="{$range}"',
      '#EXT-X-MAP:URI="video/720p/i.mp4",BYTERANGE="720@0"',
    ],
    [
      "a hexadecimal-sequence",
      "#EXT-X-KEY:METHOD=AES-128,IV=0x{$range}",
      "#EXT-X-KEY:METHOD=AES-128,IV=0x720@0",
    ],
    ["an unquoted enumerated value stays", "#EXT-X-FOO:A={$nope},B=x", "#EXT-X-FOO:A={$nope},B=x"],
    ["an unterminated quoted-string runs to the end", '#EXT-X-FOO:A="{$dir}', '#EXT-X-FOO:A="video/720p'],
    ["a comment stays", "# {$nope}", "# {$nope}"],
    ["an EXTINF title stays", "#EXTINF:4,{$nope}", "#EXTINF:4,{$nope}"],
    [
      "an EXT-X-DEFINE stays",
      '#EXT-X-DEFINE:NAME="a",VALUE="{$nope}"',
      '#EXT-X-DEFINE:NAME="a",VALUE="{$nope}"',
    ],
    ["an EXTINF-like longer tag name is substituted", '#EXTINFO:A="{$dir}"', '#EXTINFO:A="video/720p"'],
    ["a blank line stays", "  ", "  "],
  ])("%s", (_case, raw, expected) => {
    expect(substituteLine(raw, variables, 1)).toBe(expected);
  });

  test.each([
    ["a URI line", "{$nope}.ts"],
    ["a quoted-string", '#EXT-X-KEY:METHOD=AES-128,URI="{$nope}"'],
    ["a hexadecimal-sequence", "#EXT-X-KEY:METHOD=AES-128,URI=k,IV=0x{$nope}"],
  ])("an undefined variable in %s fails", (_case, raw) => {
    expect(() => substituteLine(raw, variables, 1)).toThrow(
      expect.objectContaining({ code: "UNDEFINED_VARIABLE" }),
    );
  });
});

describe("isDefineLine", () => {
  test.each([
    ['#EXT-X-DEFINE:NAME="a",VALUE="b"', true],
    ['  #EXT-X-DEFINE:NAME="a",VALUE="b"\r', true],
    ["#EXT-X-DEFINE", false],
    ['#EXT-X-DEFINES:NAME="a"', false],
    ['# #EXT-X-DEFINE:NAME="a"', false],
    ['#EXT-X-DEFINE:NAME="a",VALUE="b".ts', true],
  ])("%j → %s", (raw, expected) => {
    expect(isDefineLine(raw)).toBe(expected);
  });
});

describe("PlaylistVariables", () => {
  test("a definition applies to the lines after it, in order; definition lines are kept as written", () => {
    const scope = new PlaylistVariables(media, 1000);
    expect(() => scope.apply("{$a}.ts", 1)).toThrow(expect.objectContaining({ code: "UNDEFINED_VARIABLE" }));
    expect(scope.apply(' #EXT-X-DEFINE:NAME="a",VALUE="x"\r', 2)).toBe(' #EXT-X-DEFINE:NAME="a",VALUE="x"\r');
    expect(scope.apply("{$a}.ts", 3)).toBe("x.ts");
    expect(scope.apply('#EXT-X-DEFINE:NAME="b",VALUE="{$a}"', 4)).toBe('#EXT-X-DEFINE:NAME="b",VALUE="{$a}"');
    expect([...scope.variables]).toEqual([
      ["a", "x"],
      ["b", "{$a}"],
    ]);
  });

  test("a second definition of a name fails, naming it and its line", () => {
    const scope = new PlaylistVariables(media, 1000);
    scope.apply('#EXT-X-DEFINE:NAME="a",VALUE="x"', 1);
    expect(() => scope.apply('#EXT-X-DEFINE:NAME="a",VALUE="y"', 5)).toThrow(
      expect.objectContaining({ code: "MALFORMED_MANIFEST", message: expect.stringMatching(/"a".*line 5/) }),
    );
  });

  test.each([
    [10, false],
    [9, true],
  ])("growth allowance %i: a 10-character growth fails → %s", (allowance, fails) => {
    const scope = new PlaylistVariables(media, allowance);
    // "{$a}" (4 characters) becomes 9 characters: 5 more per line, 10 in all.
    scope.apply('#EXT-X-DEFINE:NAME="a",VALUE="123456789"', 1);
    const run = () => [scope.apply("{$a}.ts", 2), scope.apply("{$a}.ts", 3)];
    if (fails)
      expect(run).toThrow(
        expect.objectContaining({ name: "ManifestLimitError", code: "MANIFEST_TOO_LARGE" }),
      );
    else expect(run()).toEqual(["123456789.ts", "123456789.ts"]);
  });
});

describe("tokenizeHls with variables", () => {
  const tokens = (text: string) => [...tokenizeHls(text, new PlaylistVariables(media, 10_000))];

  test.each([
    [
      "EXT-X-MAP BYTERANGE is read after substitution",
      '#EXT-X-DEFINE:NAME="r",VALUE="720@8"\n#EXT-X-MAP:URI="i.mp4",BYTERANGE="{$r}"\n',
      { name: "EXT-X-MAP", attributes: { URI: "i.mp4" }, byteRange: { length: 720, offset: 8 } },
    ],
    [
      "EXT-X-PART BYTERANGE is read after substitution",
      '#EXT-X-DEFINE:NAME="r",VALUE="5@1"\n#EXT-X-PART:DURATION=1,URI="p{$r}.mp4",BYTERANGE="{$r}"\n',
      { name: "EXT-X-PART", byteRange: { length: 5, offset: 1 } },
    ],
  ])("%s", (_case, text, expected) => {
    expect(tokens(text)[1]).toMatchObject(expected);
  });

  test("EXT-X-BYTERANGE's value is no quoted-string: a reference there is malformed", () => {
    expect(() => tokens('#EXT-X-DEFINE:NAME="r",VALUE="5"\n#EXT-X-BYTERANGE:{$r}\n')).toThrow(
      expect.objectContaining({ code: "MALFORMED_MANIFEST" }),
    );
  });

  test("URI lines carry the substituted text and their own line number", () => {
    expect(tokens('#EXTM3U\n#EXT-X-DEFINE:NAME="d",VALUE="v"\n  {$d}/s.ts\n')).toContainEqual({
      type: "uri",
      line: 3,
      uri: "v/s.ts",
    });
  });
});
