import { describe, expect, test } from "vitest";
import { readMssDocument } from "../../src/mss/document.js";

const manifest = (streams: string) =>
  `<?xml version="1.0"?><SmoothStreamingMedia MajorVersion="2" MinorVersion="2" Duration="1">${streams}</SmoothStreamingMedia>`;

describe("readMssDocument", () => {
  test("reads streams, quality levels, custom attributes and c elements in document order", () => {
    const document = readMssDocument(
      manifest(`
      <StreamIndex Type="video" Subtype="ZOET" FourCC="JPEG" Url="u" ManifestOutput="true">
        <QualityLevel Index="0" Bitrate="10">
          <CustomAttributes><Attribute Name="a" Value="1"/><Attribute Value="2" Name="b"/></CustomAttributes>
        </QualityLevel>
        <QualityLevel Index="1" Bitrate="20"/>
        <c t="5" d="2" r="3"><f i="0">AA==</f></c>
        <c d="4"/>
      </StreamIndex>
      <StreamIndex Type="text"/>`),
    );
    expect(document).toEqual({
      streams: [
        {
          type: "video",
          subtype: "ZOET",
          fourCC: "JPEG",
          url: "u",
          manifestOutput: true,
          qualityLevels: [
            {
              bitrate: "10",
              customAttributes: [
                ["a", "1"],
                ["b", "2"],
              ],
            },
            { bitrate: "20", customAttributes: [] },
          ],
          chunks: [
            { time: 5n, duration: 2n, repeat: 3n },
            { duration: 4n, repeat: 1n },
          ],
        },
        {
          type: "text",
          subtype: undefined,
          fourCC: undefined,
          url: undefined,
          manifestOutput: false,
          qualityLevels: [],
          chunks: [],
        },
      ],
    });
  });

  test.each([
    ["an empty root element", "<SmoothStreamingMedia/>"],
    ["a root with attributes only", '<SmoothStreamingMedia MajorVersion="2"/>'],
  ])("reads %s as no streams", (_name, text) => {
    expect(readMssDocument(text)).toEqual({ streams: [] });
  });

  test.each([
    ["a negative t", '<c t="-1" d="1"/>'],
    ["a fractional d", '<c d="1.5"/>'],
    ["an r of 0", '<c d="1" r="0"/>'],
    ["a non-numeric r", '<c d="1" r="many"/>'],
    ["a non-numeric Bitrate", '<QualityLevel Index="0" Bitrate="fast"/>'],
    [
      "an Attribute without Value",
      '<QualityLevel Bitrate="1"><CustomAttributes><Attribute Name="a"/></CustomAttributes></QualityLevel>',
    ],
  ])("refuses %s", (_name, content) => {
    const text = manifest(`<StreamIndex Type="video" Url="u">${content}</StreamIndex>`);
    expect(() => readMssDocument(text)).toThrow(
      expect.objectContaining({ name: "ManifestParseError", code: "MALFORMED_MANIFEST" }),
    );
  });

  test("refuses a document that is not Smooth Streaming", () => {
    expect(() => readMssDocument("<MPD/>")).toThrow(expect.objectContaining({ code: "MALFORMED_MANIFEST" }));
  });
});
