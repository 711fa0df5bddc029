import { ManifestParseError } from "../errors.js";

export interface FragmentUrlValues {
  /** QualityLevel Bitrate, as written. */
  readonly bitrate: string | undefined;
  /** QualityLevel CustomAttributes, as Name/Value pairs. */
  readonly customAttributes: readonly (readonly [string, string])[];
  readonly startTime: bigint;
}

// An optional comma before each placeholder: `{bitrate},{CustomAttributes}` loses its comma when there are no
// custom attributes (MS-SSTR 2.2.3: QualityLevelsPredicate = BitratePredicate *( "," CustomAttributesPredicate )).
const PLACEHOLDER = /(,?)\{([^{}]*)\}/g;

/**
 * Fills a StreamIndex Url pattern (MS-SSTR 2.2.2.4) for one fragment of one QualityLevel. Placeholder names are
 * matched ignoring case, spaces and underscores, so `{bitrate}`, `{Bitrate}`, `{start time}`, `{start_time}` and
 * `{StartTime}` all work; `{CustomAttributes}` becomes `Name=Value` pairs joined by commas. Any other placeholder
 * is refused rather than requested literally.
 */
export function fillUrlTemplate(template: string, values: FragmentUrlValues): string {
  return template.replace(PLACEHOLDER, (placeholder, comma: string, name: string) => {
    switch (name.replace(/[ _]/g, "").toLowerCase()) {
      case "bitrate":
        if (values.bitrate === undefined) {
          throw new ManifestParseError(
            "MALFORMED_MANIFEST",
            `Url "${template}" needs a QualityLevel Bitrate`,
          );
        }
        return `${comma}${values.bitrate}`;
      case "starttime":
        return `${comma}${values.startTime}`;
      case "customattributes":
        return values.customAttributes.length === 0
          ? ""
          : `${comma}${values.customAttributes.map(([key, value]) => `${key}=${value}`).join(",")}`;
      default:
        throw new ManifestParseError(
          "MALFORMED_MANIFEST",
          `Url "${template}" has an unknown placeholder ${placeholder.slice(comma.length)}`,
        );
    }
  });
}
