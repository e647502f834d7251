import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { stagingPrefix } from '../../functions/resources.js';
import type { TrackdropSettings } from '../../functions/settings.js';

export interface StorageConstructProps {
  readonly settings: TrackdropSettings;
  /**
   * No `autoDeleteObjects` even in dev: the bucket holds users' music, so deleting a stack
   * with a non-empty bucket should fail rather than empty it.
   */
  readonly removalPolicy: RemovalPolicy;
}

/** The media bucket (users' Music folders and staging uploads) and its access-log bucket. */
export class StorageConstruct extends Construct {
  public readonly mediaBucket: Bucket;
  public readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string, { settings, removalPolicy }: StorageConstructProps) {
    super(scope, id);
    const stagingDays = Duration.days(settings.retention.stagingDays);

    // cdk-nag's S1 accepts a bucket without logs of its own when it is the log destination.
    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // S3 server access logging only delivers to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(365) }],
      removalPolicy,
    });

    this.mediaBucket = new Bucket(this, 'MediaBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'media/',
      // A purchase outlives a wrong delete or overwrite: the old version is kept a while.
      versioned: true,
      lifecycleRules: [
        // Uploads from HTTPS origins that died half-way would otherwise be billed forever.
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: stagingDays },
        {
          id: 'ExpireStaging',
          prefix: stagingPrefix,
          expiration: stagingDays,
          noncurrentVersionExpiration: stagingDays,
        },
        {
          id: 'ExpireNoncurrentVersions',
          noncurrentVersionExpiration: Duration.days(settings.retention.noncurrentVersionDays),
          expiredObjectDeleteMarker: true,
        },
      ],
      removalPolicy,
    });
  }
}
