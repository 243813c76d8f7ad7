/**
 * How the Cloud Storage client's failures become one error naming the cloud, the bucket and what
 * to set (src/clouds/gcs.ts gcsFailure), for the shapes the clients really throw: a GaxiosError of
 * the IAM Credentials API (google.rpc status, its URL naming the service account), a download
 * stream's error (the raw JSON body as its message), a body-less 403 (a proxy refusing the tunnel),
 * and the STS's OAuth errors as google-auth-library words them ("Error code <error>: <description>").
 */
import { describe, expect, it } from 'vitest';
import { gcsFailure } from '../../src/clouds/gcs.js';
import { parseCloudUri } from '../../src/clouds/uri.js';

const gs = parseCloudUri('gs://ml-models/runs/7/iris/', 'path');
type Hinted = Error & { hint: string };

describe('gcsFailure', () => {
  it('an impersonation refused by IAM Credentials names the service account and the role to grant, not the storage role', () => {
    const sa = 'admin@ml-project.iam.gserviceaccount.com';
    const e = gcsFailure(
      gs,
      'path',
      Object.assign(new Error("Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)."), {
        status: 403,
        response: { status: 403, data: { error: { code: 403, message: 'denied', status: 'PERMISSION_DENIED' } } },
        config: { url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${sa}:generateAccessToken` },
      }),
    ) as Hinted;
    expect(e.message).toBe(
      `Input 'path': Google Cloud Storage refused the credentials for bucket 'ml-models' (PERMISSION_DENIED): the workload identity may not impersonate service account ${sa}: Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).`,
    );
    expect(e.hint).toMatch(new RegExp(`roles/iam.workloadIdentityUser on ${sa.replace(/\./g, '\\.')}`));
    expect(e.hint).not.toMatch(/objectViewer/);
  });

  it("a download stream's error: the JSON body's message and reason", () => {
    const body = JSON.stringify({
      error: { code: 403, message: 'ci@p.iam.gserviceaccount.com does not have storage.objects.get access', errors: [{ reason: 'forbidden' }] },
    });
    const e = gcsFailure(gs, 'path', Object.assign(new Error(body), { code: 403 }));
    expect(e.message).toBe(
      "Input 'path': Google Cloud Storage refused the credentials for bucket 'ml-models' (forbidden): ci@p.iam.gserviceaccount.com does not have storage.objects.get access",
    );
  });

  it('a body-less 403 says who answered', () => {
    const e = gcsFailure(
      gs,
      'path',
      Object.assign(new Error(''), { response: { status: 403 }, config: { url: 'https://www.googleapis.com/oauth2/v4/token' } }),
    );
    expect(e.message).toMatch(/\(HTTP 403\): HTTP 403 from https:\/\/www\.googleapis\.com\/oauth2\/v4\/token$/);
  });

  it("the STS's OAuth errors: expired → expired-token, others → refused with their code", () => {
    expect(gcsFailure(gs, 'path', new Error('Error code invalid_grant: ID Token expired at 1700000000')).message).toMatch(
      /the Google Cloud Storage web identity token has expired, so bucket 'ml-models' cannot be read/,
    );
    expect(gcsFailure(gs, 'path', new Error('Error code invalid_grant: ID Token issued at 1749625771 is stale to sign-in.')).message).toMatch(
      /web identity token has expired/,
    );
    const audience = gcsFailure(gs, 'path', new Error('Error code invalid_grant: The audience in ID Token [x] does not match the expected audience.'));
    expect(audience.message).toMatch(/refused the credentials for bucket 'ml-models' \(invalid_grant\): .*audience/);
    const target = gcsFailure(gs, 'path', new Error('Error code invalid_target: The target service indicated by the "audience" parameters is invalid.'));
    expect(target.message).toMatch(/\(invalid_target\)/);
  });
});
