// Puts the web build and the generated /config.json into the site bucket on every deploy. Hashed files
// under _app/immutable/ are cached for a year and never pruned (a tab still running the previous version
// can load its chunks); everything else is revalidated by browsers and invalidated in CloudFront.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { ClientConfig } from '../../functions/protocol/http.js';

export interface SiteContentProps {
  bucket: s3.IBucket;
  distribution: cloudfront.IDistribution;
  /** SvelteKit adapter-static output directory. */
  buildDir: string;
  /** Written as /config.json; may contain tokens (API URLs), resolved at deploy time. */
  clientConfig: ClientConfig;
}

/** SvelteKit's default appDir: everything under it is content-hashed. */
const IMMUTABLE_DIR = '_app/immutable';

export class SiteContent extends Construct {
  constructor(scope: Construct, id: string, props: SiteContentProps) {
    super(scope, id);
    const configJson = s3deploy.Source.jsonData('config.json', props.clientConfig);
    // One log group with a retention for the deployment function CDK adds (it would otherwise keep logs forever).
    const logGroup = new logs.LogGroup(this, 'DeployLogs', {
      retention: logs.RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const common = { destinationBucket: props.bucket, logGroup, memoryLimit: 512 };

    if (!hasFiles(props.buildDir)) {
      // Synth must work on a fresh clone before the web is built. Deploy config.json alone and prune
      // nothing, so that a deploy without a build cannot wipe a site that is already online.
      Annotations.of(this).addWarningV2(
        'meshmeet:no-web-build',
        `No web build at ${props.buildDir}: only config.json will be uploaded. Run \`npm run build:web\` (npm run deploy does).`,
      );
      new s3deploy.BucketDeployment(this, 'Config', {
        ...common,
        sources: [configJson],
        prune: false,
        cacheControl: [s3deploy.CacheControl.fromString(REVALIDATE)],
        distribution: props.distribution,
        distributionPaths: ['/config.json'],
      });
      return;
    }

    const immutableDir = join(props.buildDir, IMMUTABLE_DIR);
    const immutable = hasFiles(immutableDir)
      ? new s3deploy.BucketDeployment(this, 'Immutable', {
          ...common,
          sources: [s3deploy.Source.asset(immutableDir)],
          destinationKeyPrefix: `${IMMUTABLE_DIR}/`,
          prune: false,
          cacheControl: [
            s3deploy.CacheControl.setPublic(),
            s3deploy.CacheControl.maxAge(Duration.days(365)),
            s3deploy.CacheControl.immutable(),
          ],
        })
      : undefined;

    const pages = new s3deploy.BucketDeployment(this, 'Pages', {
      ...common,
      sources: [s3deploy.Source.asset(props.buildDir, { exclude: [`${IMMUTABLE_DIR}/**`] }), configJson],
      // Excluded keys are also spared by prune, so the immutable files above survive.
      exclude: [`${IMMUTABLE_DIR}/*`],
      prune: true,
      cacheControl: [s3deploy.CacheControl.fromString(REVALIDATE)],
      distribution: props.distribution,
      distributionPaths: ['/*'],
    });
    // New pages point at new chunks: upload the chunks first.
    if (immutable) pages.node.addDependency(immutable);
  }
}

// Browsers always ask again (a 304 is cheap); CloudFront keeps its copy until the deploy invalidates it.
const REVALIDATE = 'public, max-age=0, s-maxage=31536000, must-revalidate';

function hasFiles(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).length > 0;
}
