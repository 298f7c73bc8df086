/** The smallest valid images of each accepted type, for tests that upload project images. */
const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (byte) => parseInt(byte, 16));

/** A 1×1 PNG. */
export const PNG = hex(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2219bc40000000049454e44ae426082',
);
export const JPEG = hex('ffd8ffe000104a46494600010100000100010000ffd9');
export const WEBP = new Uint8Array([...new TextEncoder().encode('RIFF'), 12, 0, 0, 0, ...new TextEncoder().encode('WEBPVP8 '), 0, 0, 0, 0]);
