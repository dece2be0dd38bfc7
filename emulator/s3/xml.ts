// S3's XML out: a tiny element builder whose every text goes through `escapeXml`, so no key,
// prefix or message can break the document. Reading request documents is xmlParse.ts.

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/**
 * Escapes text for element content and attribute values. `\r` and `\n` become character
 * references because XML parsers normalise raw line ends (a key `a\r\nb` would read back as
 * `a\nb`). Control characters are not allowed in XML 1.0 at all, so they are written as
 * references as well; clients that cannot read those should ask for `encoding-type=url`, as S3
 * itself advises.
 */
export function escapeXml(text: string): string {
  let out = "";
  for (const char of text) {
    switch (char) {
      case "&":
        out += "&amp;";
        break;
      case "<":
        out += "&lt;";
        break;
      case ">":
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case "'":
        out += "&apos;";
        break;
      case "\r":
        out += "&#13;";
        break;
      case "\n":
        out += "&#10;";
        break;
      default:
        out += CONTROL.test(char) ? `&#${char.codePointAt(0)};` : char;
    }
  }
  return out;
}

/** A child value: text, a nested element list, or nothing (the element is left out). */
export type XmlValue = string | number | boolean | XmlNode[] | undefined | null;
export type XmlNode = [name: string, value: XmlValue];

function renderValue(value: Exclude<XmlValue, undefined | null>): string {
  if (Array.isArray(value)) return value.map(renderNode).join("");
  return escapeXml(String(value));
}

function renderNode([name, value]: XmlNode): string {
  if (value === undefined || value === null) return "";
  const inner = renderValue(value);
  return inner === "" ? `<${name}/>` : `<${name}>${inner}</${name}>`;
}

export const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";

/** A whole S3 response document: declaration, root element with S3's namespace, children. */
export function xmlDocument(root: string, children: XmlNode[], options: { namespace?: boolean } = {}): string {
  const attrs = options.namespace === false ? "" : ` xmlns="${S3_XMLNS}"`;
  const inner = children.map(renderNode).join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${attrs}>${inner}</${root}>`;
}
