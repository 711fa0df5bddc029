import { mediaPlaylist } from "./hls-asset.js";

/**
 * Manifests the engine must refuse before writing anything, served under /bad/ by the test origin. `foreignBase`
 * is another origin (a second test origin) for the foreign-host case.
 */
export function hostileFiles(foreignBase: string): Record<string, string | Buffer> {
  return {
    "/bad/foreign/index.m3u8": mediaPlaylist(["seg0.ts", new URL("other/seg.ts", foreignBase).href]),
    "/bad/foreign/seg0.ts": Buffer.alloc(1000, 1),
    // `..%2F` decodes to `../`: the key would escape the root.
    "/bad/escape/index.m3u8": mediaPlaylist(["seg0.ts", "..%2F..%2Fescape.ts"]),
    "/bad/escape/seg0.ts": Buffer.alloc(1000, 2),
    "/bad/metadata/index.m3u8": mediaPlaylist(["seg0.ts", "http://169.254.169.254/latest/meta-data/seg.ts"]),
    "/bad/metadata/seg0.ts": Buffer.alloc(1000, 3),
    "/bad/bomb/manifest.mpd": ENTITY_BOMB_MPD,
  };
}

/** The "billion laughs": 10^9 "lol"s if entities were expanded. */
const ENTITY_BOMB_MPD = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE MPD [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT8S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">
  <Period>
    <AdaptationSet mimeType="video/mp4">
      <Representation id="v1" bandwidth="800000">
        <BaseURL>&lol9;.mp4</BaseURL>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>
`;
