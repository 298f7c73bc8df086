/**
 * Deleting a project and its files. Storage keeps a file's bytes until they are deleted through
 * its API, so the files go first (as the owner, under Storage's policies), and only once the
 * database says the project may be deleted, so a refused deletion (PROJ_004) keeps them. The
 * project's deletion then removes any file row that arrived in between (a database trigger).
 */
import type { AuthUser } from '../../auth/middleware';
import type { Bindings } from '../../env';
import { removeProjectAssets } from '../assets/assets';
import { checkProjectDeletable, deleteProject } from './db';

export async function deleteProjectAndFiles(env: Bindings, user: AuthUser, projectId: string): Promise<void> {
  await checkProjectDeletable(env, user, projectId);
  await removeProjectAssets(env, user, projectId);
  await deleteProject(env, user, projectId);
}
