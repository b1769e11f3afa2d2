import NextAuth, { type DefaultSession } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { getDb } from '@/db/client';
import { clientIp } from '@/lib/http/request';
import { logError } from '@/lib/log';
import { IDLE_SECONDS, refreshToken } from './session-token';
import { createSession, revokeSession } from './sessions';
import { verifySignIn } from './sign-in';

declare module 'next-auth' {
  interface Session {
    user: { id: string; sessionId: string } & DefaultSession['user'];
  }
  interface User {
    sessionId?: string;
  }
}

// Credentials sign-in needs JWT sessions. The token carries only who, which server-side session
// (lib/auth/sessions.ts) and when; the session row, role and active flag are read from the
// database on every request (lib/auth/guards.ts), so revoking the row ends the session at once.
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
        const db = await getDb();
        const ip = clientIp(request);
        const outcome = await verifySignIn(db, { email: credentials?.email, password: credentials?.password, ip });
        if (!outcome.ok) return null;
        const { user } = outcome;
        const sessionId = await createSession(db, { userId: user.id, ip, userAgent: request.headers.get('user-agent') });
        return { id: String(user.id), email: user.email, name: user.name, sessionId };
      },
    }),
  ],
  callbacks: {
    jwt: ({ token, user }) => refreshToken(token, user),
    session({ session, token }) {
      session.user.id = String(token.uid);
      session.user.sessionId = String(token.sid);
      return session;
    },
  },
  events: {
    // Sign-out ends the server-side session, so a copy of the cookie stops working too.
    async signOut(message) {
      const sid = 'token' in message ? message.token?.sid : undefined;
      if (typeof sid === 'string') await revokeSession(await getDb(), sid, 'sign_out');
    },
  },
}));
