export { auth, handlers, signIn, signOut } from './config';
export { authorize, currentUser, requirePagePermission, requireUser, type StaffUser } from './guards';
export { can, PERMISSIONS, type Permission } from './permissions';
