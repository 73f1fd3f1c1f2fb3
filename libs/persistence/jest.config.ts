import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('persistence', __dirname);
