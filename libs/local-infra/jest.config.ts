import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('local-infra', __dirname);
