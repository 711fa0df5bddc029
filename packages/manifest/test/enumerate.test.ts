import { describe, expect, test } from "vitest";
import { enumerateAsset } from "../src/enumerate.js";

/** An origin in memory: URL → text; records what was loaded, in order. */
function memoryOrigin(files: Record<string, string>) {
  const loaded: string[] = [];
  const load = async (url: URL) => {
    loaded.push(url.href);
    const text = files[url.href];
    if (text === undefined) throw new Error(`404 ${url.href}`);
    return text;
  };
  return { load, loaded };
}

const base = "https://egress.example.com/out/v1/group/hls/asset/";
const multivariant = `#EXTM3U
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",URI="../subs/en.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=800000,SUBTITLES="subs"
../video/low.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2000000,SUBTITLES="subs"
/out/v1/group/hls/video/high.m3u8
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=100000,URI="../video/iframes.m3u8"
`;
const media = (name: string) => `#EXTM3U
#EXT-X-TARGETDURATION:6
#EXT-X-KEY:METHOD=AES-128,URI="../keys/k1.key"
#EXTINF:6,
${name}_0.ts
#EXTINF:6,
${name}_1.ts
#EXT-X-ENDLIST
`;
const files: Record<string, string> = {
  [`${base}index.m3u8`]: multivariant,
  "https://egress.example.com/out/v1/group/hls/subs/en.m3u8":
    "#EXTM3U\n#EXTINF:6,\nen_0.vtt\n#EXT-X-ENDLIST\n",
  "https://egress.example.com/out/v1/group/hls/video/low.m3u8": media("low"),
  "https://egress.example.com/out/v1/group/hls/video/high.m3u8": media("high"),
  "https://egress.example.com/out/v1/group/hls/video/iframes.m3u8":
    "#EXTM3U\n#EXT-X-I-FRAMES-ONLY\n#EXT-X-BYTERANGE:1000@376\n#EXTINF:6,\nlow_0.ts\n#EXT-X-BYTERANGE:900@376\n#EXTINF:6,\nlow_1.ts\n#EXT-X-ENDLIST\n",
};

describe("enumerateAsset", () => {
  test("crawls every child, keys by the common root, one resource per URL, entry first", async () => {
    const origin = memoryOrigin(files);
    const plan = await enumerateAsset(`${base}index.m3u8`, origin.load);
    expect(plan.root).toBe("https://egress.example.com/out/v1/group/hls/");
    expect(plan.entry).toEqual({ url: `${base}index.m3u8`, key: "asset/index.m3u8", kind: "manifest" });
    expect(plan.resources.map((resource) => `${resource.kind} ${resource.key}`)).toEqual([
      "manifest asset/index.m3u8",
      "manifest subs/en.m3u8",
      "manifest video/low.m3u8",
      "manifest video/high.m3u8",
      "manifest video/iframes.m3u8",
      "subtitle subs/en_0.vtt",
      "key keys/k1.key",
      "media video/low_0.ts",
      "media video/low_1.ts",
      "media video/high_0.ts",
      "media video/high_1.ts",
    ]);
    expect(new Set(origin.loaded).size).toBe(origin.loaded.length);
    expect(origin.loaded).toHaveLength(5);
  });

  test("a playlist cycle is loaded once", async () => {
    const origin = memoryOrigin({
      "https://o.example/a.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nb.m3u8\n",
      "https://o.example/b.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n",
    });
    const plan = await enumerateAsset("https://o.example/a.m3u8", origin.load);
    expect(plan.resources.map((resource) => resource.key)).toEqual(["a.m3u8", "b.m3u8"]);
    expect(origin.loaded).toEqual(["https://o.example/a.m3u8", "https://o.example/b.m3u8"]);
  });

  test.each([
    ["a child on another origin", "https://other.example/v.m3u8", "FOREIGN_ORIGIN"],
    ["an instance-metadata child", "http://169.254.169.254/latest/meta-data/v.m3u8", "FORBIDDEN_ADDRESS"],
    ["a key escaping the root", "..%2F..%2Fescape.m3u8", "KEY_ESCAPES_ROOT"],
  ])("%s is refused before it is loaded", async (_, child, code) => {
    const origin = memoryOrigin({
      "https://o.example/a/m.m3u8": `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n${child}\n`,
    });
    await expect(enumerateAsset("https://o.example/a/m.m3u8", origin.load)).rejects.toMatchObject({ code });
    expect(origin.loaded).toEqual(["https://o.example/a/m.m3u8"]);
  });

  test("an allowed host is stored under _external/<host>/", async () => {
    const origin = memoryOrigin({
      "https://o.example/a/m.m3u8": "#EXTM3U\n#EXTINF:4,\nhttps://cdn2.example:8443/x/s.ts\n#EXT-X-ENDLIST\n",
    });
    const plan = await enumerateAsset("https://o.example/a/m.m3u8", origin.load, {
      allowHosts: ["cdn2.example"],
    });
    expect(plan.resources.map((resource) => resource.key)).toEqual([
      "m.m3u8",
      "_external/cdn2.example:8443/x/s.ts",
    ]);
  });

  test.each([
    ["ftp://o.example/m.m3u8", "UNSUPPORTED_SCHEME"],
    ["http://[fd00:ec2::254]/m.m3u8", "FORBIDDEN_ADDRESS"],
    ["not a url", "INVALID_URL"],
  ])("the entry %s is refused without loading anything", async (entry, code) => {
    const origin = memoryOrigin({});
    await expect(enumerateAsset(entry, origin.load)).rejects.toMatchObject({ code });
    expect(origin.loaded).toEqual([]);
  });

  test("the manifest count limit stops a crawl that never ends", async () => {
    const origin = {
      load: async (url: URL) =>
        `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n${Number(url.pathname.slice(1)) + 1}\n`,
    };
    await expect(
      enumerateAsset("https://o.example/0", origin.load, { limits: { maxManifests: 50 } }),
    ).rejects.toMatchObject({ name: "ManifestLimitError", code: "TOO_MANY_MANIFESTS" });
  });
});

describe("enumerateAsset with HLS variables", () => {
  const multivariantWithVariables = [
    "#EXTM3U",
    '#EXT-X-DEFINE:QUERYPARAM="session"',
    '#EXT-X-DEFINE:NAME="keys",VALUE="../keys"',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio/en.m3u8?session={$session}&track=main"',
    '#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO="a"',
    "video/{$session}/low.m3u8",
    "",
  ].join("\n");
  const importingMedia = (name: string) =>
    [
      "#EXTM3U",
      '#EXT-X-DEFINE:IMPORT="keys"',
      '#EXT-X-DEFINE:IMPORT="session"',
      '#EXT-X-KEY:METHOD=AES-128,URI="{$keys}/{$session}.key"',
      "#EXTINF:4,",
      `${name}-{$session}.ts`,
      "#EXT-X-ENDLIST",
      "",
    ].join("\n");

  test("QUERYPARAM reads each playlist's own URL, IMPORT the multivariant's variables", async () => {
    const origin = memoryOrigin({
      "https://o.example/a/index.m3u8?session=s1": multivariantWithVariables,
      // `track` is only in the audio playlist's own URL: QUERYPARAM reads the URL of the playlist that has it.
      "https://o.example/a/audio/en.m3u8?session=s1&track=main": [
        "#EXTM3U",
        '#EXT-X-DEFINE:QUERYPARAM="track"',
        '#EXT-X-DEFINE:IMPORT="session"',
        "#EXTINF:4,",
        "en-{$track}-{$session}.aac",
        "",
      ].join("\n"),
      "https://o.example/a/video/s1/low.m3u8": importingMedia("low"),
    });
    const plan = await enumerateAsset("https://o.example/a/index.m3u8?session=s1", origin.load);
    expect(plan.resources.map((resource) => resource.url)).toEqual([
      "https://o.example/a/index.m3u8?session=s1",
      "https://o.example/a/audio/en.m3u8?session=s1&track=main",
      "https://o.example/a/video/s1/low.m3u8",
      "https://o.example/a/audio/en-main-s1.aac",
      "https://o.example/a/video/keys/s1.key",
      "https://o.example/a/video/s1/low-s1.ts",
    ]);
  });

  test.each([
    [
      "a child imports a name the multivariant does not define",
      '#EXTM3U\n#EXT-X-DEFINE:NAME="other",VALUE="x"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n',
      'does not define "keys"',
    ],
    [
      "a child imports from a multivariant that defines nothing",
      "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n",
      'does not define "keys"',
    ],
    [
      "the entry itself imports",
      '#EXTM3U\n#EXT-X-DEFINE:IMPORT="keys"\n#EXTINF:4,\ns.ts\n',
      "no multivariant playlist",
    ],
    [
      "the entry's QUERYPARAM names a parameter its URL lacks",
      '#EXTM3U\n#EXT-X-DEFINE:QUERYPARAM="token"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n',
      'no query parameter "token"',
    ],
  ])("%s: UNDEFINED_VARIABLE", async (_case, entryText, message) => {
    const origin = memoryOrigin({
      "https://o.example/a/index.m3u8": entryText,
      "https://o.example/a/v.m3u8": '#EXTM3U\n#EXT-X-DEFINE:IMPORT="keys"\n#EXTINF:4,\n{$keys}/s.ts\n',
    });
    await expect(enumerateAsset("https://o.example/a/index.m3u8", origin.load)).rejects.toMatchObject({
      name: "ManifestParseError",
      code: "UNDEFINED_VARIABLE",
      message: expect.stringContaining(message),
    });
  });
});

describe("enumerateAsset: DASH remote elements (xlink)", () => {
  const dash = "https://cdn.example.com/vod/dash/";
  const segments = (id: string) =>
    `<SegmentTemplate media="${id}-$Number$.m4s" initialization="${id}-init.mp4" duration="2" startNumber="1"/>`;
  const remoteMpd = `<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:xlink="http://www.w3.org/1999/xlink" type="static" mediaPresentationDuration="PT8S">
  <Period id="p0" duration="PT4S"><AdaptationSet mimeType="video/mp4">${segments("a")}<Representation id="a" bandwidth="1"/></AdaptationSet></Period>
  <Period duration="PT4S" xlink:href="periods/p1.xml" xlink:actuate="onLoad"/>
</MPD>`;
  const period1 = `<?xml version="1.0"?>
<Period xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:xlink="http://www.w3.org/1999/xlink" id="p1" duration="PT4S">
  <AdaptationSet mimeType="video/mp4">${segments("b")}<Representation id="b" bandwidth="1"/></AdaptationSet>
  <AdaptationSet xlink:href="audio.xml"/>
</Period>`;
  const audio = `<AdaptationSet mimeType="audio/mp4">${segments("c")}<Representation id="c" bandwidth="1"/></AdaptationSet>`;

  test("remote elements are fetched (nested ones too), inlined, and their resources planned", async () => {
    const origin = memoryOrigin({
      [`${dash}index.mpd`]: remoteMpd,
      [`${dash}periods/p1.xml`]: period1,
      // Nested: relative to the MPD's URL, where the element now stands.
      [`${dash}audio.xml`]: audio,
    });
    const loaded: { url: string; text: string; remote: string[] }[] = [];
    const plan = await enumerateAsset(`${dash}index.mpd`, origin.load, {
      onManifest: (manifest) =>
        loaded.push({
          url: manifest.url.href,
          text: manifest.text,
          remote: manifest.remoteElements.map((url) => url.href),
        }),
    });
    expect(origin.loaded).toEqual([`${dash}index.mpd`, `${dash}periods/p1.xml`, `${dash}audio.xml`]);
    const keys = plan.resources.map((resource) => resource.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        "index.mpd",
        "a-init.mp4",
        "a-2.m4s",
        "b-init.mp4",
        "b-2.m4s",
        "c-init.mp4",
        "c-2.m4s",
      ]),
    );
    // The remote element files are inlined, not copied as files of their own.
    expect(keys.filter((key) => key.endsWith(".xml"))).toEqual([]);
    expect(loaded).toHaveLength(1);
    expect(loaded[0]?.remote).toEqual([`${dash}periods/p1.xml`, `${dash}audio.xml`]);
    expect(loaded[0]?.text).not.toContain("xlink:href");
    expect(loaded[0]?.text).toContain('<Period xmlns="urn:mpeg:dash:schema:mpd:2011"');
    expect(loaded[0]?.text).toContain('<AdaptationSet mimeType="audio/mp4">');
  });

  test.each([
    [
      "a remote element that links to itself",
      { "loop.xml": '<Period xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="loop.xml"/>' },
      "loop.xml",
      { code: "UNSUPPORTED_FEATURE", message: expect.stringMatching(/nest more than 4 deep \(a loop\?\)/) },
    ],
    ["a remote element on another origin", {}, "https://evil.example/p.xml", { code: "FOREIGN_ORIGIN" }],
    ["an empty xlink:href", {}, "", { code: "INVALID_URL" }],
  ])("%s is refused", async (_case, extra, href, error) => {
    const origin = memoryOrigin({
      [`${dash}index.mpd`]: remoteMpd.replace("periods/p1.xml", href),
      ...Object.fromEntries(Object.entries(extra).map(([name, text]) => [`${dash}${name}`, text])),
    });
    await expect(enumerateAsset(`${dash}index.mpd`, origin.load)).rejects.toMatchObject(error);
  });
});
