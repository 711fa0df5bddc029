/** Content-Type by file name, as MediaPackage egress (and an S3 upload of a source) would label each file. */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  m3u8: "application/x-mpegURL",
  mpd: "application/dash+xml",
  ts: "video/MP2T",
  mp4: "video/mp4",
  m4s: "video/iso.segment",
  vtt: "text/vtt",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  aac: "audio/aac",
};

export function contentTypeFor(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  // Smooth Streaming: the client manifest is `…/Manifest`, fragments are `…/Fragments(video=0)`.
  if (name === "Manifest") return "application/vnd.ms-sstr+xml";
  if (name.startsWith("Fragments(")) return "video/mp4";
  const dot = name.lastIndexOf(".");
  const extension = dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
  return BY_EXTENSION[extension] ?? "application/octet-stream";
}
