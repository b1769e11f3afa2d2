import NextAuth, { type DefaultSession } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { getDb } from '@/db/client';
import { clientIp } from '@/lib/http/request';
import { logError } from '@/lib/log';
import { IDLE_SECONDS, refreshToken } from './session-token';
import { verifySignIn } from './sign-in';

declare module 'next-auth' {
  interface Session {
    user: { id: string; sessionVersion: number } & DefaultSession['user'];
  }
  interface User {
    sessionVersion?: number;
  }
}

// Credentials sign-in needs JWT sessions. The token carries only who and when; role and
// active flag are read from the database on every request (lib/auth/guards.ts).
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: process.env.AUTH_SECRET,
  trustHost: true,
  session: { strategy: 'jwt', maxAge: IDLE_SECONDS, updateAge: 0 },
  pages: { signIn: '/login' },
  // A refused sign-in is an expected outcome (audited in sign-in.ts), not an error with a stack.
  logger: {
    error(error: Error) {
      if (error.name === 'CredentialsSignin') return;
      logError(`[auth] ${error.name}: ${error.message}`);
    },
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      authorize: async (credentials, request) => {
        const outcome = await verifySignIn(await getDb(), {
          email: credentials?.email,
          password: credentials?.password,
          ip: clientIp(request),
        });
        if (!outcome.ok) return null;
        const { user } = outcome;
        return { id: String(user.id), email: user.email, name: user.name, sessionVersion: user.sessionVersion };
      },
    }),
  ],
  callbacks: {
    jwt: ({ token, user }) => refreshToken(token, user),
    session({ session, token }) {
      session.user.id = String(token.uid);
      session.user.sessionVersion = Number(token.sv);
      return session;
    },
  },
}));
