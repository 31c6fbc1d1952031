// Where the web client lives: a private S3 bucket that only CloudFront can read (Origin Access Control),
// served over HTTPS with the security headers, and with every unknown path answered by the SPA fallback
// page so that meeting links such as /m/abc-defg-hij open the app.
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SecurityHeaders } from './security-headers.js';

export interface SiteProps {
  /** Origins besides the site itself that the page may connect to (the APIs). */
  connectSources: string[];
  domainName?: string;
  certificateArn?: string;
}

/** SvelteKit adapter-static's `fallback` page: it boots the app for any route. */
export const SPA_FALLBACK = '/200.html';

export class Site extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** https://<custom domain> when configured, else https://<id>.cloudfront.net. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: SiteProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      // A build artifact: `npm run deploy` recreates it, so it should not outlive the stack.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const headers = new SecurityHeaders(this, 'Headers', { connectSources: props.connectSources });
    const custom = props.domainName && props.certificateArn
      ? {
          domainNames: [props.domainName],
          certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
          minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        }
      : {};

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Meshmeet web client',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket, {
          // CloudFront names are global to the account, and CDK's default OAC name has no region in it: the
          // same stack name deployed to a second region would fail to create it.
          originAccessControl: new cloudfront.S3OriginAccessControl(this, 'OriginAccess', {
            originAccessControlName: `${Stack.of(this).stackName}-${Aws.REGION}-site`,
          }),
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        // Honours the Cache-Control that SiteContent sets per file.
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers.policy,
        compress: true,
      },
      // Without s3:ListBucket, S3 answers a missing key with 403, not 404: both mean "a client-side route".
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: SPA_FALLBACK,
        ttl: Duration.seconds(10),
      })),
      ...custom,
    });
    this.url = `https://${props.domainName ?? this.distribution.distributionDomainName}`;
  }
}
