import { inflateRawSync } from "node:zlib";

/**
 * What an uploaded file is, by its first bytes rather than its name: an .xlsx is a zip archive ("PK"); Excel
 * saves a password-protected workbook, like an old .xls, as an OLE compound file (D0 CF 11 E0 A1 B1 1A E1).
 */
export function fileKind(bytes: Uint8Array): "zip" | "compound" | "other" {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return "zip";
  const compound = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  if (bytes.length >= compound.length && compound.every((byte, index) => bytes[index] === byte)) return "compound";
  return "other";
}

/**
 * A compound file holding an encrypted OOXML package names its streams "EncryptionInfo" and "EncryptedPackage"
 * (MS-OFFCRYPTO); the directory stores names in UTF-16LE.
 */
export function isEncryptedPackage(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from("EncryptedPackage", "utf16le"));
}

export type ZipCheck = { ok: true; names: string[] } | { ok: false; reason: "malformed" | "tooLarge" };

/**
 * Reads a zip archive's directory and unpacks every entry, counting the bytes, without keeping them: a 5 MB
 * upload can unpack to gigabytes (a "zip bomb"), and the workbook reader would hold it all in memory. Each
 * entry is inflated with a cap of what is left of `maxUnpackedBytes`, so a size the archive lies about does
 * not matter. The names come back for the caller to see what the archive holds.
 */
export function checkZip(bytes: Uint8Array, { maxUnpackedBytes }: { maxUnpackedBytes: number }): ZipCheck {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = endOfCentralDirectory(data);
  if (end === undefined) return { ok: false, reason: "malformed" };
  const entries = data.readUInt16LE(end + 10);
  const directoryOffset = data.readUInt32LE(end + 16);
  const names: string[] = [];
  let left = maxUnpackedBytes;
  let at = directoryOffset;
  for (let index = 0; index < entries; index++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== 0x02014b50) return { ok: false, reason: "malformed" };
    const flags = data.readUInt16LE(at + 8);
    const method = data.readUInt16LE(at + 10);
    const compressedSize = data.readUInt32LE(at + 20);
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    const localOffset = data.readUInt32LE(at + 42);
    names.push(data.toString("utf8", at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;

    // Encrypted entries (flag bit 0) and sizes only a zip64 record knows are nothing Excel writes.
    if (flags & 1 || compressedSize === 0xffffffff || localOffset === 0xffffffff) return { ok: false, reason: "malformed" };
    if (localOffset + 30 > data.length || data.readUInt32LE(localOffset) !== 0x04034b50) return { ok: false, reason: "malformed" };
    const start = localOffset + 30 + data.readUInt16LE(localOffset + 26) + data.readUInt16LE(localOffset + 28);
    if (start + compressedSize > data.length) return { ok: false, reason: "malformed" };
    const packed = data.subarray(start, start + compressedSize);
    let unpacked: number;
    if (method === 0) unpacked = packed.length;
    else if (method === 8) {
      try {
        unpacked = inflateRawSync(packed, { maxOutputLength: Math.max(1, left + 1) }).length;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") return { ok: false, reason: "tooLarge" };
        return { ok: false, reason: "malformed" };
      }
    } else return { ok: false, reason: "malformed" };
    left -= unpacked;
    if (left < 0) return { ok: false, reason: "tooLarge" };
  }
  return { ok: true, names };
}

/** The end-of-central-directory record: the last 22 bytes, or earlier when the archive has a comment (at most 64 KB). */
function endOfCentralDirectory(data: Buffer): number | undefined {
  for (let at = data.length - 22; at >= Math.max(0, data.length - 22 - 0xffff); at--) {
    if (data.readUInt32LE(at) === 0x06054b50) return at;
  }
  return undefined;
}
