import { describe, expect, it } from 'vitest';
import { normalizeBaseUrl, normalizeRegion } from './endpoint';

describe('normalizeBaseUrl', () => {
  it.each([
    ['https://api.openai.com/v1', 'https://api.openai.com/v1'],
    ['  https://API.Example.com/v1/ ', 'https://api.example.com/v1'],
    ['https://api.example.com:443/', 'https://api.example.com'],
    ['http://127.0.0.1:11434/v1//', 'http://127.0.0.1:11434/v1'],
    ['http://[::1]:8080/api', 'http://[::1]:8080/api'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeBaseUrl(input)).toBe(expected);
  });

  it.each([
    ['', 'Base URL is empty'],
    ['api.openai.com/v1', 'Base URL is not a valid absolute URL'],
    ['ftp://files.example.com', 'Base URL must start with http:// or https://'],
    ['file:///etc/passwd', 'Base URL must start with http:// or https://'],
    [
      'https://user:hunter2-pass@api.example.com',
      'Base URL must not contain a user name or password; put keys in a credential',
    ],
    [
      'https://token@api.example.com',
      'Base URL must not contain a user name or password; put keys in a credential',
    ],
    ['https://api.example.com/v1?key=abc', 'Base URL must not have a query string or fragment'],
    ['https://api.example.com/v1?', 'Base URL must not have a query string or fragment'],
    ['https://api.example.com/v1#frag', 'Base URL must not have a query string or fragment'],
    [`https://example.com/${'a'.repeat(500)}`, 'Base URL is longer than 500 characters'],
  ])('refuses %s', (input, message) => {
    expect(() => normalizeBaseUrl(input)).toThrow(message);
  });

  it('never echoes the input in its message', () => {
    expect(() => normalizeBaseUrl('https://admin:hunter2-pass@api.example.com')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') as string }),
    );
  });
});

describe('normalizeRegion', () => {
  it.each(['us-east-1', 'eu-central-2', 'ap-southeast-4', 'us-gov-west-1', 'cn-north-1', ' us-west-2 '])(
    'accepts %s',
    (region) => {
      expect(normalizeRegion(region)).toBe(region.trim());
    },
  );

  it.each(['US-EAST-1', 'us-east', 'useast1', 'us_east_1', 'us-east-1a', '', 'us-east-1/../x'])(
    'refuses %s',
    (region) => {
      expect(() => normalizeRegion(region)).toThrow('Region must be an AWS region name such as us-east-1');
    },
  );
});
