import { describe, expect, it } from 'vitest';
import { changeRoleSchema, createUserSchema, setActiveSchema } from './users';

describe('user form schemas', () => {
  it('reads an empty password as "generate one" and normalises the email', () => {
    expect(createUserSchema.parse({ email: ' Ops@Example.COM ', name: ' Ops ', role: 'finance', password: '' })).toEqual({
      email: 'ops@example.com',
      name: 'Ops',
      role: 'finance',
      password: undefined,
    });
  });

  it('refuses a short password, a bad email and an unknown role', () => {
    const result = createUserSchema.safeParse({ email: 'nope', role: 'root', password: 'short' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0]).sort()).toEqual(['email', 'password', 'role']);
  });

  it('refuses an email holding a card number (an identity is refused, not altered) or a NUL', () => {
    for (const email of ['4111111111111111@example.com', 'a.4111-1111-1111-1111@example.com', 'a\u0000b@example.com']) {
      const result = createUserSchema.safeParse({ email, role: 'finance', password: '' });
      expect(result.success, email).toBe(false);
      expect(result.error?.issues.map((i) => i.path[0])).toEqual(['email']);
    }
    expect(createUserSchema.safeParse({ email: 'ops1738916997657@example.com', role: 'finance', password: '' }).success).toBe(true);
  });

  it('reads form strings for role changes and enabling', () => {
    expect(changeRoleSchema.parse({ userId: '12', role: 'support' })).toEqual({ userId: 12, role: 'support' });
    expect(setActiveSchema.parse({ userId: '3', active: 'false' })).toEqual({ userId: 3, active: false });
    expect(setActiveSchema.safeParse({ userId: '0', active: 'true' }).success).toBe(false);
    expect(changeRoleSchema.safeParse({ userId: '1', role: 'owner' }).success).toBe(false);
  });
});
