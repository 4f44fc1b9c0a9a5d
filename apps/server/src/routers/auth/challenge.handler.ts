import { assertStandaloneSignIn } from '../../blocklet/mode';
import type { Context } from '../../trpc/context';
import type { HandlerOptions } from '../../trpc/types';
import type { ChallengeInput } from './challenge.schema';

export async function challengeHandler({ ctx, input }: HandlerOptions<Context, ChallengeInput>) {
  assertStandaloneSignIn(ctx.services.env);
  const challenge = await ctx.services.challenges.issue(input?.did, ctx.request.ip);
  return { nonce: challenge.nonce, message: challenge.message, expiresAt: challenge.expiresAt.toISOString() };
}
