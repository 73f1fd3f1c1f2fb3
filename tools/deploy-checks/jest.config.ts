import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('deploy-checks', __dirname);
