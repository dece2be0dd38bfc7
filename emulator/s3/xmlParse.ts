// S3's XML in: only two request documents exist on this plane (DeleteObjects' `<Delete>` and
// CompleteMultipartUpload's `<CompleteMultipartUpload>`), both flat lists of simple elements. A
// small parser written here reads them without adding a dependency, and it refuses what it does
// not need (DOCTYPE, so no entity expansion; processing instructions after the prolog) rather
// than guessing; anything it cannot read is S3's `MalformedXML`. Apart from the builder (xml.ts),
// which errors.ts uses to answer errors: this module throws them.
import { S3Error } from "./errors";

export interface XmlElement {
  /** Local name, namespace prefix removed (`s3:Key` → `Key`). */
  name: string;
  children: XmlElement[];
  /** Concatenated character data directly inside this element (entities decoded). */
  text: string;
}

/** The first child with this local name. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

const MAX_DEPTH = 16;

function malformed(detail: string): S3Error {
  return new S3Error(
    400,
    "MalformedXML",
    `The XML you provided was not well-formed or did not validate against our published schema (${detail}).`,
  );
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_.:]*/y;

function decodeEntities(raw: string): string {
  return raw.replace(/&([^;&]*);?/g, (match, body: string) => {
    if (!match.endsWith(";")) throw malformed("unterminated entity reference");
    switch (body) {
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "amp":
        return "&";
      case "quot":
        return '"';
      case "apos":
        return "'";
    }
    const code = /^#x[0-9a-fA-F]+$/.test(body) ? parseInt(body.slice(2), 16) : /^#[0-9]+$/.test(body) ? parseInt(body.slice(1), 10) : NaN;
    if (!Number.isInteger(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      throw malformed(`unknown entity &${body};`);
    }
    return String.fromCodePoint(code);
  });
}

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parseDocument(): XmlElement {
    this.skipMisc(true);
    if (this.src.startsWith("<!DOCTYPE", this.pos)) throw malformed("DOCTYPE is not allowed");
    if (this.src[this.pos] !== "<") throw malformed("no root element");
    const root = this.parseElement(0);
    this.skipMisc(false);
    if (this.pos !== this.src.length) throw malformed("content after the root element");
    return root;
  }

  /** Whitespace, comments, and (only before the root) the XML declaration. */
  private skipMisc(prolog: boolean): void {
    for (;;) {
      const ws = /[ \t\r\n]*/y;
      ws.lastIndex = this.pos;
      ws.exec(this.src);
      this.pos = ws.lastIndex;
      if (this.src.startsWith("<!--", this.pos)) {
        this.skipComment();
      } else if (prolog && this.pos === 0 && this.src.startsWith("<?xml", this.pos)) {
        const end = this.src.indexOf("?>", this.pos);
        if (end < 0) throw malformed("unterminated XML declaration");
        this.pos = end + 2;
      } else {
        return;
      }
    }
  }

  private skipComment(): void {
    const end = this.src.indexOf("-->", this.pos + 4);
    if (end < 0) throw malformed("unterminated comment");
    this.pos = end + 3;
  }

  private readName(): string {
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.src);
    if (!match) throw malformed(`expected a name at offset ${this.pos}`);
    this.pos = NAME.lastIndex;
    return match[0];
  }

  private parseElement(depth: number): XmlElement {
    if (depth > MAX_DEPTH) throw malformed("elements nested too deeply");
    this.pos++; // "<"
    const qname = this.readName();
    // Attributes: read and dropped (only xmlns declarations appear in these documents).
    for (;;) {
      const ws = /[ \t\r\n]*/y;
      ws.lastIndex = this.pos;
      ws.exec(this.src);
      const hadSpace = ws.lastIndex > this.pos;
      this.pos = ws.lastIndex;
      if (this.src.startsWith("/>", this.pos)) {
        this.pos += 2;
        return { name: localName(qname), children: [], text: "" };
      }
      if (this.src[this.pos] === ">") {
        this.pos++;
        break;
      }
      if (!hadSpace) throw malformed(`bad start tag <${qname}>`);
      this.readName();
      const eq = /[ \t\r\n]*=[ \t\r\n]*(["'])/y;
      eq.lastIndex = this.pos;
      const quote = eq.exec(this.src);
      if (!quote) throw malformed(`bad attribute in <${qname}>`);
      const close = this.src.indexOf(quote[1], eq.lastIndex);
      if (close < 0 || this.src.slice(eq.lastIndex, close).includes("<")) throw malformed(`bad attribute in <${qname}>`);
      decodeEntities(this.src.slice(eq.lastIndex, close));
      this.pos = close + 1;
    }

    const element: XmlElement = { name: localName(qname), children: [], text: "" };
    for (;;) {
      if (this.pos >= this.src.length) throw malformed(`<${qname}> is not closed`);
      if (this.src.startsWith("</", this.pos)) {
        this.pos += 2;
        const closing = this.readName();
        if (closing !== qname) throw malformed(`</${closing}> closes <${qname}>`);
        const gt = /[ \t\r\n]*>/y;
        gt.lastIndex = this.pos;
        if (!gt.exec(this.src)) throw malformed(`bad end tag </${closing}>`);
        this.pos = gt.lastIndex;
        return element;
      }
      if (this.src.startsWith("<!--", this.pos)) {
        this.skipComment();
      } else if (this.src.startsWith("<![CDATA[", this.pos)) {
        const end = this.src.indexOf("]]>", this.pos);
        if (end < 0) throw malformed("unterminated CDATA section");
        element.text += this.src.slice(this.pos + 9, end);
        this.pos = end + 3;
      } else if (this.src.startsWith("<?", this.pos) || this.src.startsWith("<!", this.pos)) {
        throw malformed("unexpected markup");
      } else if (this.src[this.pos] === "<") {
        element.children.push(this.parseElement(depth + 1));
      } else {
        const next = this.src.indexOf("<", this.pos);
        const end = next < 0 ? this.src.length : next;
        const raw = this.src.slice(this.pos, end);
        if (raw.includes("]]>")) throw malformed("]]> in text");
        element.text += decodeEntities(raw.replace(/\r\n?/g, "\n"));
        this.pos = end;
      }
    }
  }
}

function localName(qname: string): string {
  const colon = qname.indexOf(":");
  return colon < 0 ? qname : qname.slice(colon + 1);
}

/** Parses a request document; the root must be `expectedRoot`, else `MalformedXML`. */
export function parseXml(body: Buffer, expectedRoot: string): XmlElement {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw malformed("not UTF-8");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const root = new Parser(text).parseDocument();
  if (root.name !== expectedRoot) throw malformed(`expected <${expectedRoot}>, got <${root.name}>`);
  return root;
}
