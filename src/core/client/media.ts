import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import type { FormData } from 'undici';

/**
 * A file to upload: a path on disk, a `Buffer`, a `Blob`/`File`, or a readable stream.
 * Name it with {@link MediaUploadOptions.filename} when the input has no name of its own
 * (WeChat uses the extension to check the file type).
 */
export type MediaInput = string | Buffer | Uint8Array | Blob | Readable;

/** How to name an uploaded file. */
export interface MediaUploadOptions {
  /** File name sent in the multipart part; defaults to the path's or `File`'s name, else `media`. */
  filename?: string;
  /** Content type of the part; defaults to the `Blob`'s type, else guessed from the extension. */
  contentType?: string;
}

/** A downloaded file. */
export interface MediaDownload {
  /** The file's bytes. */
  data: Buffer;
  /** The `Content-Type` WeChat sent, e.g. `image/jpeg`. */
  contentType: string;
  /** The file name from `Content-Disposition`, when WeChat sent one. */
  filename: string | undefined;
}

const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  mp3: 'audio/mpeg',
  amr: 'audio/amr',
  wma: 'audio/x-ms-wma',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

function guessType(filename: string): string {
  const ext = filename.split('.').pop()?.toLowerCase() ?? '';
  return TYPES[ext] ?? 'application/octet-stream';
}

function isReadable(value: unknown): value is Readable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Readable).pipe === 'function' &&
    typeof (value as Readable)[Symbol.asyncIterator] === 'function'
  );
}

/**
 * Turn any {@link MediaInput} into a named undici `File`. A stream is read into memory first:
 * WeChat caps uploads at a few MB, and a buffered file can be resent if the connection fails
 * before the upload starts.
 */
export async function toFile(input: MediaInput, options: MediaUploadOptions = {}): Promise<File> {
  let blob: Blob;
  let name = options.filename;
  if (typeof input === 'string') {
    // Loaded here: Workers have no `node:fs`, and a path means Node (or Bun, Deno) anyway.
    const { openAsBlob } = await import('node:fs');
    blob = await openAsBlob(input);
    name ??= basename(input);
  } else if (input instanceof Blob) {
    blob = input;
    if ('name' in input && typeof input.name === 'string' && input.name) name ??= input.name;
  } else if (input instanceof Uint8Array) {
    blob = new Blob([input as Uint8Array<ArrayBuffer>]);
  } else if (isReadable(input)) {
    const chunks: Buffer[] = [];
    for await (const chunk of input) {
      chunks.push(
        typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array),
      );
    }
    blob = new Blob([Buffer.concat(chunks) as Uint8Array<ArrayBuffer>]);
    const path = (input as Readable & { path?: unknown }).path;
    if (typeof path === 'string') name ??= basename(path);
  } else {
    throw new TypeError('media must be a path, Buffer, Blob or readable stream');
  }
  name ??= 'media';
  const type = options.contentType ?? (blob.type || guessType(name));
  return new File([blob], name, { type });
}

/** A multipart form with the file in the field `media` (or `fieldName`), plus any extra text fields. */
export function mediaForm(
  FormDataClass: typeof FormData,
  file: File,
  fields: Record<string, string> = {},
  fieldName = 'media',
): FormData {
  const form = new FormDataClass();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append(fieldName, file, file.name);
  return form;
}

/** The file name from a `Content-Disposition` header (`filename*=` preferred, then `filename=`). */
export function filenameFromDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*(?:[\w-]+)?'[^']*'([^;]+)/i.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(header);
  const value = plain?.[1] ?? plain?.[2]?.trim();
  return value || undefined;
}
