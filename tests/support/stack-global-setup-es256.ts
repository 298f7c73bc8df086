/** Global setup for the `worker-es256` project: a local stack that signs user tokens with ES256. */
import type { TestProject } from 'vitest/node';
import { setupStack } from './stack-global-setup';

export default (project: TestProject) => setupStack(project, 'ES256');
