// The response headers CloudFront adds to every page and asset of the site: a strict Content-Security-Policy
// (no inline or foreign scripts; network only to ourselves and our two APIs), HSTS, no framing, no MIME
// sniffing, and camera/microphone/screen capture for this origin only.
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';

export interface SecurityHeadersProps {
  /** Origins the app may fetch from or open WebSockets to, besides its own. */
  connectSources: string[];
}

/** The policy as one header value; exported so the tests read the same string CloudFront sends. */
export function contentSecurityPolicy(connectSources: readonly string[]): string {
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    // No 'unsafe-inline': the web build ships no inline bootstrap script, so an injected <script> or
    // on*= attribute cannot run.
    ['script-src', "'self'"],
    // Inline styles stay allowed: SvelteKit renders its route announcer with a style="..." attribute (and
    // Svelte builds component markup from HTML strings), which CSP counts as inline; blocking it would show
    // the visually hidden announcer. Styles cannot run code; what remains is CSS-only tricks.
    ['style-src', "'self'", "'unsafe-inline'"],
    // Images made in the page (canvas, generated icons) are data: or blob: URLs.
    ['img-src', "'self'", 'data:', 'blob:'],
    // Camera and remote video are MediaStreams attached to <video>; older engines check them as media.
    ['media-src', "'self'", 'blob:', 'mediastream:'],
    ['connect-src', "'self'", ...connectSources],
    ['font-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'self'"],
    ['form-action', "'self'"],
    ['frame-ancestors', "'none'"],
  ];
  return directives.map((d) => d.join(' ')).join('; ');
}

/** Camera, microphone and screen capture for this origin only (never for embedded frames); the rest off. */
export const PERMISSIONS_POLICY = 'camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=()';

export class SecurityHeaders extends Construct {
  readonly policy: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: SecurityHeadersProps) {
    super(scope, id);
    this.policy = new cloudfront.ResponseHeadersPolicy(this, 'Policy', {
      // Policy names are global to the account; the region in the name lets the same stack name be deployed
      // to two regions.
      responseHeadersPolicyName: `${Stack.of(this).stackName}-${Aws.REGION}-security-headers`,
      comment: 'Meshmeet web client security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(props.connectSources), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365 * 2), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        // Meeting codes are in page URLs; other origins learn only our origin, never the path.
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: PERMISSIONS_POLICY, override: true },
          // A window this page opens cannot reach back into the meeting (and vice versa).
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });
  }
}
