export { ROLES, hasAtLeast, isAdmin, isRole, parseRole, roleRank, type Role } from './roles';
export * from './role-change';
