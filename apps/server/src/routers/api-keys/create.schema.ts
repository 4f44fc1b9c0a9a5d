import { z } from 'zod';
import { API_KEY_SCOPES } from '../../auth/api-keys';
import { normalizeCidr } from '../../auth/ip-allow';

/** `provider/model`, `provider/*` or a bare model name; letters, digits and . _ : - / only. */
const modelPattern = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:*-]+(\/[A-Za-z0-9._:*/-]+)?$/, 'must look like provider/model, provider/* or model');

const cidr = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .transform((value, issue) => {
    try {
      return normalizeCidr(value);
    } catch (error) {
      issue.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

export const createApiKeyInput = z
  .object({
    name: z.string().trim().min(1, 'a name is required').max(100),
    /** `ai`: the AI endpoints; `api`: the hub API as you. Default: `ai` only. */
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(API_KEY_SCOPES.length).default(['ai']),
    expiresAt: z.iso
      .datetime({ offset: true })
      .optional()
      .refine((value) => value === undefined || Date.parse(value) > Date.now(), 'must be in the future'),
    allowedModels: z.array(modelPattern).min(1).max(100).optional(),
    allowedIps: z.array(cidr).min(1).max(100).optional(),
    rateLimitPerMinute: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

export type CreateApiKeyInput = z.infer<typeof createApiKeyInput>;
