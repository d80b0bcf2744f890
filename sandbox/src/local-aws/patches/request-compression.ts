import { gunzipSync } from 'node:zlib';
import type { FidelityPatch } from '../fidelity-layer';

/**
 * A request body sent gzip-compressed is read. The SDKs compress CloudWatch's PutMetricData from
 * 10 KB on; moto 5.2.1's server inflates such a body and then inflates it again, and answers 500.
 */
export function requestCompression(): FidelityPatch {
  return {
    name: 'request-compression',
    restores:
      'A request whose body is gzip-compressed (Content-Encoding: gzip) is accepted, as the SDKs send PutMetricData over ' +
      '10 KB: "You can send a payload compressed by gzip." https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html',
    applies: (call) => call.headers['content-encoding'] === 'gzip',
    handle: (call, moto) => {
      const { 'content-encoding': _, ...headers } = call.headers;
      return moto({ ...call, headers, body: gunzipSync(call.body) });
    },
  };
}
