/**
 * Real PNG files made with node:zlib, for the fake AI image provider: 8-bit RGB, one IDAT chunk, a
 * soft two-colour gradient whose colours come from a seed (so different prompts give different
 * pictures). Small: a 64×36 image is well under 1 KB.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The PNG bytes of a `width`×`height` gradient coloured from `seed`. */
export function gradientPng(width: number, height: number, seed = 0): Buffer {
  const from = [(seed * 53) % 256, (seed * 97 + 80) % 256, (seed * 31 + 160) % 256];
  const to = [255 - from[0]!, 255 - from[1]!, 255 - from[2]!];
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    rows[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const t = (x / Math.max(1, width - 1) + y / Math.max(1, height - 1)) / 2;
      for (let c = 0; c < 3; c++) rows[row + 1 + x * 3 + c] = Math.round(from[c]! + (to[c]! - from[c]!) * t);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** Width and height of an image of `aspectRatio` (e.g. "16:9") whose longer side is `long` pixels. */
export function sizeFor(aspectRatio: string, long = 64): { width: number; height: number } {
  const [w, h] = aspectRatio.split(':').map(Number) as [number, number];
  if (!(w > 0 && h > 0)) return { width: long, height: long };
  return w >= h
    ? { width: long, height: Math.max(1, Math.round((long * h) / w)) }
    : { width: Math.max(1, Math.round((long * w) / h)), height: long };
}
