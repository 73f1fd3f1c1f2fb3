import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('workspace-checks', __dirname);
