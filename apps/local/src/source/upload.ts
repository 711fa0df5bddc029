/** Uploads a generated (or any) source directory to S3 and names its SourceArn for CreateAsset. */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { contentTypeFor } from "../content-type.js";

export interface UploadedSource {
  /** `arn:aws:s3:::bucket/prefix/index.m3u8`, as CreateAsset's SourceArn expects. */
  readonly sourceArn: string;
  readonly keys: readonly string[];
}

/** Puts every file under dir to `s3://bucket/prefix/<relative path>`; the bucket must exist. */
export async function uploadSource(
  s3: S3Client,
  bucket: string,
  prefix: string,
  dir: string,
  entry = "index.m3u8",
): Promise<UploadedSource> {
  const base = prefix.replace(/\/+$/, "");
  const keys: string[] = [];
  for (const path of await listFiles(dir)) {
    const relativePath = relative(dir, path).split("\\").join("/");
    const key = base === "" ? relativePath : `${base}/${relativePath}`;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: await readFile(path),
        ContentType: contentTypeFor(relativePath),
      }),
    );
    keys.push(key);
  }
  const entryKey = base === "" ? entry : `${base}/${entry}`;
  return { sourceArn: `arn:aws:s3:::${bucket}/${entryKey}`, keys };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
