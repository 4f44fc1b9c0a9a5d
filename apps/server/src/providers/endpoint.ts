/**
 * Rules for where a provider points. A base URL is where the hub sends decrypted keys, so it must be a plain
 * http(s) origin + path: no user info (a password in a URL ends up in logs and audit details), no query or
 * fragment (the SDKs append paths, and a `?key=` would ride along on every call).
 */
import { ValidationError } from '@aigne-hub/core';

const MAX_BASE_URL_LENGTH = 500;

/**
 * Validates a base URL and returns it normalized: the URL parser's form (lowercase scheme and host, default
 * port dropped) without trailing slashes, so `https://API.example.com/v1/` is stored as
 * `https://api.example.com/v1`. Throws `ValidationError` naming the rule that failed, never echoing the input
 * (it may carry credentials).
 */
export function normalizeBaseUrl(input: string): string {
  const text = input.trim();
  if (text.length === 0) throw new ValidationError('Base URL is empty');
  if (text.length > MAX_BASE_URL_LENGTH) {
    throw new ValidationError(`Base URL is longer than ${MAX_BASE_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError('Base URL is not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError('Base URL must start with http:// or https://');
  }
  if (url.username !== '' || url.password !== '') {
    throw new ValidationError('Base URL must not contain a user name or password; put keys in a credential');
  }
  // `new URL` drops a lone `?` or `#`; look at the text too so that they are refused rather than lost.
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(text)) {
    throw new ValidationError('Base URL must not have a query string or fragment');
  }
  if (url.hostname === '') throw new ValidationError('Base URL has no host');
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * AWS region names as AWS writes them: `us-east-1`, `eu-central-2`, `ap-southeast-4`, `us-gov-west-1`,
 * `cn-north-1`. Validated by shape rather than against a list so a new region works on its first day.
 */
const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

export function normalizeRegion(input: string): string {
  const region = input.trim();
  if (!AWS_REGION.test(region) || region.length > 32) {
    throw new ValidationError('Region must be an AWS region name such as us-east-1');
  }
  return region;
}
