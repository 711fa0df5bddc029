/**
 * One redaction for everything the command line prints and the Lambdas log, throw or notify: a secret (a CDN
 * header value) is replaced in every form text can carry it in, and URL credentials (`user:pass@`) are removed.
 * Defence in depth: nothing writes a secret on purpose.
 */

/** Values shorter than this are not scrubbed: replacing e.g. every "1" would garble figures. */
export const MIN_REDACTED_LENGTH = 4;

const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (code) => code.toLowerCase());
const xmlEscaped = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/**
 * Every form of `secret` to hide, longest first: as is, JSON-escaped, percent-encoded (URI component, URI and form
 * encoding with `+` for spaces; upper- and lower-case hex), XML-escaped, base64 and base64url.
 */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_REDACTED_LENGTH) return [];
  const component = encodeURIComponent(secret);
  const form = new URLSearchParams({ v: secret }).toString().slice(2);
  const uri = encodeURI(secret);
  const bytes = Buffer.from(secret, "utf8");
  const forms = new Set([
    secret,
    JSON.stringify(secret).slice(1, -1),
    component,
    lowerHex(component),
    form,
    lowerHex(form),
    uri,
    lowerHex(uri),
    xmlEscaped(secret),
    bytes.toString("base64"),
    bytes.toString("base64").replace(/=+$/, ""),
    bytes.toString("base64url"),
  ]);
  return [...forms].sort((a, b) => b.length - a.length);
}

// scheme://userinfo@ — userinfo has no `/`, `?`, `#` or `@` and no whitespace or quotes.
const URL_CREDENTIALS = /\b(https?:\/\/)[^\s/?#@"'<>]+@/gi;

/** Removes `user:password@` from every http(s) URL in the text. */
export function stripUrlCredentials(text: string): string {
  return text.includes("@") ? text.replace(URL_CREDENTIALS, "$1***@") : text;
}

/** A function hiding every form of every secret behind `marker`, and the credentials of every URL. */
export function createRedactor(secrets: readonly string[], marker: string): (text: string) => string {
  const forms = [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = stripUrlCredentials(text);
    for (const form of forms) if (result.includes(form)) result = result.split(form).join(marker);
    return result;
  };
}
