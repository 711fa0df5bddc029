import { describe, expect, test } from "vitest";
import { queryParamDefinitionEdits } from "../../src/hls/stored-variables.js";

/** The text with the edits applied (they never overlap here). */
function edited(text: string, variables: ReadonlyMap<string, string>): string {
  let out = text;
  for (const edit of queryParamDefinitionEdits(text, variables).reverse()) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

describe("queryParamDefinitionEdits", () => {
  const variables = new Map([
    ["token", "abc/1"],
    ["cdn", "edge.example"],
    ["v", "video"],
  ]);

  test.each([
    [
      "QUERYPARAM becomes NAME/VALUE, CRLF and other lines untouched",
      '#EXTM3U\r\n#EXT-X-DEFINE:QUERYPARAM="token"\r\n#EXTINF:4,\r\ns.ts?t={$token}\r\n',
      '#EXTM3U\r\n#EXT-X-DEFINE:NAME="token",VALUE="abc/1"\r\n#EXTINF:4,\r\ns.ts?t={$token}\r\n',
    ],
    [
      "blanks around the tag and the attribute are kept",
      '  #EXT-X-DEFINE: QUERYPARAM="cdn" \n',
      '  #EXT-X-DEFINE: NAME="cdn",VALUE="edge.example" \n',
    ],
    [
      "NAME/VALUE and IMPORT definitions stay",
      '#EXT-X-DEFINE:NAME="v",VALUE="video"\n#EXT-X-DEFINE:IMPORT="x"\n',
      '#EXT-X-DEFINE:NAME="v",VALUE="video"\n#EXT-X-DEFINE:IMPORT="x"\n',
    ],
    [
      "QUERYPARAM= inside a quoted value is not an attribute",
      '#EXT-X-DEFINE:NAME="v",VALUE="a,QUERYPARAM="\n',
      '#EXT-X-DEFINE:NAME="v",VALUE="a,QUERYPARAM="\n',
    ],
    ["a comment stays", '# #EXT-X-DEFINE:QUERYPARAM="token"\n', '# #EXT-X-DEFINE:QUERYPARAM="token"\n'],
  ])("%s", (_case, text, expected) => {
    expect(edited(text, variables)).toBe(expected);
  });

  test.each([
    ["a value the parse does not hold", new Map<string, string>()],
    ["a value that cannot be a quoted-string", new Map([["token", 'a"b']])],
  ])("%s is refused", (_case, given) => {
    expect(() => queryParamDefinitionEdits('#EXT-X-DEFINE:QUERYPARAM="token"\n', given)).toThrow(
      expect.objectContaining({ name: "ManifestParseError", code: "UNDEFINED_VARIABLE" }),
    );
  });
});
