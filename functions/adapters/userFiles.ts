import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3';

export interface FilesErasure {
  /** Objects (or versions and delete markers) S3 reported deleted. */
  readonly deleted: number;
  /** True when the prefix may hold more than this call took. */
  readonly more: boolean;
}

/** DeleteObjects takes at most 1,000 keys. */
const MAX_DELETE = 1000;

/**
 * Everything a user has in the media bucket, under one prefix, removed in steps of at most a
 * thousand keys: first the current objects (the only kind a bucket without versions has), then
 * every version and delete marker left behind on a versioned bucket.
 */
export class UserFiles {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  /** Deletes up to `limit` current objects under the prefix. */
  async eraseCurrent(prefix: string, limit: number): Promise<FilesErasure> {
    const page = await this.s3.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: Math.min(limit, MAX_DELETE) }),
    );
    const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    return { deleted: await this.deleteAll(keys), more: page.IsTruncated === true && keys.length > 0 };
  }

  /**
   * Deletes up to `limit` versions and delete markers under the prefix, each by its version id:
   * on a versioned bucket, deleting a key only hides it behind a marker, and its versions stay
   * until they are removed by id (or their noncurrent-version expiry). A bucket that keeps no
   * versions lists none.
   */
  async eraseVersions(prefix: string, limit: number): Promise<FilesErasure> {
    const page = await this.s3.send(
      new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: prefix, MaxKeys: Math.min(limit, MAX_DELETE) }),
    );
    const ids: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].flatMap((v) =>
      v.Key && v.VersionId ? [{ Key: v.Key, VersionId: v.VersionId }] : [],
    );
    return { deleted: await this.deleteAll(ids), more: page.IsTruncated === true && ids.length > 0 };
  }

  private async deleteAll(objects: ObjectIdentifier[]): Promise<number> {
    if (objects.length === 0) return 0;
    const out = await this.s3.send(
      new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: objects, Quiet: true } }),
    );
    const failed = out.Errors ?? [];
    if (failed.length > 0) {
      const first = failed[0];
      throw new Error(`S3 kept ${failed.length} of ${objects.length} objects (${first?.Code}: ${first?.Key})`);
    }
    return objects.length;
  }
}
