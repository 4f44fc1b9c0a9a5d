import type { z } from 'zod';
import { settingsPatchSchema } from '../../settings/settings';

/**
 * Any subset of sections, each with any subset of its fields, within the bounds of `settingsSchema`; unknown
 * sections or fields are refused. The schema lives with the settings so the two cannot drift apart.
 */
export const updateConfigInput = settingsPatchSchema;

export type UpdateConfigInput = z.infer<typeof updateConfigInput>;
