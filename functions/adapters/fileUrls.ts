import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface FileUrlRequest {
  readonly key: string;
  readonly contentType: string;
  readonly contentDisposition: string;
  readonly expiresInSeconds: number;
}

/**
 * Presigned GET URLs for objects of the media bucket. Signing is local (no request to S3); the
 * URL carries the response's Content-Type and Content-Disposition, which S3 applies when it serves it.
 */
export class FileUrls {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async sign(req: FileUrlRequest): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: req.key,
      ResponseContentType: req.contentType,
      ResponseContentDisposition: req.contentDisposition,
    });
    return getSignedUrl(this.s3, command, { expiresIn: req.expiresInSeconds });
  }
}
