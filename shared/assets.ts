/**
 * Project images (supabase/migrations/*_project_assets.sql): the buckets, the accepted types with
 * the first bytes that identify them, and the limits. The Worker checks uploads with these and
 * the dashboard checks files before sending them; the buckets and the database enforce the same
 * numbers (a db test keeps them equal).
 */

export const ASSET_BUCKETS = { private: 'project-assets', public: 'project-public' } as const;
export type AssetVisibility = keyof typeof ASSET_BUCKETS;

export const ASSET_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

/** Largest file, in bytes (the buckets' file_size_limit). */
export const ASSET_MAX_BYTES = 5 * 1024 * 1024;
/** Per-project quota over both buckets (private.asset_limits defaults). */
export const ASSET_QUOTA = { files: 50, bytes: 50 * 1024 * 1024 } as const;

/** The name of a project's logo (public bucket); other files are named by a UUID. */
export const LOGO_NAME = 'logo';
export const ASSET_NAME = /^(logo|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * Where anyone reads a project's public image, relative to SUPABASE_URL, with no token: what a
 * published site or booking page puts in `<img src>` (the logo is `publicAssetPath(id, LOGO_NAME)`).
 */
export const publicAssetPath = (projectId: string, name: string) =>
  `/storage/v1/object/public/${ASSET_BUCKETS.public}/${projectId}/${name}`;

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);

/** The image type the file's first bytes identify, whatever its name or declared type; null when it is none of ASSET_TYPES. */
export function sniffImageType(bytes: Uint8Array): AssetType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  // RIFF <size> WEBP
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return null;
}
