/** Typed calls to the project functions in SQL (supabase/migrations/*_core.sql) and their API shape. */
import type { AuthUser } from '../../auth/middleware';
import { rpc } from '../../db/rpc';
import type { Bindings } from '../../env';

interface DbProject {
  id: string;
  name: string;
  slug: string;
  created_at: string;
  updated_at: string;
}

export type Project = ReturnType<typeof toProject>;

const toProject = (row: DbProject) => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export async function listProjects(env: Bindings, user: AuthUser) {
  return (await rpc<DbProject[]>(env, 'list_projects', {}, user)).map(toProject);
}

export async function insertProject(env: Bindings, user: AuthUser, name: string, slug: string) {
  return toProject(await rpc<DbProject>(env, 'create_project', { p_name: name, p_slug: slug }, user));
}

export async function getProject(env: Bindings, user: AuthUser, projectId: string) {
  return toProject(await rpc<DbProject>(env, 'get_project', { p_project_id: projectId }, user));
}

export async function renameProject(env: Bindings, user: AuthUser, projectId: string, name: string) {
  return toProject(await rpc<DbProject>(env, 'rename_project', { p_project_id: projectId, p_name: name }, user));
}

/** Throws what deleteProject would (NOT_FOUND_002, PROJ_004) without deleting. */
export async function checkProjectDeletable(env: Bindings, user: AuthUser, projectId: string) {
  await rpc<null>(env, 'check_project_deletable', { p_project_id: projectId }, user);
}

export async function deleteProject(env: Bindings, user: AuthUser, projectId: string) {
  await rpc<{ id: string }>(env, 'delete_project', { p_project_id: projectId }, user);
}
